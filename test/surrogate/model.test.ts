// The graph VAE's parts (src/surrogate/batch.ts, model.ts, loss.ts, generate.ts, train.ts): batch
// shapes and levels, finite losses without leaked tensors, decodes valid by construction, and the
// decoder's two paths agreeing: a graph generated node by node from z, fed back through the
// teacher-forced decoder at the same z, gives back every choice it was made of (the level-by-level
// states are the sequential ones).

import { beforeAll, describe, expect, it } from 'vitest';
import { OP_ARITY } from '../../src/genome/arity.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate } from '../../src/genome/mutate.ts';
import { OP_NAMES, type Genome } from '../../src/genome/types.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import { Adam } from '../../src/surrogate/adam.ts';
import { levelsOf, makeBatch, disposeBatch } from '../../src/surrogate/batch.ts';
import { generate } from '../../src/surrogate/generate.ts';
import { compactGraph, expandGraph } from '../../src/surrogate/compact.ts';
import { edgeIndex, fromArrays, representable, sameGraph, toArrays, type GraphArrays } from '../../src/surrogate/graph.ts';
import { pack, unpack } from 'msgpackr';
import { reconstructionTerms } from '../../src/surrogate/loss.ts';
import { GraphVae, NODE_HEAD, splitParts } from '../../src/surrogate/model.ts';
import { Predictor } from '../../src/surrogate/predictor.ts';
import { initSurrogateBackend, tf } from '../../src/surrogate/tf.ts';
import { normals, trainOn } from '../../src/surrogate/train.ts';
import { createRng } from '../../src/util/rng.ts';

const N = 48;
const SHAPE = { inputs: 6, outputs: 1, maxDelay: 1, coding: false };
const SIZE = { maxNodes: N, latent: 8, hidden: 16, edgeHidden: 8 };
let graphs: GraphArrays[];
let template: Genome;

beforeAll(async () => {
  await initSurrogateBackend();
  const rng = createRng(7);
  const seeds = SEEDS.map((s) => s.build());
  template = seeds[0] as Genome;
  const tracker = new InnovationTracker(seeds);
  const genomes = [...seeds];
  while (genomes.length < 60) {
    const r = mutate(genomes[rng.int(genomes.length)] as Genome, rng, tracker);
    if (r.status === 'ok' && representable(r.genome, N).ok) genomes.push(r.genome);
  }
  graphs = genomes.map((g) => toArrays(g, N));
});

describe('makeBatch', () => {
  it('puts every node on a level above its delay-0 predecessors, and trims the batch to its longest graph', () => {
    for (const g of graphs) {
      const level = levelsOf(g);
      for (let i = 0; i < g.count; i++) {
        for (let p = 0; p < 3; p++) {
          for (let j = 0; j < g.count; j++) {
            if (g.edge[edgeIndex(N, i, p, j, 0)] === 1) expect(level[i]).toBeGreaterThan(level[j] as number);
          }
        }
      }
    }
    const part = graphs.slice(0, 5);
    const batch = makeBatch(part);
    let longest = 0;
    for (const g of part) longest = Math.max(longest, g.count + 1);
    expect(batch.maxNodes).toBe(Math.min(N, longest));
    expect(batch.x.shape).toEqual([5, batch.maxNodes, batch.x.shape[2]]);
    // Every present node is selected on exactly one level.
    const selected = tf.tidy(() => tf.addN(batch.levels.map((l) => tf.sum(l.select, 1))).arraySync()) as number[][];
    part.forEach((g, b) => selected[b]?.forEach((v, i) => expect(v).toBe(i < g.count ? 1 : 0)));
    disposeBatch(batch);
  });
});

describe('compact graphs', () => {
  it('expand to the same arrays, and survive msgpack unchanged', () => {
    for (const g of graphs) {
      const compact = compactGraph(g);
      const back = expandGraph(unpack(pack(compact)) as typeof compact);
      const same = sameGraph(g, back, 0);
      expect(same.structure && same.attributes, same.mismatches.join('; ')).toBe(true);
    }
  });
});

describe('GraphVae', () => {
  it('trains with finite losses and leaks no tensors', () => {
    const model = new GraphVae(SIZE, createRng(1));
    const predictor = new Predictor(model.store, createRng(2), SIZE.latent, 8, 4);
    const adam = new Adam({ learningRate: 3e-3, clipNorm: 5 });
    const rng = createRng(3);
    const examples = graphs.map((arrays, i) => ({ load: () => arrays, target: i % 3 === 0 ? null : [0.1 * i, 1, 2, 3] }));
    const settings = { batchSize: 6, beta: 0.1, betaWarmup: 4, predictorWeight: 1, relevanceL1: 1e-3 };
    trainOn(model, predictor, adam, examples, settings, 0, rng);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 1; step <= 6; step++) losses.push(trainOn(model, predictor, adam, examples, settings, step, rng).loss);
    expect(tf.memory().numTensors).toBe(before);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    model.store.dispose();
    adam.dispose();
  });

  it('gives back, teacher-forced, every choice of a graph it generated (the two decoder paths agree)', () => {
    const model = new GraphVae(SIZE, createRng(11));
    const rng = createRng(12);
    const B = 6;
    const z = tf.tensor2d(normals(rng, B * SIZE.latent), [B, SIZE.latent]);
    const decoded = generate(model, z, SHAPE);
    for (let b = 0; b < B; b++) {
      const g = decoded[b] as GraphArrays;
      const zb = tf.slice(z, [b, 0], [1, SIZE.latent]);
      const batch = makeBatch([g]);
      const out = model.decode(batch, zb);
      const node = splitParts(out.node, NODE_HEAD);
      const kind = node.kind.arraySync() as number[][][];
      const op = node.op.arraySync() as number[][][];
      const edges = out.edge0.arraySync() as number[][][][];
      const argmax = (v: number[]): number => v.indexOf(Math.max(...v));
      for (let i = 0; i < g.count; i++) {
        expect(argmax(op[0]?.[i] as number[])).toBe(g.op[i]);
        if (i >= SHAPE.inputs) {
          // The kind was the better of the classes the masks allowed: hidden, and the output while unplaced.
          const row = kind[0]?.[i] as number[];
          const placedBefore = g.role.slice(SHAPE.inputs, i).includes(2);
          if (g.role[i] === 2) expect(i === g.count - 1 || (row[1] as number) >= (row[0] as number)).toBe(true);
          else if (!placedBefore) expect(row[0] as number).toBeGreaterThanOrEqual(row[1] as number);
          const arity = OP_ARITY[OP_NAMES[g.op[i] as number] as (typeof OP_NAMES)[number]];
          for (let j = 0; j < i; j++) {
            for (let p = 0; p < arity; p++) {
              const logit = (edges[0]?.[i]?.[j] as number[])[p] as number;
              expect(logit > 0, `graph ${b} edge ${j} -> ${i} port ${p}`).toBe(g.edge[edgeIndex(N, i, p, j, 0)] === 1);
            }
          }
        }
      }
      // The graph ends at the count head's most likely count among those that hold the role's slots.
      const counts = (out.count.arraySync() as number[][])[0] as number[];
      const allowed = counts.map((v, c) => (c >= SHAPE.inputs + SHAPE.outputs ? v : -Infinity));
      expect(g.count).toBe(argmax(allowed));
      tf.dispose([zb, out.node, out.edge0, out.edgeD, out.coding, out.count, ...Object.values(node)]);
      disposeBatch(batch);
    }
    z.dispose();
    model.store.dispose();
  });

  it('decodes graphs that are valid by construction: inputs first, outputs once, delay-0 edges forward, ports within arity', () => {
    const model = new GraphVae(SIZE, createRng(21));
    const rng = createRng(22);
    const B = 12;
    const z = tf.tensor2d(normals(rng, B * SIZE.latent).map((v) => 3 * v), [B, SIZE.latent]);
    let parsed = 0;
    for (const g of generate(model, z, SHAPE)) {
      for (let i = 0; i < SHAPE.inputs; i++) expect([g.role[i], g.slot[i]]).toEqual([1, i]);
      let outputs = 0;
      for (let i = SHAPE.inputs; i < g.count; i++) if (g.role[i] === 2) outputs++;
      expect(outputs).toBe(1);
      for (let i = 0; i < g.count; i++) {
        const arity = OP_ARITY[OP_NAMES[g.op[i] as number] as (typeof OP_NAMES)[number]];
        for (let p = 0; p < 3; p++) {
          for (let j = 0; j < N; j++) {
            for (const kind of [0, 1]) {
              if (g.edge[edgeIndex(N, i, p, j, kind)] !== 1) continue;
              expect(i).toBeGreaterThanOrEqual(SHAPE.inputs);
              expect(p).toBeLessThan(arity);
              if (kind === 0) expect(j).toBeLessThan(i);
            }
          }
        }
      }
      try {
        fromArrays(g, template);
        parsed++;
      } catch (error) {
        // Only what the masks leave to the parser: caps and effect arguments.
        expect(String(error)).toMatch(/caps|effects|\.a\b|\.b\b|select/);
      }
    }
    expect(parsed).toBeGreaterThan(0);
    z.dispose();
    model.store.dispose();
  });

  it('computes finite reconstruction terms for every graph', () => {
    const model = new GraphVae(SIZE, createRng(31));
    const batch = makeBatch(graphs.slice(0, 8));
    const values = tf.tidy(() => {
      const terms = reconstructionTerms(batch, model.decode(batch, model.encode(batch).mean));
      return tf.stack(Object.values(terms)).arraySync() as number[][];
    });
    for (const row of values) for (const v of row) expect(Number.isFinite(v) && v >= 0).toBe(true);
    disposeBatch(batch);
    model.store.dispose();
  });
});
