// A chain of 1,000 plain lane nodes (docs/engine.md, Compiled chains), its inputs, and a run of it
// that main-thread.ts can call in another process: the chain compiler's output for it is hundreds
// of kilobytes of code.

import { Engine } from '../../src/engine/engine.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { EdgeGene, Genome, LaneGroup, NodeGene, OpName } from '../../src/genome/types.ts';
import { Rng } from './random-graph.ts';

export const LONG_CHAIN_GROUPS: LaneGroup[] = [{ rows: 3, cols: 45 }];
export const LONG_CHAIN_TICKS = 3;
const ARITY: Partial<Record<OpName, number>> = { add: 2, sub: 2, mul: 2, min: 2, max: 2, select: 3 };

/**
 * One chain of `length` plain lane nodes, a -> h1 -> ... -> y: each node reads the one before on
 * port x and input b (or, for select's third port, the node two back) on its other ports; values
 * stay finite (clamp and min/max keep them within a few units, b is in [0.5, 1.5]).
 */
export function longChainGenome(length = 1000): Genome {
  const rng = new Rng(77);
  const ops: OpName[] = ['add', 'mul', 'clamp', 'sub', 'max', 'abs', 'min', 'neg', 'select', 'identity', 'relu', 'sqrt'];
  const nodes: NodeGene[] = [];
  const edges: EdgeGene[] = [];
  const node = (key: number, op: OpName, role: NodeGene['role'] = 'hidden', slot = -1): NodeGene => ({
    key, role, slot, op, attrs: [-3, 3, 0, 0],
    policy: { kind: 'always', threshold: 0, decay: 1, reset: 0, probability: 1 }, refractory: 0, emit: 'value', effects: [],
  });
  nodes.push(node(0, 'identity', 'input', 0), node(1, 'identity', 'input', 1));
  let key = 10_000;
  for (let i = 0; i < length; i++) {
    const k = 10 + i;
    const last = i === length - 1;
    const op = last ? 'clamp' : rng.pick(ops);
    nodes.push(node(k, op, last ? 'output' : 'hidden', last ? 0 : -1));
    edges.push({ key: key++, source: i === 0 ? 0 : k - 1, target: k, port: 0, weight: op === 'add' ? 0.5 : 1, delay: 0, enabled: true });
    for (let port = 1; port < (ARITY[op] ?? 1); port++) {
      const source = port === 2 && i > 1 ? k - 2 : 1;
      edges.push({ key: key++, source, target: k, port, weight: rng.pick([1, -1, 0.5]), delay: 0, enabled: true });
    }
  }
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'long-chain', inputs: [{ name: 'a', width: 'lane' }, { name: 'b', width: 'lane' }],
    outputs: [{ name: 'y' }], caps: { nodes: 1024, edges: 4096, effectsPerNode: 0, applicationsPerTick: 0 }, maxDelay: 0, nodes, edges,
  });
}

/** Tick t's data for inputs a and b. */
export function longChainInputs(lanes: number, t: number): Float32Array[] {
  const rng = new Rng(1000 + t);
  return [
    Float32Array.from({ length: lanes }, () => Math.fround(rng.uniform(-2, 2))),
    Float32Array.from({ length: lanes }, () => Math.fround(rng.uniform(0.5, 1.5))),
  ];
}

/** The output's bits after each tick, with chains compiled or not, and what the compiler did. */
export async function runLongChain(options: { compile: boolean }): Promise<{ compiled: number; failed: string[]; outputs: number[][] }> {
  const engine = await Engine.create(undefined, { compile: options.compile, compileMinLanes: 0 });
  engine.load(longChainGenome(), LONG_CHAIN_GROUPS, { mode: 'tiled', seed: 4 });
  const outputs: number[][] = [];
  for (let t = 1; t <= LONG_CHAIN_TICKS; t++) {
    longChainInputs(engine.lanes, t).forEach((d, s) => engine.input(s).set(d));
    const result = engine.run(1);
    if (result.status !== 'ok') throw new Error(`tick ${t}: ${JSON.stringify(result)}`);
    outputs.push(Array.from(new Int32Array(engine.output(0).slice().buffer)));
  }
  const { compiled, failed } = engine.compiledChains;
  return { compiled, failed, outputs };
}
