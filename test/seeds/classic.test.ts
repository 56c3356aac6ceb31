// The classic seeds (src/seeds/classic.ts) against their reference rules (reference/classic.ts):
// 200-step loss trajectories within 1e-5 relative (harness.ts), on every problem, with the seeds'
// defaults unless a case says why not; plus the keys the seeds must share and the per-tensor
// deviation of AdaGrad-Norm.

import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/optimizer/driver.ts';
import { createRng } from '../../src/util/rng.ts';
import { GenomeBuilder, keyOf } from '../../src/seeds/builder.ts';
import {
  adagrad, adagradNorm, CLASSIC_SEEDS, momentum, nesterov, rmsprop, rmspropNorm, sgd, sgdw,
} from '../../src/seeds/classic.ts';
import { applyUpdate, ema, rmsNormalise, square } from '../../src/seeds/motifs.ts';
import { describeSeed, everyProblem, problemNamed, sharedEngine } from './classic-cases.ts';
import { firstDisagreement, referenceTrajectory } from './harness.ts';
import {
  adagradNormRule, adagradRule, momentumRule, nesterovRule, rmspropNormRule, rmspropRule, sgdRule, sgdwRule,
} from './reference/classic.ts';

const engine = sharedEngine();

// Rosenbrock's curvature is about 1300 at the start: plain and momentum gradient steps must be
// far smaller than the quadratic's lr 0.01 there.
describeSeed(sgd, sgdRule, everyProblem([], { lr: 5e-4 }), engine);
describeSeed(momentum, momentumRule, everyProblem([
  { problem: 'quadratic', hyper: { lr: 0.05, momentum: 0.5 }, note: 'other lr and momentum' },
], { lr: 2e-4 }), engine);
describeSeed(nesterov, nesterovRule, everyProblem([
  { problem: 'quadratic', hyper: { lr: 0.05, momentum: 0.5 }, note: 'other lr and momentum' },
], { lr: 2e-4 }), engine);
describeSeed(sgdw, sgdwRule, everyProblem([
  { problem: 'quadratic', hyper: { wd: 5 }, note: 'a decay of 5% a step, so the decay term matters' },
  { problem: 'quadratic-noisy', hyper: { wd: 5 }, note: 'a decay of 5% a step' },
  { problem: 'rosenbrock', hyper: { lr: 2e-4, wd: 50 }, note: 'small lr, a decay of 1% a step' },
], { lr: 2e-4 }), engine);
describeSeed(adagrad, adagradRule, everyProblem([
  { problem: 'quadratic', hyper: { lr: 0.1, initialAccumulator: 0.1 }, note: 'TensorFlow.js\'s starting accumulator' },
  { problem: 'rosenbrock', hyper: { lr: 0.1, initialAccumulator: 0.1 }, note: 'TensorFlow.js\'s starting accumulator' },
  { problem: 'quadratic', hyper: { eps: 0.1 }, note: 'a large eps' },
]), engine);
describeSeed(adagradNorm, (h: { lr: number; b0: number }) => adagradNormRule(h), everyProblem([
  { problem: 'quadratic-split', hyper: { lr: 0.5, b0: 2 }, note: 'a b0 comparable to the gradients' },
  { problem: 'rosenbrock', hyper: { lr: 0.5, b0: 2 }, note: 'a b0 comparable to the gradients' },
]), engine);
describeSeed(rmsprop, rmspropRule, everyProblem([
  { problem: 'quadratic', hyper: { lr: 0.003, alpha: 0.9, eps: 1e-3 }, note: 'other alpha and eps' },
]), engine);
describeSeed(rmspropNorm, rmspropNormRule, everyProblem([
  { problem: 'quadratic-split', hyper: { lr: 0.003, alpha: 0.9, eps: 1e-3 }, note: 'other alpha and eps' },
]), engine);

describe('the classic seeds as a set', () => {
  it('lists its thirteen seeds in the library\'s order', () => {
    expect(CLASSIC_SEEDS.map((s) => s.name)).toEqual([
      'sgd', 'momentum', 'nesterov', 'sgdw', 'adagrad', 'adagrad-norm', 'rmsprop', 'rmsprop-norm',
      'rprop', 'irprop-plus', 'ftrl', 'signsgd', 'lion',
    ]);
  });

  it('builds every seed with its defaults and rejects an unknown hyperparameter', () => {
    for (const seed of CLASSIC_SEEDS) {
      expect(seed.build().name, seed.name).toBe(seed.name);
      expect(() => seed.build({ learningRate: 1 }), seed.name).toThrow(/no hyperparameter "learningRate"/);
    }
  });

  it('keeps the structure whatever the hyperparameters: only weights and attributes change', () => {
    const shape = (g: ReturnType<typeof sgd.build>) => [
      g.nodes.map((n) => `${n.key}:${n.op}`).join(' '),
      g.edges.map((e) => `${e.key}:${e.source}>${e.target}:${e.port}@${e.delay}`).join(' '),
    ];
    const other: Record<string, Record<string, number>> = {};
    for (const seed of CLASSIC_SEEDS) {
      other[seed.name] = Object.fromEntries(Object.entries(seed.defaults).map(([k, v]) => [k, v === 0 ? 0.25 : v * 0.5]));
      expect(shape(seed.build(other[seed.name])), seed.name).toEqual(shape(seed.build()));
    }
  });

  it('builds RMSprop exactly from the shared motifs (Adam\'s g2, v and dir keys)', () => {
    const b = new GenomeBuilder('rmsprop');
    const v = ema(b, 'v', square(b, 'g2', b.gradient), 0.99);
    applyUpdate(b, rmsNormalise(b, 'dir', b.gradient, v, 1e-8), 0.01);
    expect(rmsprop.build()).toEqual(b.build());
  });

  it('shares the velocity node and its edges across momentum, nesterov and sgdw', () => {
    const velocity = keyOf('node:velocity');
    const loop = keyOf('edge:velocity>velocity:0@1');
    const feed = keyOf('edge:in.gradient>velocity:0@0');
    for (const seed of [momentum, nesterov, sgdw]) {
      const g = seed.build();
      expect(g.nodes.some((n) => n.key === velocity && n.op === 'identity'), seed.name).toBe(true);
      expect(g.edges.filter((e) => e.key === loop || e.key === feed).length, seed.name).toBe(2);
    }
  });

  it('shares g2, v and dir between RMSprop and RMSprop-Norm, and g2, dir between them and Adagrad', () => {
    const keys = (names: string[]) => names.map((n) => keyOf(`node:${n}`));
    const has = (seed: typeof sgd, names: string[]) => {
      const present = new Set(seed.build().nodes.map((n) => n.key));
      return keys(names).every((k) => present.has(k));
    };
    expect(has(rmspropNorm, ['g2', 'v', 'dir', 'dir.rms', 'dir.den'])).toBe(true);
    expect(has(adagrad, ['g2', 'accum', 'dir', 'dir.rms', 'dir.den'])).toBe(true);
    expect(has(adagradNorm, ['g2', 'dir'])).toBe(true);
  });
});

describe('deviations and distinctions', () => {
  it('AdaGrad-Norm keeps one step size per tensor, not one for the model (its stated deviation)', () => {
    const split = problemNamed('quadratic-split');
    const h = adagradNorm.defaults as { lr: number; b0: number };
    const graph = optimize(engine(), adagradNorm.build(), split, { steps: 200, seed: 7 });
    expect(firstDisagreement(graph.trainLoss, referenceTrajectory(adagradNormRule(h), split, 200, 7))).toBe(-1);
    // The paper's single b: the same run as one tensor, which the per-tensor graph does not follow.
    expect(firstDisagreement(graph.trainLoss, referenceTrajectory(adagradNormRule(h, true), split, 200, 7))).toBeGreaterThan(0);
    // On one tensor the two are the same rule.
    const single = problemNamed('quadratic');
    expect(firstDisagreement(
      referenceTrajectory(adagradNormRule(h), single, 200, 7), referenceTrajectory(adagradNormRule(h, true), single, 200, 7),
    )).toBe(-1);
  });

  it('Nesterov\'s parameters are the look-ahead points of Sutskever et al.\'s form (its stated deviation)', () => {
    // Sutskever et al. 2013, eq. (3)-(4), in float64: u = mu u - lr grad(theta + mu u); theta += u.
    const q = problemNamed('quadratic');
    const lr = 0.01;
    const mu = 0.9;
    const theta = Array.from(q.initial());
    const u = theta.map(() => 0);
    const gradient = new Float32Array(16);
    const noise = createRng(0);
    for (let t = 0; t < 200; t++) {
      q.evaluate(Float32Array.from(theta, (x, i) => x + mu * (u[i] as number)), gradient, noise);
      for (let i = 0; i < 16; i++) {
        u[i] = mu * (u[i] as number) - lr * (gradient[i] as number);
        theta[i] = (theta[i] as number) + (u[i] as number);
      }
    }
    const graph = optimize(engine(), nesterov.build({ lr, momentum: mu }), q, { steps: 200 });
    let offAhead = 0;
    let offTheta = 0;
    graph.parameters.forEach((p, i) => {
      offAhead = Math.max(offAhead, Math.abs(p - ((theta[i] as number) + mu * (u[i] as number))));
      offTheta = Math.max(offTheta, Math.abs(p - (theta[i] as number)));
    });
    expect(offAhead).toBeLessThan(1e-6);
    expect(offTheta).toBeGreaterThan(1e-3); // the form tells the two apart
  });

  it('tells apart the seeds whose rules are close (the comparison can fail)', () => {
    const q = problemNamed('quadratic');
    const run = (seed: typeof sgd) => optimize(engine(), seed.build(), q, { steps: 200 }).trainLoss;
    const h = { lr: 0.01, momentum: 0.9 };
    expect(firstDisagreement(run(momentum), referenceTrajectory(nesterovRule(h), q, 200))).toBeGreaterThan(0);
    expect(firstDisagreement(run(nesterov), referenceTrajectory(momentumRule(h), q, 200))).toBeGreaterThan(0);
    const r = { lr: 0.01, alpha: 0.99, eps: 1e-8 };
    expect(firstDisagreement(run(rmsprop), referenceTrajectory(rmspropNormRule(r), q, 200))).toBeGreaterThan(0);
  });
});
