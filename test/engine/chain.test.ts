// Compiled chains (docs/engine.md, Compiled chains; assembly/chain.ts, src/engine/chain.ts): graphs
// made only of plain lane nodes, so that whole phases become chains, run with chains compiled and
// with the kernels only, and against the reference interpreter. Outputs must be bit-identical (the
// sign of zero included), and so must everything the flags feed: edge usage, non-finite stops.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { compileChain, readChain } from '../../src/engine/chain.ts';
import type { EdgeGene, Genome, LaneGroup, NodeGene, OpName } from '../../src/genome/types.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { ReferenceEngine } from './reference/interpreter.ts';
import { diffLanes, diffResult } from './reference/compare.ts';
import { LONG_CHAIN_GROUPS, LONG_CHAIN_TICKS, longChainGenome, longChainInputs, runLongChain } from './long-chain.ts';
import { inMainThread } from './main-thread.ts';
import { Rng } from './random-graph.ts';

const CHAIN_OPS: OpName[] = [
  'identity', 'add', 'sub', 'mul', 'div', 'neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'relu',
  'min', 'max', 'clamp', 'gt', 'ge', 'eq', 'select',
];
const ARITY: Partial<Record<OpName, number>> = {
  add: 2, sub: 2, mul: 2, div: 2, min: 2, max: 2, gt: 2, ge: 2, eq: 2, select: 3,
};

/** A chain-only graph: lane inputs, a scalar input, a const, and plain hidden and output nodes. */
function chainGenome(rng: Rng, withReduction: boolean): Genome {
  const nodes: NodeGene[] = [];
  const edges: EdgeGene[] = [];
  const plain = (key: number, op: OpName, role: NodeGene['role'] = 'hidden', slot = -1): NodeGene => ({
    key, role, slot, op, attrs: [Math.fround(-rng.uniform(0, 1)), Math.fround(rng.uniform(0, 1)), 0, 0],
    policy: { kind: 'always', threshold: 0, decay: 0, reset: 0, probability: 0 }, refractory: 0, emit: 'value', effects: [],
  });
  nodes.push(plain(0, 'identity', 'input', 0), plain(1, 'identity', 'input', 1), plain(2, 'identity', 'input', 2));
  nodes.push(plain(3, 'const'));
  nodes[3]!.attrs[0] = rng.pick([0, 1, -2, 0.5]);
  const hidden = rng.int(3, 14);
  for (let i = 0; i < hidden; i++) nodes.push(plain(10 + i, rng.pick(CHAIN_OPS)));
  if (withReduction) nodes.push(plain(40, rng.pick(['rsum', 'rnorm', 'rmean'] as OpName[])));
  nodes.push(plain(50, 'identity', 'output', 0), plain(51, rng.pick(CHAIN_OPS), 'output', 1));
  const order = nodes.map((n) => n.key);
  let key = 100;
  for (const n of nodes) {
    if (n.role === 'input' || n.op === 'const') continue;
    const earlier = order.filter((k) => k < n.key && (n.key !== 40 || k !== 40));
    const arity = ARITY[n.op] ?? 1;
    for (let port = 0; port < arity; port++) {
      for (let t = rng.weighted([[1, 55], [2, 30], [3, 15]]); t > 0; t--) {
        const delayed = rng.chance(0.2);
        const source = delayed ? rng.pick(order.filter((k) => k >= 10)) : rng.pick(earlier);
        const weight = rng.chance(0.5) ? 1 : rng.pick([-1, 0.5, 2, -0.25, Math.fround(rng.uniform(-2, 2))]);
        edges.push({ key: key++, source, target: n.key, port, weight, delay: delayed ? rng.int(1, 2) : 0, enabled: true });
      }
    }
  }
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'chain', inputs: [{ name: 'a', width: 'lane' }, { name: 'b', width: 'lane' }, { name: 's', width: 'scalar' }],
    outputs: [{ name: 'y' }, { name: 'z' }], caps: { nodes: 64, edges: 256, effectsPerNode: 0, applicationsPerTick: 0 },
    maxDelay: 2, nodes: rng.shuffle(nodes), edges: rng.shuffle(edges),
  });
}

function inputs(rng: Rng, lanes: number, tick: number): Float32Array[] {
  const value = (): number => rng.weighted([
    [Math.fround(rng.uniform(-3, 3)), 70], [0, 8], [-0, 8], [rng.pick([Infinity, -Infinity, NaN, 3e38, -3e38, 1e-40]), tick > 6 ? 4 : 0],
  ]);
  return [Float32Array.from({ length: lanes }, value), Float32Array.from({ length: lanes }, value), Float32Array.of(rng.int(1, 4))];
}

describe('compiled chains', () => {
  let compiled: Engine;
  let kernels: Engine;
  beforeAll(async () => {
    compiled = await Engine.create(undefined, { compile: true, compileMinLanes: 0, compileMaxShapes: 100_000 });
    kernels = await Engine.create(undefined, { compile: false });
  });

  it('give the kernels\' and the reference\'s results bit for bit on 300 chain-only graphs', () => {
    let stops = 0;
    for (let seed = 0; seed < 300; seed++) {
      const rng = new Rng(seed);
      const genome = chainGenome(rng, seed % 3 === 0);
      const groups: LaneGroup[] = rng.chance(0.5) ? [{ rows: rng.int(1, 9), cols: rng.int(1, 70) }] : [{ rows: 1, cols: rng.int(1, 13) }, { rows: rng.int(2, 5), cols: rng.int(3, 40) }];
      const tile = rng.pick([0, 8, 12, 64]);
      const ref = new ReferenceEngine(genome, groups, { seed });
      for (const e of [compiled, kernels]) e.load(genome, groups, { mode: 'tiled', seed, tile });
      for (let t = 1; t <= 12; t++) {
        const data = inputs(rng, ref.lanes, t);
        const expected = (data.forEach((d, s) => ref.input(s).set(d)), ref.run(1));
        for (const [name, e] of [['compiled', compiled], ['kernels', kernels]] as const) {
          data.forEach((d, s) => e.input(s).set(d));
          const got = e.run(1);
          const d = diffResult(expected, got) ?? diffLanes('output 0', ref.output(0), e.output(0)) ?? diffLanes('output 1', ref.output(1), e.output(1));
          expect(d, `seed ${seed} tick ${t} (${name})`).toBeNull();
        }
        for (const slot of [0, 1]) {
          const a = compiled.output(slot);
          const b = kernels.output(slot);
          const lane = a.findIndex((x, i) => !Object.is(x, b[i]));
          expect(lane, `seed ${seed} tick ${t} output ${slot}: compiled ${a[lane]}, kernels ${b[lane]}`).toBe(-1);
        }
        if (expected.status !== 'ok') {
          stops++;
          break;
        }
      }
      const usage = (e: Engine): number[] => [...e.graph().usage.entries()].sort((a, b) => a[0] - b[0]).map(([, u]) => u);
      expect(usage(compiled), `seed ${seed}: edge usage`).toEqual(usage(kernels));
    }
    expect(stops).toBeGreaterThan(5); // non-finite stops were checked too
    expect(compiled.compiledChains.failed).toEqual([]);
    expect(compiled.compiledChains.compiled).toBeGreaterThan(300);
    expect(kernels.compiledChains.compiled).toBe(0);
  });

  it('compile a chain of 1,000 plain lane nodes in the main thread, bit for bit with the kernels and the reference', async () => {
    // Its code is hundreds of kilobytes: the writer once appended it with push(...bytes), which
    // overflowed the main thread's stack (`l2l eval`), and chains of about 500 nodes or more ran
    // through the kernels. The compiled run is in a fresh process's main thread.
    const child = inMainThread<Awaited<ReturnType<typeof runLongChain>>>(new URL('./long-chain.ts', import.meta.url), 'runLongChain', { compile: true });
    expect(child).toMatchObject({ compiled: 1, failed: [] });
    const plain = await runLongChain({ compile: false });
    expect(plain.compiled).toBe(0);
    const ref = new ReferenceEngine(longChainGenome(), LONG_CHAIN_GROUPS, { seed: 4 });
    for (let t = 1; t <= LONG_CHAIN_TICKS; t++) {
      longChainInputs(ref.lanes, t).forEach((d, s) => ref.input(s).set(d));
      expect(ref.run(1)).toEqual({ status: 'ok' });
      const expected = Array.from(new Int32Array(ref.output(0).slice().buffer));
      expect(child.outputs[t - 1], `tick ${t}: compiled`).toEqual(expected);
      expect(plain.outputs[t - 1], `tick ${t}: kernels`).toEqual(expected);
      expect(new Set(expected).size).toBeGreaterThan(10); // the chain computes something that varies
    }
  });

  it('stop on a non-finite value that a later node of the chain hides', () => {
    // h = a / 0-free b gives inf for b = 0... here: h = a * 1e30 (inf for a = 1e10), y = 1 / h (0).
    const genome = parseGenome({
      format: 'l2l-genome', version: 1, name: 'hidden-inf', inputs: [{ name: 'a', width: 'lane' }], outputs: [{ name: 'y' }],
      nodes: [{ key: 0, role: 'input', slot: 0 }, { key: 1, op: 'const', attrs: [1] }, { key: 2, op: 'identity' }, { key: 3, role: 'output', slot: 0, op: 'div' }],
      edges: [{ key: 10, source: 0, target: 2, weight: 1e30 }, { key: 11, source: 1, target: 3, port: 0 }, { key: 12, source: 2, target: 3, port: 1 }],
    });
    for (const e of [compiled, kernels]) {
      e.load(genome, [{ rows: 1, cols: 37 }], { mode: 'tiled' });
      const a = e.input(0);
      a.fill(1);
      a[33] = 1e10;
      expect(e.run(1)).toEqual({ status: 'non-finite', nodeKey: 2, tick: 1 });
      expect(e.output(0)[33]).toBe(0);
    }
  });

  it('compute a tile again from its backups when a value turns non-finite mid-tile', () => {
    // m = 0.1 g + 0.9 m (one plane, overwritten in place) and y = m / 2: a tile of 4096 lanes runs
    // the fast loop; at tick 3 lane 3001 of g is infinite, so the tile is computed again from the
    // backup of m's plane, and the run stops on m with every value as the kernels give it.
    const genome = parseGenome({
      format: 'l2l-genome', version: 1, name: 'redo', inputs: [{ name: 'g', width: 'lane' }], outputs: [{ name: 'y' }, { name: 'm' }],
      maxDelay: 1,
      nodes: [{ key: 0, role: 'input', slot: 0 }, { key: 1, op: 'const', attrs: [2] }, { key: 2, op: 'identity' },
        { key: 3, role: 'output', slot: 0, op: 'div' }, { key: 4, role: 'output', slot: 1, op: 'identity' }],
      edges: [{ key: 10, source: 0, target: 2, weight: 0.1 }, { key: 11, source: 2, target: 2, weight: 0.9, delay: 1 },
        { key: 12, source: 2, target: 3, port: 0 }, { key: 13, source: 1, target: 3, port: 1 }, { key: 14, source: 2, target: 4 }],
    });
    const results = [compiled, kernels].map((e) => {
      e.load(genome, [{ rows: 1, cols: 5000 }], { mode: 'tiled', tile: 4096 });
      const runs = [1, 2, 3].map((t) => {
        const g = e.input(0);
        for (let i = 0; i < g.length; i++) g[i] = Math.fround(Math.sin(i + t));
        if (t === 3) g[3001] = Infinity;
        return { status: e.run(1), y: e.output(0).slice(), m: e.output(1).slice() };
      });
      return runs;
    });
    const [a, b] = results as [typeof results[0], typeof results[0]];
    for (let t = 0; t < 3; t++) {
      expect(a[t]?.status).toEqual(b[t]?.status);
      expect(a[t]?.y).toEqual(b[t]?.y);
      expect(a[t]?.m).toEqual(b[t]?.m);
    }
    expect(a[2]?.status).toEqual({ status: 'non-finite', nodeKey: 2, tick: 3 });
    expect(a[2]?.y[3001]).toBe(Infinity);
    expect(a[2]?.y[2999]).toBe(b[2]?.y[2999]);
  });

  it('are compiled only for genomes loaded with enough lanes', async () => {
    const engine = await Engine.create();
    const genome = chainGenome(new Rng(5), false);
    engine.load(genome, [{ rows: 1, cols: 300 }], { mode: 'tiled' });
    engine.run(3);
    expect(engine.compiledChains.compiled).toBe(0);
    engine.load(genome, [{ rows: 2, cols: 2500 }], { mode: 'tiled' });
    engine.run(3);
    expect(engine.compiledChains.compiled).toBeGreaterThan(0);
    // And no more shapes than the bound: the rest run through the kernels.
    const bounded = await Engine.create(undefined, { compileMinLanes: 0, compileMaxShapes: 2 });
    for (let seed = 0; seed < 20; seed++) {
      bounded.load(chainGenome(new Rng(seed), false), [{ rows: 1, cols: 40 }], { mode: 'tiled' });
      bounded.run(3);
    }
    expect(bounded.compiledChains.compiled).toBe(2);
    expect(bounded.compiledChains.refused).toBeGreaterThan(0);
  });

  it('compile to valid WebAssembly, and refuse a malformed description', () => {
    const words = Int32Array.from([0x6c326331, 1, 1, 0, -1, -1, 0, 1, 1, 1, 1, 0, -1, -1]);
    expect(WebAssembly.validate(compileChain(readChain(words)))).toBe(true);
    expect(() => readChain(words.subarray(0, 8))).toThrow('chain description: truncated');
    expect(() => readChain(Int32Array.from([1, 0, 0]))).toThrow('chain description: bad magic');
  });
});
