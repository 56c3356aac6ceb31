// FTRL-Proximal (src/seeds/ftrl.ts) against its reference (reference/ftrl.ts), with L1 and L2,
// and its stated deviation: from a start at 0 the graph is Algorithm 1 of the paper exactly.

import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/optimizer/driver.ts';
import type { Problem } from '../../src/optimizer/problems.ts';
import { ftrl } from '../../src/seeds/ftrl.ts';
import { describeSeed, everyProblem, problemNamed, sharedEngine } from './classic-cases.ts';
import { expectAgreement, firstDisagreement, referenceTrajectory } from './harness.ts';
import { ftrlRule, type FtrlHyper } from './reference/ftrl.ts';

const engine = sharedEngine();

const regularised = { lr: 0.1, beta: 1, l1: 0.01, l2: 0.1 };
describeSeed(ftrl, (h: FtrlHyper) => ftrlRule(h), everyProblem([
  { problem: 'quadratic', hyper: regularised, note: 'the paper\'s beta 1, with L1 and L2' },
  { problem: 'quadratic-noisy', hyper: regularised, note: 'the paper\'s beta 1, with L1 and L2' },
  { problem: 'rosenbrock', hyper: regularised, note: 'the paper\'s beta 1, with L1 and L2' },
  { problem: 'quadratic', hyper: { lr: 0.5, initialAccumulator: 0 }, note: 'Algorithm 1\'s n_0 = 0' },
]), engine);

/** 1/2 sum h_i (theta_i - 1)^2 from theta = 0: the quadratic moved so that it starts at 0. */
function shifted(): Problem {
  const q = problemNamed('quadratic');
  return {
    ...q,
    name: 'quadratic-from-zero',
    initial: () => new Float32Array(16),
    evaluate(theta, gradient, noise) {
      const moved = Float32Array.from(theta, (x) => x - 1);
      return q.evaluate(moved, gradient, noise);
    },
  };
}

describe('ftrl', () => {
  it('is Algorithm 1 exactly from a start at 0 (its stated deviation is only the starting point)', () => {
    const h = { lr: 0.5, initialAccumulator: 0, beta: 1, l1: 0.01, l2: 0.01 };
    const run = expectAgreement(engine(), ftrl.build(h), ftrlRule(h, true), shifted());
    expect(run.trainLoss.at(-1)).toBeLessThan(run.trainLoss[0] as number);
  });

  it('differs from Algorithm 1 started at 0 when the problem starts elsewhere', () => {
    const q = problemNamed('quadratic');
    // (alpha 0.5 would not do: then the two first steps are mirror images with equal losses.)
    const h = { lr: 0.1, initialAccumulator: 0, beta: 1, l1: 0, l2: 0 };
    const graph = optimize(engine(), ftrl.build(h), q, { steps: 50 });
    expect(firstDisagreement(graph.trainLoss, referenceTrajectory(ftrlRule(h, true), q, 50))).toBeGreaterThan(0);
  });

  it('sets weights to exactly 0 under a strong L1 penalty', () => {
    const run = optimize(engine(), ftrl.build({ lr: 0.5, l1: 0.05 }), problemNamed('quadratic'), { steps: 50 });
    expect(run.status).toBe('ok');
    const zeros = Array.from(run.parameters).filter((x) => x === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(zeros).toBeLessThan(16);
  });
});
