// `l2l eval <genome.json | seed:NAME> --task NAME[,NAME...] [--steps N] [--batch-size B] [--seed S]
// [--every K] [--hyper ...] [--time-limit MS] [--work-limit N] [--json]`: trains with an optimizer
// genome on registry tasks (src/tasks/registry.ts; docs/tasks.md) in a worker thread under a
// wall-clock limit (src/pool/timed.ts) and prints, per task, the training loss per step and every
// metric, then the genome's combined metrics when there are several tasks. --seed is the run seed:
// each task's data seed and episode seed derive from it (generation 0, genome id 0). With --json:
// one JSON object for one task, { genome, seed, tasks, result } for several; trainLoss holds the
// loss at the start, before each update and after the last (N steps: N + 1 values).

import { Argument, Command } from 'commander';
import { runEvalReports } from '../pool/timed.ts';
import type { Hyper } from '../seeds/types.ts';
import { InputError, rules } from '../util/errors.ts';
import { makePlan } from '../tasks/evaluate.ts';
import { DEFAULT_WORK_LIMIT, WORK_LIMIT_RANGE } from '../tasks/limits.ts';
import { combineTasks, type GenomeEvaluation, type TaskResult } from '../tasks/metrics.ts';
import { isLearnerTask, LIMITS, OPTIMIZER_TASKS, parseTaskRef } from '../tasks/registry.ts';
import { EVAL_GENERATION, EVAL_GENOME_ID, type EvalReport } from '../tasks/report.ts';
import { hyperFlag, intFlag, listFlag, positional, SEED_RANGE, switchFlag, TIME_LIMIT_RANGE } from './flags.ts';
import { GENOME_ARGUMENT, memberNote, resolveGenomeArg } from './genome-arg.ts';
import type { CliCommand, CliIO } from './io.ts';

/** The default wall-clock limit of one task evaluation: far above any run within LIMITS on a slow machine. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;
const USAGE = '<genome> --task NAMES [options]';

export interface EvalSummary {
  genome: string;
  seed: number;
  tasks: EvalReport[];
  result: GenomeEvaluation;
}

/** The --task values as canonical references, each at most once. */
function checkTasks(refs: readonly string[] | undefined): string[] {
  const names = OPTIMIZER_TASKS.map((t) => t.name);
  if (refs === undefined) throw new InputError('--task', `is required (${names.join(', ')})`);
  const seen = new Set<string>();
  return refs.map((ref) => {
    if (isLearnerTask(ref)) throw new InputError('--task', `must be an optimizer task (l2l eval trains with optimizer genomes; learner tasks are for l2l evolve --role learner, docs/learner.md)`, ref);
    if (!names.includes(ref.split(':')[0] as string)) throw new InputError('--task', rules.oneOf(names), ref);
    const canonical = parseTaskRef(ref, '--task').text;
    if (seen.has(canonical)) throw new InputError('--task', rules.unique, ref);
    seen.add(canonical);
    return canonical;
  });
}

interface EvalOptions {
  task?: string[];
  steps?: number;
  batchSize?: number;
  seed?: number;
  every?: number;
  hyper?: Hyper;
  json?: boolean;
  timeLimit?: number;
  workLimit?: number;
}

const TASK_LIST = OPTIMIZER_TASKS.map((t) => (t.variants.length > 0 ? `${t.name}[:${t.variants.join('|')}]` : t.name)).join(', ');

export function evalCommand(io: CliIO): CliCommand {
  const command = new Command('eval')
    .summary('train with an optimizer genome on tasks and print the loss per step and every metric')
    .description([
      'Train with an optimizer genome on registry tasks (docs/tasks.md) and print, per task, the training loss per step and every metric:',
      'validation loss, loss area, normalised losses, time and memory cost, validity; with several tasks, the combined metrics too.',
      'The run seed derives each task\'s data and episode seeds (generation 0, genome id 0).',
      'With --json: one JSON object for one task, { genome, seed, tasks, result } for several; trainLoss holds N + 1 losses for N steps.',
    ].join(' '))
    .usage(USAGE)
    .addArgument(new Argument('[genome]', GENOME_ARGUMENT))
    .addOption(listFlag('--task <names>', 'the tasks to train on, required: repeat the flag or join names with commas', TASK_LIST))
    .addOption(intFlag('--steps <n>', 'optimizer steps per task', LIMITS.steps, 'each task\'s'))
    .addOption(intFlag('--batch-size <n>', 'minibatch size (model tasks)', LIMITS.batchSize, 'each task\'s'))
    .addOption(intFlag('--seed <s>', 'the run seed', SEED_RANGE, 0))
    .addOption(intFlag('--every <k>', 'print the loss of every k-th step (text output)', LIMITS.steps, 1))
    .addOption(hyperFlag('--hyper <name=value>', 'override a seed\'s hyperparameter, as lr=0.01: repeat the flag or join pairs with commas'))
    .addOption(intFlag('--time-limit <ms>', 'wall-clock limit of each task\'s training; over it, eval stops with exit code 124', TIME_LIMIT_RANGE, DEFAULT_TIME_LIMIT_MS))
    .addOption(intFlag('--work-limit <n>', 'engine work units per update and parameter a task may use on average; over it, the task is invalid (over_budget)', WORK_LIMIT_RANGE, DEFAULT_WORK_LIMIT))
    .addOption(switchFlag('--json', 'print JSON instead of text'));
  return { command, run: (cmd) => runEval(positional(cmd.args[0], 'genome', `l2l eval ${USAGE}`), cmd.opts<EvalOptions>(), io) };
}

async function runEval(source: string, opts: EvalOptions, io: CliIO): Promise<number> {
  const tasks = checkTasks(opts.task);
  const overrides = {
    ...(opts.steps === undefined ? {} : { steps: opts.steps }),
    ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }),
  };
  const seed = opts.seed ?? 0;
  const every = opts.every ?? 1;
  const resolved = resolveGenomeArg(source, opts.hyper);
  const genome = resolved.genome;
  const note = memberNote(resolved);
  if (note !== null) io.stderr(note);
  const name = genome.name || source;
  const plan = makePlan(seed, EVAL_GENERATION, tasks.map((task) => ({ task, ...overrides })), { workLimit: opts.workLimit ?? DEFAULT_WORK_LIMIT });
  // In a worker thread, so that a genome that runs too long is stopped (TimeLimitError, exit 124).
  const reports = await runEvalReports({ genome, name, seed, plan, timeLimitMs: opts.timeLimit ?? DEFAULT_TIME_LIMIT_MS });
  const json = opts.json === true;
  if (reports.length === 1) {
    const [report] = reports as [EvalReport];
    io.stdout(json ? `${JSON.stringify(report)}\n` : formatReport(report, every));
    return 0;
  }
  const summary: EvalSummary = { genome: name, seed, tasks: reports, result: combineTasks(EVAL_GENOME_ID, reports.map((r) => r.result)) };
  io.stdout(json ? `${JSON.stringify(summary)}\n` : `${reports.map((r) => formatReport(r, every)).join('\n')}\n${formatCombined(summary.result)}`);
  return 0;
}

const exp = (x: number): string => x.toExponential(6);

function formatResult(result: TaskResult): string[] {
  if (result.status === 'invalid') {
    const at = result.step === undefined ? '' : ` at step ${result.step}`;
    const code = result.code === undefined ? '' : ` (${result.code})`;
    const why = result.message === undefined ? '' : `: ${result.message}`;
    return [`invalid: ${result.reason}${at}${code}, penalty ${result.penalty.toFixed(3)}${why}`];
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
    : r.status === 'over-budget' ? ` (stopped: over --work-limit in update ${r.steps + 1})` : '';
  lines.push(`final loss ${exp(r.finalLoss)} after ${r.steps} steps, from ${exp(r.initialLoss)}; status ${r.status}${stopped}`);
  lines.push(`state ${r.stateBytesPerParameter} bytes per parameter; work ${r.workPerStepPerParameter.toFixed(1)} per step per parameter`);
  return `${lines.concat(formatResult(r.result)).join('\n')}\n`;
}

function formatCombined(e: GenomeEvaluation): string {
  if (e.status === 'invalid') return `combined: invalid (${e.reason} on ${e.task}), penalty ${e.penalty.toFixed(3)}\n`;
  const m = e.metrics;
  return `combined (macro mean over tasks): validation loss ${m.validationLoss.toFixed(4)}, loss area ${m.trainLossArea.toFixed(4)} (normalised); time cost ${m.timeCost.toFixed(1)}; memory cost ${m.memoryCost.toFixed(1)}\n`;
}
