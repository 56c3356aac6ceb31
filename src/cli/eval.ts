// `l2l eval <genome.json | seed:NAME> --task NAME [--steps N] [--seed S] [--every K] [--hyper ...]
// [--json]`: runs an optimizer genome on a problem (src/optimizer/driver.ts) and prints its training
// loss per step and the final metrics. With --json: one JSON object, trainLoss holding the loss at
// the start, before each update and after the last (N steps: N + 1 values).

import { Engine } from '../engine/engine.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import { optimize } from '../optimizer/driver.ts';
import { PROBLEMS } from '../optimizer/problems.ts';
import { resolveGenome } from '../seeds/index.ts';
import { choiceFlag, hyperFlag, intFlag, onePositional, parseArgs } from './args.ts';

type Write = (text: string) => void;

export const MAX_STEPS = 1_000_000;
export const DEFAULT_STEPS = 200;

export interface EvalReport {
  genome: string;
  task: string;
  seed: number;
  /** Updates run: fewer than asked when a graph value went non-finite. */
  steps: number;
  status: 'ok' | 'non-finite';
  /** The node whose value went non-finite (status non-finite). */
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
}

export async function runEval(argv: readonly string[], write: Write): Promise<number> {
  const parsed = parseArgs('eval', argv, { task: 'value', steps: 'value', seed: 'value', every: 'value', hyper: 'value', json: 'switch' });
  const source = onePositional('eval', parsed, 'genome');
  const task = choiceFlag(parsed, 'task', Object.keys(PROBLEMS));
  const steps = intFlag(parsed, 'steps', 1, MAX_STEPS, DEFAULT_STEPS);
  const seed = intFlag(parsed, 'seed', 0, 2 ** 32 - 1, 0);
  const every = intFlag(parsed, 'every', 1, MAX_STEPS, 1);
  const genome = resolveGenome(source, hyperFlag(parsed));
  const problem = PROBLEMS[task];
  if (problem === undefined) throw new Error(`no problem ${task}`); // choiceFlag checked it

  const engine = await Engine.create();
  const run = optimize(engine, genome, problem, { steps, seed });
  const lanes = engine.lanes;
  const report: EvalReport = {
    genome: genome.name || source,
    task,
    seed,
    steps: run.steps,
    status: run.status,
    ...(run.nodeKey === undefined ? {} : { nodeKey: run.nodeKey }),
    trainLoss: run.trainLoss,
    initialLoss: run.trainLoss[0] ?? Number.NaN,
    finalLoss: run.trainLoss.at(-1) ?? Number.NaN,
    nodes: genome.nodes.length,
    edges: genome.edges.length,
    stateBytesPerParameter: stateBytesPerParameter(genome),
    workPerStepPerParameter: run.steps > 0 ? engine.costs().work / run.steps / lanes : 0,
  };
  if (parsed.switches.has('json')) {
    write(`${JSON.stringify(report)}\n`);
  } else {
    write(formatReport(report, every));
  }
  return 0;
}

function formatReport(r: EvalReport, every: number): string {
  const lines = [`${r.genome} on ${r.task} (seed ${r.seed}), ${r.nodes} nodes, ${r.edges} edges`, '  step          loss'];
  r.trainLoss.forEach((loss, step) => {
    if (step % every === 0 || step === r.trainLoss.length - 1) lines.push(`  ${String(step).padStart(4)}  ${loss.toExponential(6).padStart(13)}`);
  });
  const stopped = r.status === 'ok' ? '' : ` (stopped: node ${r.nodeKey} went non-finite in update ${r.steps + 1})`;
  lines.push(`final loss ${r.finalLoss.toExponential(6)} after ${r.steps} steps, from ${r.initialLoss.toExponential(6)}; status ${r.status}${stopped}`);
  lines.push(`state ${r.stateBytesPerParameter} bytes per parameter; work ${r.workPerStepPerParameter.toFixed(1)} per step per parameter`);
  return `${lines.join('\n')}\n`;
}
