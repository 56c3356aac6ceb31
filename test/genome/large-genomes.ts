// Genomes at the size limits (MAX_NODES, MAX_EDGES), built programmatically, for tests that code
// paths are linear (no argument spread of a data-sized array, no recursion per record).

import { isDeepStrictEqual } from 'node:util';
import { Engine } from '../../src/engine/engine.ts';
import { MAX_DELAY } from '../../src/engine/layout.ts';
import { pack, packedLength, unpack } from '../../src/genome/pack.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../../src/optimizer/role.ts';

/**
 * An optimizer genome with `hidden` identity nodes and `edges` enabled edges in all: the output is
 * parameter - 0.5 gradient; hidden node 0 reads the gradient (weight 1), and every other edge runs
 * from a hidden node to a later one with weight 0, over every port and delay, so every hidden node
 * after the first outputs exactly 0 and the edges between hidden nodes are never used.
 */
export function manyEdgesGenome(hidden: number, edges: number): Genome {
  const HIDDEN0 = 100;
  const nodes: Record<string, unknown>[] = OPTIMIZER_INPUTS.map((_, slot) => ({ key: slot, role: 'input', slot }));
  nodes.push({ key: 10, role: 'output', slot: 0, op: 'identity' });
  for (let i = 0; i < hidden; i++) nodes.push({ key: HIDDEN0 + i, op: 'identity' });
  const list: Record<string, unknown>[] = [
    { key: 20, source: 1, target: 10 },
    { key: 21, source: 0, target: 10, weight: -0.5 },
    { key: 22, source: 0, target: HIDDEN0 },
  ];
  let key = 5000;
  for (let delay = 0; delay <= MAX_DELAY && list.length < edges; delay++) {
    for (let port = 0; port < 3 && list.length < edges; port++) {
      for (let i = 0; i < hidden && list.length < edges; i++) {
        for (let j = i + 1; j < hidden && list.length < edges; j++) {
          list.push({ key: key++, source: HIDDEN0 + i, target: HIDDEN0 + j, port, delay, weight: 0 });
        }
      }
    }
  }
  if (list.length < edges) throw new RangeError(`${hidden} hidden nodes hold fewer than ${edges} edges`);
  return parseGenome({
    format: 'l2l-genome', version: 1, name: `many-edges-${edges}`, inputs: OPTIMIZER_INPUTS, outputs: OPTIMIZER_OUTPUTS,
    caps: { nodes: 1024, edges: 131072, effectsPerNode: 0, applicationsPerTick: 0 }, maxDelay: MAX_DELAY, nodes, edges: list,
  });
}

/**
 * manyEdgesGenome(200, edges) packed, unpacked, loaded, run for three ticks and dumped back (for
 * main-thread.ts): whether each round trip gave the genome back, and what the run computed.
 */
export async function packAndRun(edges: number): Promise<{
  edges: number; words: number; packedLength: number; unpacked: boolean; status: unknown[]; output: number[]; expected: number[];
  dumped: boolean; usage: number | undefined;
}> {
  const genome = manyEdgesGenome(200, edges);
  const words = pack(genome);
  const engine = await Engine.create();
  engine.load(genome, [{ rows: 4, cols: 4 }], { seed: 3 });
  const gradient = Float32Array.from({ length: 16 }, (_, i) => i - 7.5);
  const parameter = Float32Array.from({ length: 16 }, (_, i) => i / 4);
  const status: unknown[] = [];
  for (let t = 1; t <= 3; t++) {
    engine.input(0).set(gradient);
    engine.input(1).set(parameter);
    engine.input(4)[0] = t;
    status.push(engine.run(1));
  }
  const dumped = engine.graph();
  return {
    edges: genome.edges.length,
    words: words.length,
    packedLength: packedLength(genome),
    unpacked: isDeepStrictEqual(unpack(words, genome).genome, genome),
    status,
    output: Array.from(engine.output(0)),
    expected: Array.from(parameter, (p, i) => Math.fround(p - 0.5 * (gradient[i] as number))),
    dumped: isDeepStrictEqual(dumped.genome, genome),
    usage: dumped.usage.get(22),
  };
}
