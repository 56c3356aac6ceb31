// What the browser page's engine worker computes (docs/browser.md): one genome (a library seed, a
// learner seed or a genome file's text) on one task with one run seed. An optimizer task gives
// exactly the EvalReport `l2l eval --json` prints (the same plan, the same reportTasks, the same
// engine.wasm), so the page's loss curve equals Node's bit for bit; a learner task gives the
// evaluation `l2l evolve --role learner` computes for genome 0 of generation 0 and each episode's
// score, the page's score curve. Pure of the DOM and of Node: Node tests call it directly.

import type { Engine } from '../engine/engine.ts';
import { genomeFromJSON, genomeFromMsgpack } from '../genome/codec.ts';
import type { Genome } from '../genome/types.ts';
import { runLearner } from '../learner/run.ts';
import { LEARNER_SEEDS, learnerSeedByName } from '../learner/index.ts';
import { SEED_NAMES, seedByName } from '../seeds/index.ts';
import { makePlan } from '../tasks/evaluate.ts';
import { DEFAULT_LEARNER_WORK_LIMIT, evaluateLearnerGenome, learnerEpisodeSeed } from '../tasks/learner.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { buildTask, isLearnerTask, LIMITS, OPTIMIZER_TASKS, TASKS } from '../tasks/registry.ts';
import { EVAL_GENERATION, EVAL_GENOME_ID, reportTasks, type EvalReport } from '../tasks/report.ts';
import { dataSeed, episodeSeed, hashWords } from '../tasks/seeds.ts';
import { InputError, rules } from '../util/errors.ts';

/** Which genome to run: a seed by name (optimizer or learner library) or a genome file: JSON text, or msgpack bytes (a .msgpack file, as `l2l eval` reads it). */
export type GenomeSource = { kind: 'seed'; name: string } | { kind: 'learner-seed'; name: string } | { kind: 'file'; name: string; text: string } | { kind: 'file'; name: string; bytes: Uint8Array };

export interface EvalRequest {
  genome: GenomeSource;
  /** A task reference, `name` or `name:variant` (src/tasks/registry.ts). */
  task: string;
  /** The run seed; the task's data and episode seeds derive from it as in `l2l eval`. */
  runSeed: number;
  /** Optimizer steps, or a learner task's episodes; the task's default when absent. */
  steps?: number;
}

export type EvalAnswer =
  | { role: 'optimizer'; report: EvalReport }
  | { role: 'learner'; task: string; genome: string; scores: number[]; evaluation: GenomeEvaluation };

/** Every task reference the page offers: each task, then each of its variants. */
export function taskChoices(): { optimizer: string[]; learner: string[] } {
  const refs = (names: readonly { name: string; variants: readonly string[] }[]): string[] =>
    names.flatMap((t) => [t.name, ...t.variants.map((v) => `${t.name}:${v}`)]);
  return { optimizer: refs(OPTIMIZER_TASKS), learner: refs(TASKS.filter((t) => isLearnerTask(t.name))) };
}

/** The seed names the page offers, per role. */
export function seedChoices(): { optimizer: readonly string[]; learner: string[] } {
  return { optimizer: SEED_NAMES, learner: LEARNER_SEEDS.map((s) => s.name) };
}

function genomeOf(source: GenomeSource): { genome: Genome; name: string } {
  // Named as l2l eval names them (genome.name, else the argument), so the reports compare whole.
  if (source.kind === 'seed') {
    const genome = seedByName(source.name).build({});
    return { genome, name: genome.name || `seed:${source.name}` };
  }
  if (source.kind === 'learner-seed') {
    try {
      const genome = learnerSeedByName(source.name).build();
      return { genome, name: genome.name || `learner:${source.name}` };
    } catch {
      throw new InputError('learner seed', rules.oneOf(LEARNER_SEEDS.map((s) => s.name)), source.name);
    }
  }
  const genome = 'bytes' in source ? genomeFromMsgpack(source.bytes) : genomeFromJSON(source.text);
  return { genome, name: genome.name || source.name };
}

/** Runs `request` on `engine` (see the header); bad input raises InputError. */
export function evaluateRequest(engine: Engine, request: EvalRequest): EvalAnswer {
  const { runSeed, task } = request;
  if (!Number.isSafeInteger(runSeed) || runSeed < 0) throw new InputError('run seed', 'must be an integer in [0, 2^53)', runSeed);
  const [lo, hi] = LIMITS.steps;
  if (request.steps !== undefined && !(Number.isInteger(request.steps) && request.steps >= lo && request.steps <= hi)) {
    throw new InputError('steps', rules.range(lo, hi), request.steps);
  }
  const { genome, name } = genomeOf(request.genome);
  const steps = request.steps === undefined ? {} : { steps: request.steps };
  if (!isLearnerTask(task)) {
    const plan = makePlan(runSeed, EVAL_GENERATION, [{ task, ...steps }]);
    return { role: 'optimizer', report: reportTasks(engine, genome, name, plan)[0] as EvalReport };
  }
  // The learner role's default work limit, as l2l evolve --role learner plans (src/evolve/config.ts).
  const plan = makePlan(runSeed, EVAL_GENERATION, [{ task, ...steps }], { workLimit: DEFAULT_LEARNER_WORK_LIMIT });
  const planned = plan.tasks[0] as { task: string; steps: number };
  const evaluation = evaluateLearnerGenome(engine, genome, EVAL_GENOME_ID, plan, { instance: (t, seed) => buildTask(t, seed) });
  const scores = episodeScores(engine, genome, planned.task, runSeed, planned.steps, plan.workLimit);
  return { role: 'learner', task: planned.task, genome: name, scores, evaluation };
}

/**
 * Each episode's score, with the seeds runLearnerTask (src/tasks/learner.ts) gives episode e, so the
 * curve's mean is the evaluation's validationLoss (the mean score): the page's per-step view of it.
 */
function episodeScores(engine: Engine, genome: Genome, task: string, runSeed: number, episodes: number, workLimit: number): number[] {
  const path = { runSeed, generation: EVAL_GENERATION, task };
  const instance = buildTask(task, dataSeed(path));
  if (instance.kind !== 'learner') return [];
  const seed = episodeSeed({ ...path, genomeId: EVAL_GENOME_ID });
  const scores: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const env = instance.learner.make(learnerEpisodeSeed(instance.seed, e), instance.variant);
    const episode = runLearner(engine, genome, env, { seed: hashWords([seed, e]), workLimit: workLimit * env.trials });
    if (episode.status !== 'ok') break;
    scores.push(episode.score);
  }
  return scores;
}
