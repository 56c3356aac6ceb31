// The sign-based seeds (src/seeds/sign.ts) against their reference rules (reference/sign.ts):
// Rprop, iRprop+, scaled signSGD and Lion, with checks that the trajectories reach the branches
// that tell Rprop and iRprop+ apart.

import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/optimizer/driver.ts';
import { keyOf } from '../../src/seeds/builder.ts';
import { irpropPlus, lion, rprop, signsgd } from '../../src/seeds/sign.ts';
import { describeSeed, everyProblem, problemNamed, sharedEngine } from './classic-cases.ts';
import { expectAgreement, firstDisagreement, referenceTrajectory } from './harness.ts';
import { lionRule, rpropRule, signsgdRule, type RpropCounts, type RpropHyper } from './reference/sign.ts';

const engine = sharedEngine();

const tight = { stepMin: 1e-3, stepMax: 0.3 };
describeSeed(rprop, (h: RpropHyper) => rpropRule(h), everyProblem([
  { problem: 'quadratic', hyper: tight, note: 'bounds that the step sizes reach' },
  { problem: 'rosenbrock', hyper: tight, note: 'bounds that the step sizes reach' },
  { problem: 'rosenbrock', hyper: { etaPlus: 1.5, etaMinus: 0.3, lr: 0.01 }, note: 'other etas and first step' },
]), engine);
describeSeed(irpropPlus, (h: RpropHyper) => rpropRule(h, true), everyProblem([
  { problem: 'quadratic', hyper: tight, note: 'bounds that the step sizes reach' },
  { problem: 'rosenbrock', hyper: tight, note: 'bounds that the step sizes reach' },
  { problem: 'rosenbrock', hyper: { etaPlus: 1.5, etaMinus: 0.3, lr: 0.01 }, note: 'other etas and first step' },
]), engine);
// The scaled step on rosenbrock is lr times a mean |g| of about 150 at the start.
describeSeed(signsgd, signsgdRule, everyProblem([], { lr: 1e-4 }), engine);
describeSeed(lion, lionRule, everyProblem([
  { problem: 'quadratic', hyper: { lr: 0.01, wd: 0.5 }, note: 'a larger lr and weight decay' },
  { problem: 'quadratic-noisy', hyper: { lr: 0.01, wd: 0.5 }, note: 'a larger lr and weight decay' },
  { problem: 'rosenbrock', hyper: { lr: 0.01, b1: 0.95, b2: 0.98, wd: 0.1 }, note: 'other betas, lr and weight decay' },
]), engine);

describe('Rprop and iRprop+', () => {
  const rosenbrock = problemNamed('rosenbrock');

  it('reverts steps on sign changes in the runs above (Rprop: always)', () => {
    const counts: RpropCounts = { flips: 0, reverts: 0 };
    expectAgreement(engine(), rprop.build(), rpropRule(rprop.defaults as unknown as RpropHyper, false, counts), rosenbrock);
    expect(counts.flips).toBeGreaterThan(0);
    expect(counts.reverts).toBe(counts.flips);
  });

  it('reverts only where the loss went up (iRprop+), and so differs from Rprop', () => {
    const counts: RpropCounts = { flips: 0, reverts: 0 };
    const h = irpropPlus.defaults as unknown as RpropHyper;
    const run = expectAgreement(engine(), irpropPlus.build(), rpropRule(h, true, counts), rosenbrock);
    expect(counts.reverts).toBeGreaterThan(0);
    expect(counts.reverts).toBeLessThan(counts.flips);
    expect(firstDisagreement(run.trainLoss, referenceTrajectory(rpropRule(h), rosenbrock, 200))).toBeGreaterThan(0);
  });

  it('shares the step-size parts\' keys', () => {
    const parts = ['rprop.size', 'rprop.factor', 'rprop.flip', 'rprop.memory', 'rprop.step', 'gsign'].map((n) => keyOf(`node:${n}`));
    for (const seed of [rprop, irpropPlus]) {
      const present = new Set(seed.build().nodes.map((n) => n.key));
      expect(parts.every((k) => present.has(k)), seed.name).toBe(true);
    }
  });
});

describe('scaled signSGD', () => {
  it('scales each tensor by its own mean |g|', () => {
    // Three tensors: a global scale would not match the per-tensor reference.
    const split = problemNamed('quadratic-split');
    const graph = optimize(engine(), signsgd.build(), split, { steps: 200, seed: 7 });
    const whole = referenceTrajectory(signsgdRule(signsgd.defaults as { lr: number }), problemNamed('quadratic'), 200, 7);
    expect(firstDisagreement(graph.trainLoss, whole)).toBeGreaterThan(0);
  });
});

describe('Lion', () => {
  it('keeps its momentum in Adam\'s first-moment node "m" (rate b2)', () => {
    const g = lion.build();
    const m = g.nodes.find((n) => n.key === keyOf('node:m'));
    expect(m?.op).toBe('identity');
    const loop = g.edges.find((e) => e.key === keyOf('edge:m>m:0@1'));
    expect(loop?.weight).toBe(Math.fround(0.99));
  });
});
