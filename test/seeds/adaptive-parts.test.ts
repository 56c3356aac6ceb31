// The adaptive seeds' structure and their documented choices: shared innovation keys between the
// Adam-based seeds, the inner RMSprop of Lookahead-RMSprop, each deviation from a paper shown
// against a reference of the paper's form, and the per-tensor parts shown to act per tensor.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { Genome } from '../../src/genome/types.ts';
import { optimize } from '../../src/optimizer/driver.ts';
import { PROBLEMS, type Problem } from '../../src/optimizer/problems.ts';
import { readsSlot, SLOT } from '../../src/optimizer/role.ts';
import { adam, adamw, lamb, radam } from '../../src/seeds/adam-family.ts';
import { ADAPTIVE_SEEDS } from '../../src/seeds/adaptive.ts';
import { GenomeBuilder, keyOf, OUTPUT_KEY } from '../../src/seeds/builder.ts';
import { adafactor } from '../../src/seeds/factored.ts';
import { lookaheadAdam, lookaheadRmsprop } from '../../src/seeds/lookahead.ts';
import { adanorm, adan } from '../../src/seeds/moment-variants.ts';
import { applyUpdate, biasCorrection, divide, ema, rmsNormalise, square } from '../../src/seeds/motifs.ts';
import { expectAgreement, firstDisagreement, referenceTrajectory, type ReferenceRule } from './harness.ts';
import { lambReference, radamReference } from './reference/adam-family.ts';
import { adafactorReference } from './reference/factored.ts';
import { adanormReference, adanReference } from './reference/moment-variants.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

/** The hidden nodes of a genome and the edges that do not enter its output node, by key. */
function innerParts(g: Genome): { nodes: Map<number, string>; edges: Map<number, string> } {
  const nodes = new Map(g.nodes.filter((n) => n.role === 'hidden').map((n) => [n.key, `${n.op} ${n.attrs.join(',')}`]));
  const edges = new Map(g.edges.filter((e) => e.target !== OUTPUT_KEY)
    .map((e) => [e.key, `${e.source}>${e.target}:${e.port}@${e.delay} w${e.weight}`]));
  return { nodes, edges };
}

/** Expects every part of `part` in `whole`, with the same op, ends, port, delay and weight. */
function expectContains(whole: Genome, part: ReturnType<typeof innerParts>): void {
  const have = innerParts(whole);
  for (const [key, what] of part.nodes) expect(have.nodes.get(key), `${whole.name}: node ${key} (${what})`).toBe(what);
  for (const [key, what] of part.edges) {
    const edge = whole.edges.find((e) => e.key === key);
    expect(edge && `${edge.source}>${edge.target}:${edge.port}@${edge.delay} w${edge.weight}`, `${whole.name}: edge ${key}`).toBe(what);
  }
}

function lossesOf(genome: Genome, problem: Problem, steps = 200): number[] {
  const run = optimize(engine, genome, problem, { steps, seed: 3 });
  expect(run.status).toBe('ok');
  return run.trainLoss;
}

/** The problem with all its elements in one tensor of the given shape. */
function reshaped(problem: Problem, rows: number, cols: number): Problem {
  return { ...problem, name: `${problem.name} as ${rows} x ${cols}`, groups: [{ rows, cols }] };
}

/**
 * The quadratic's curvatures in another order (element i gets h_{7i mod 16}) and each tensor started
 * at its own scale. The plain quadratic is too symmetric to show per-tensor or factored parts at
 * work: its curvatures h_0 q^i laid out row-major form a rank-one matrix (which Adafactor's
 * factoring reproduces exactly), and from an all-ones start every tensor's norms move in step.
 */
function uneven(problem: Problem, scales: readonly number[]): Problem {
  const n = 16;
  const at = (i: number): number => (7 * i) % n;
  const ranges = problem.groups.map((g, k) => [k, g.rows * g.cols] as const);
  return {
    ...problem,
    name: `${problem.name}, uneven`,
    initial() {
      const x = problem.initial();
      let i = 0;
      for (const [k, size] of ranges) for (let j = 0; j < size; j++, i++) x[i] = (x[i] as number) * (scales[k] ?? 1);
      return x;
    },
    evaluate(theta, gradient, noise) {
      const t = new Float32Array(n);
      const g = new Float32Array(n);
      for (let i = 0; i < n; i++) t[at(i)] = theta[i] as number;
      const loss = problem.evaluate(t, g, noise);
      for (let i = 0; i < n; i++) gradient[i] = g[at(i)] as number;
      return loss;
    },
    curvature(theta, out, probe) {
      const t = new Float32Array(n);
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) t[at(i)] = theta[i] as number;
      problem.curvature(t, c, probe);
      for (let i = 0; i < n; i++) out[i] = c[at(i)] as number;
    },
  };
}

/** A rule that sees all lanes as one tensor (to show that a seed's reductions are per tensor). */
function asOneTensor(rule: ReferenceRule): ReferenceRule {
  return { ...rule, step: (s) => rule.step({ ...s, groups: [{ rows: 1, cols: s.gradient.length }] }) };
}

describe('shared keys', () => {
  const ADAM_IDS = ['m', 'g2', 'v', 'c1', 'c1.power', 'c2', 'c2.power', 'mhat', 'vhat', 'dir', 'dir.rms', 'dir.den'];

  it('Adam is its moments, direction and constants, named as in the motifs', () => {
    const g = adam.build();
    const hidden = g.nodes.filter((n) => n.role === 'hidden');
    const constants = hidden.filter((n) => n.op === 'const');
    expect(hidden.filter((n) => n.op !== 'const').map((n) => n.key).sort()).toEqual(ADAM_IDS.map((id) => keyOf(`node:${id}`)).sort());
    expect(constants.map((n) => n.attrs[0]).sort()).toEqual([Math.fround(0.9), Math.fround(0.999), 1].sort());
  });

  it.each([adamw, radam, lookaheadAdam, lamb].map((s) => [s.name, s] as const))('%s has Adam\'s moment parts and keys', (_, seed) => {
    expectContains(seed.build({ eps: adam.defaults.eps }), innerParts(adam.build())); // LAMB's eps is 1e-6
  });

  it('Adam is exactly the motif calls of the foundation\'s Adam', () => {
    const b = new GenomeBuilder('adam');
    const m = ema(b, 'm', b.gradient, 0.9);
    const v = ema(b, 'v', square(b, 'g2', b.gradient), 0.999);
    const mh = divide(b, 'mhat', m, biasCorrection(b, 'c1', 0.9));
    const vh = divide(b, 'vhat', v, biasCorrection(b, 'c2', 0.999));
    applyUpdate(b, rmsNormalise(b, 'dir', mh, vh, 1e-8), 1e-3);
    // The same nodes and edges (the engine orders them by key, so listing order does not matter).
    const byKey = (g: Genome): Genome => ({ ...g, nodes: [...g.nodes].sort((x, y) => x.key - y.key), edges: [...g.edges].sort((x, y) => x.key - y.key) });
    expect(byKey(adam.build())).toEqual(byKey(b.build()));
  });

  it('shares them at other betas too (names do not depend on hyperparameters)', () => {
    const hyper = { b1: 0.8, b2: 0.99, eps: 1e-6 };
    expectContains(radam.build(hyper), innerParts(adam.build(hyper)));
    expectContains(lookaheadAdam.build(hyper), innerParts(adam.build(hyper)));
    const moved = innerParts(adam.build(hyper)).nodes;
    const nonConstant = (parts: Map<number, string>): number[] => [...parts].filter(([, what]) => !what.startsWith('const')).map(([k]) => k).sort();
    expect(nonConstant(moved)).toEqual(nonConstant(innerParts(adam.build()).nodes));
  });

  it('Lookahead-RMSprop\'s inner optimizer is the classic RMSprop motif with RMSprop\'s keys', () => {
    const b = new GenomeBuilder('rmsprop');
    const v = ema(b, 'v', square(b, 'g2', b.gradient), 0.99);
    applyUpdate(b, rmsNormalise(b, 'dir', b.gradient, v, 1e-8), 1e-2);
    const rmsprop = b.build();
    const whole = lookaheadRmsprop.build();
    expectContains(whole, innerParts(rmsprop));
    // The classic output's two sources feed the fast-weights node instead, with the same weights.
    const fast = keyOf('node:fast');
    const into = (g: Genome, target: number): string[] => g.edges.filter((e) => e.target === target)
      .map((e) => `${e.source}:${e.port}@${e.delay} w${e.weight}`).sort();
    expect(into(whole, fast)).toEqual(into(rmsprop, OUTPUT_KEY));
    // Its g2, v and dir are homologous to Adam's.
    for (const id of ['g2', 'v', 'dir']) expect(innerParts(adam.build()).nodes.has(keyOf(`node:${id}`))).toBe(true);
  });
});

describe('RAdam', () => {
  it('takes the rectified step from rho_t > 5 on, not 4 as Algorithm 2 prints (rho_5 is 4.99)', () => {
    const q = PROBLEMS.quadratic!;
    const graph = lossesOf(radam.build(), q);
    expect(firstDisagreement(graph, referenceTrajectory(radamReference({ ...radam.defaults }), q, 200, 3))).toBe(-1);
    // The update of step 5 first shows in the loss before step 6 (index 5).
    expect(firstDisagreement(graph, referenceTrajectory(radamReference({ ...radam.defaults }, { threshold: 4 }), q, 200, 3))).toBe(5);
  });

  it('uses Adam\'s direction with eps in the adapted step, where the paper has no eps', () => {
    const q = PROBLEMS.quadratic!;
    const hyper = { ...radam.defaults, eps: 0.1 };
    const graph = lossesOf(radam.build({ eps: 0.1 }), q);
    expect(firstDisagreement(graph, referenceTrajectory(radamReference(hyper), q, 200, 3))).toBe(-1);
    // Identical for the five un-adapted steps; the first rectified step (6) shows at index 6.
    expect(firstDisagreement(graph, referenceTrajectory(radamReference(hyper, { paperAdaptiveTerm: true }), q, 200, 3))).toBe(6);
  });
});

describe('Adan', () => {
  const q = PROBLEMS.quadratic!;
  const hyper = { ...adan.defaults, lr: 0.05 };

  it('bias-corrects its three moments, as the authors\' code (Algorithm 1 does not)', () => {
    const graph = lossesOf(adan.build({ lr: 0.05 }), q);
    expect(firstDisagreement(graph, referenceTrajectory(adanReference(hyper), q, 200, 3))).toBe(-1);
    expect(firstDisagreement(graph, referenceTrajectory(adanReference(hyper, { noBiasCorrection: true }), q, 200, 3))).toBe(1);
  });

  it('takes the first gradient difference as 0, not g_1 - 0', () => {
    // Step 1 moves both the same way (u = g / |g| scaled by 1 + b2 above and below); step 2 differs.
    const graph = lossesOf(adan.build({ lr: 0.05 }), q);
    expect(firstDisagreement(graph, referenceTrajectory(adanReference(hyper, { zeroPreviousGradient: true }), q, 200, 3))).toBe(2);
  });
});

describe('per-tensor reductions', () => {
  const split = uneven(PROBLEMS['quadratic-split']!, [1, 3, 0.3]);

  it('LAMB takes one trust ratio per tensor', () => {
    const graph = lossesOf(lamb.build(), split);
    expect(firstDisagreement(graph, referenceTrajectory(lambReference({ ...lamb.defaults }), split, 200, 3))).toBe(-1);
    expect(firstDisagreement(graph, referenceTrajectory(asOneTensor(lambReference({ ...lamb.defaults })), split, 200, 3))).toBe(1);
  });

  it('AdaNorm keeps one gradient-norm history per tensor', () => {
    const hyper = { ...adanorm.defaults, lr: 0.05 };
    const graph = lossesOf(adanorm.build({ lr: 0.05 }), split);
    expect(firstDisagreement(graph, referenceTrajectory(adanormReference(hyper), split, 200, 3))).toBe(-1);
    expect(firstDisagreement(graph, referenceTrajectory(asOneTensor(adanormReference(hyper)), split, 200, 3))).toBeGreaterThan(1);
  });
});

describe('Adafactor', () => {
  const q = PROBLEMS.quadratic!;

  it('factors the second moment of a 4 x 4 tensor', () => {
    const p = uneven(q, [1]);
    const graph = lossesOf(adafactor.build(), p);
    expect(firstDisagreement(graph, referenceTrajectory(adafactorReference({ ...adafactor.defaults }), p, 200, 3))).toBe(-1);
    expect(firstDisagreement(graph, referenceTrajectory(adafactorReference({ ...adafactor.defaults }, false), p, 200, 3))).toBe(1);
  });

  it.each([[1, 16], [16, 1], [2, 8], [8, 2]])('agrees with the reference on a %i x %i tensor', (rows, cols) => {
    // 1 x n and n x 1 run against Algorithm 5 (unfactored): the factored graph degenerates to it.
    expectAgreement(engine, adafactor.build({ maxStep: 0.1 }), adafactorReference({ ...adafactor.defaults, maxStep: 0.1 }), reshaped(q, rows, cols), 200, 3);
  });
});

describe('Lookahead', () => {
  const q = PROBLEMS.quadratic!;

  it('follows the inner Adam for k - 1 steps and pulls back at step k', () => {
    const inner = lossesOf(adam.build({ lr: 0.05 }), q, 12);
    const outer = lossesOf(lookaheadAdam.build({ lr: 0.05 }), q, 12);
    expect(outer.slice(0, 5)).toEqual(inner.slice(0, 5));
    expect(outer[5]).not.toBe(inner[5]);
  });

  it('with k = 1 and alpha = 1 is the inner optimizer', () => {
    const inner = lossesOf(adam.build({ lr: 0.05 }), q);
    expect(lossesOf(lookaheadAdam.build({ lr: 0.05, k: 1, alpha: 1 }), q)).toEqual(inner);
  });
});

describe('slots', () => {
  it('only AdaHessian reads the curvature slot', () => {
    const readers = ADAPTIVE_SEEDS.filter((s) => readsSlot(s.build(), SLOT.curvature)).map((s) => s.name);
    expect(readers).toEqual(['adahessian']);
  });

  it('RAdam and Adan document their deviations; the others follow their papers', () => {
    expect(ADAPTIVE_SEEDS.filter((s) => s.deviations !== undefined).map((s) => s.name)).toEqual(['radam', 'adan']);
  });
});
