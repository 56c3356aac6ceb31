// `l2l eval <genome.json | seed:NAME> --task NAME[,NAME...] [--steps N] [--batch-size B] [--seed S]
// [--every K] [--hyper ...] [--json]`: trains with an optimizer genome on registry tasks
// (src/tasks/registry.ts; docs/tasks.md) and prints, per task, the training loss per step and every
// metric, then the genome's combined metrics when there are several tasks. --seed is the run seed:
// each task's data seed and episode seed derive from it (generation 0, genome id 0). With --json:
// one JSON object for one task, { genome, seed, tasks, result } for several; trainLoss holds the
// loss at the start, before each update and after the last (N steps: N + 1 values).

import { Engine } from '../engine/engine.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import type { Genome } from '../genome/types.ts';
import { resolveGenome } from '../seeds/index.ts';
import { InputError, rules } from '../util/errors.ts';
import { makePlan, runTask, type PlannedTask } from '../tasks/evaluate.ts';
import { combineTasks, type GenomeEvaluation, type TaskResult } from '../tasks/metrics.ts';
import { buildTask, LIMITS, parseTaskRef, TASK_NAMES } from '../tasks/registry.ts';
import { dataSeed, episodeSeed } from '../tasks/seeds.ts';
import { hyperFlag, intFlag, onePositional, parseArgs } from './args.ts';

type Write = (text: string) => void;

export const MAX_STEPS = 1_000_000;
const GENOME_ID = 0;
const GENERATION = 0;

export interface EvalReport {
  genome: string;
  task: string;
  /** The run seed; the task's data and episode seeds derive from it. */
  seed: number;
  dataSeed: number;
  episodeSeed: number;
  /** What the task drew from its data seed (a data set's name, a regression's shape). */
  detail: string;
  /** Updates run: fewer than asked when a value went non-finite. */
  steps: number;
  batchSize: number;
  /** How training ended: non-finite stops it early (nodeKey: the engine node, when one was). */
  status: 'ok' | 'non-finite' | 'engine-error';
  nodeKey?: number;
  trainLoss: number[];
  initialLoss: number;
  finalLoss: number;
  nodes: number;
  edges: number;
  /** Counted from the genome (lane-width values carried across ticks). */
  stateBytesPerParameter: number;
  /** The engine's cost: node-lane evaluations + edge-lane traversals + effects, per update and parameter. */
  workPerStepPerParameter: number;
  /** The score: metrics (validation loss, loss area, costs, normalised losses) or an invalid reason. */
  result: TaskResult;
}

export interface EvalSummary {
  genome: string;
  seed: number;
  tasks: EvalReport[];
  result: GenomeEvaluation;
}

function tasksFlag(text: string | undefined): string[] {
  if (text === undefined) throw new InputError('--task', `is required (${TASK_NAMES.join(', ')})`);
  const refs = text.split(',').map((t) => t.trim());
  const seen = new Set<string>();
  return refs.map((ref) => {
    const canonical = parseTaskRef(ref, '--task').text;
    if (seen.has(canonical)) throw new InputError('--task', rules.unique, ref);
    seen.add(canonical);
    return canonical;
  });
}

function reportTask(engine: Engine, genome: Genome, name: string, planned: PlannedTask, seed: number): EvalReport {
  const path = { runSeed: seed, generation: GENERATION, task: planned.task };
  const data = dataSeed(path);
  const episode = episodeSeed({ ...path, genomeId: GENOME_ID });
  const instance = buildTask(parseTaskRef(planned.task), data);
  const { run, result } = runTask(engine, genome, instance, planned, episode);
  const trainLoss = run === undefined ? [] : Array.from(run.trainLoss);
  const outcome = run?.outcome;
  const nodeKey = outcome?.status === 'non_finite' ? outcome.nodeKey : undefined;
  return {
    genome: name,
    task: planned.task,
    seed,
    dataSeed: data,
    episodeSeed: episode,
    detail: instance.detail,
    steps: run?.stepsRun ?? 0,
    batchSize: planned.batchSize,
    status: outcome === undefined || outcome.status === 'engine_error' ? 'engine-error' : outcome.status === 'ok' ? 'ok' : 'non-finite',
    ...(nodeKey === undefined ? {} : { nodeKey }),
    trainLoss,
    initialLoss: trainLoss[0] ?? Number.NaN,
    finalLoss: trainLoss.at(-1) ?? Number.NaN,
    nodes: genome.nodes.length,
    edges: genome.edges.length,
    stateBytesPerParameter: stateBytesPerParameter(genome),
    workPerStepPerParameter: run?.workPerStepPerParameter ?? 0,
    result,
  };
}

export async function runEval(argv: readonly string[], write: Write): Promise<number> {
  const parsed = parseArgs('eval', argv, {
    task: 'value', steps: 'value', 'batch-size': 'value', seed: 'value', every: 'value', hyper: 'value', json: 'switch',
  });
  const source = onePositional('eval', parsed, 'genome');
  const tasks = tasksFlag(parsed.values.get('task'));
  const overrides = {
    ...(parsed.values.has('steps') ? { steps: intFlag(parsed, 'steps', 1, MAX_STEPS, 1) } : {}),
    ...(parsed.values.has('batch-size') ? { batchSize: intFlag(parsed, 'batch-size', LIMITS.batchSize[0], LIMITS.batchSize[1], 1) } : {}),
  };
  const seed = intFlag(parsed, 'seed', 0, 2 ** 32 - 1, 0);
  const every = intFlag(parsed, 'every', 1, MAX_STEPS, 1);
  const genome = resolveGenome(source, hyperFlag(parsed));
  const name = genome.name || source;
  const plan = makePlan(seed, GENERATION, tasks.map((task) => ({ task, ...overrides })));

  const engine = await Engine.create();
  const reports = plan.tasks.map((planned) => reportTask(engine, genome, name, planned, seed));
  const json = parsed.switches.has('json');
  if (reports.length === 1) {
    const [report] = reports as [EvalReport];
    write(json ? `${JSON.stringify(report)}\n` : formatReport(report, every));
    return 0;
  }
  const summary: EvalSummary = { genome: name, seed, tasks: reports, result: combineTasks(GENOME_ID, reports.map((r) => r.result)) };
  write(json ? `${JSON.stringify(summary)}\n` : `${reports.map((r) => formatReport(r, every)).join('\n')}\n${formatCombined(summary.result)}`);
  return 0;
}

const exp = (x: number): string => x.toExponential(6);

function formatResult(result: TaskResult): string[] {
  if (result.status === 'invalid') {
    const at = result.step === undefined ? '' : ` at step ${result.step}`;
    const code = result.code === undefined ? '' : ` (${result.code})`;
    return [`invalid: ${result.reason}${at}${code}, penalty ${result.penalty.toFixed(3)}`];
  }
  const m = result.metrics;
  return [
    `validation loss ${exp(m.validationLoss)} (normalised ${m.normalisedValidationLoss.toFixed(4)}); loss area ${exp(m.trainLossArea)} (normalised ${m.normalisedTrainLossArea.toFixed(4)}); reference ${exp(m.referenceLoss)}`,
    `time cost ${m.timeCost.toFixed(1)} work per step per parameter; memory cost ${m.memoryCost} bytes per parameter; ${m.parameters} parameters; wall ${m.wallTimeMs.toFixed(1)} ms`,
  ];
}

function formatReport(r: EvalReport, every: number): string {
  const lines = [
    `${r.genome} on ${r.task} (${r.detail}; seed ${r.seed}), ${r.nodes} nodes, ${r.edges} edges`,
    '  step          loss',
  ];
  r.trainLoss.forEach((loss, step) => {
    if (step % every === 0 || step === r.trainLoss.length - 1) lines.push(`  ${String(step).padStart(4)}  ${loss.toExponential(6).padStart(13)}`);
  });
  const stopped = r.status === 'non-finite'
    ? ` (stopped: ${r.nodeKey === undefined ? 'a value' : `node ${r.nodeKey}`} went non-finite in update ${r.steps + 1})`
    : '';
  lines.push(`final loss ${exp(r.finalLoss)} after ${r.steps} steps, from ${exp(r.initialLoss)}; status ${r.status}${stopped}`);
  lines.push(`state ${r.stateBytesPerParameter} bytes per parameter; work ${r.workPerStepPerParameter.toFixed(1)} per step per parameter`);
  lines.push(...formatResult(r.result));
  return `${lines.join('\n')}\n`;
}

function formatCombined(e: GenomeEvaluation): string {
  if (e.status === 'invalid') return `combined: invalid (${e.reason} on ${e.task}), penalty ${e.penalty.toFixed(3)}\n`;
  const m = e.metrics;
  return `combined (macro mean over tasks): validation loss ${m.validationLoss.toFixed(4)}, loss area ${m.trainLossArea.toFixed(4)} (normalised); time cost ${m.timeCost.toFixed(1)}; memory cost ${m.memoryCost.toFixed(1)}\n`;
}
