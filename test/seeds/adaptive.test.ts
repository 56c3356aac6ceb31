// Every adaptive seed against its reference (test/seeds/reference/), written from the paper's
// equations: loss trajectories over 200 steps on all four problems agree within the harness's
// tolerance, at the seed's defaults and at a brisker setting that moves further (the defaults of
// several of these methods barely move in 200 steps, which would make agreement a weak check).

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { PROBLEMS } from '../../src/optimizer/problems.ts';
import { ADAPTIVE_SEEDS } from '../../src/seeds/adaptive.ts';
import type { Hyper } from '../../src/seeds/types.ts';
import { expectAgreement } from './harness.ts';
import { ADAPTIVE_REFERENCES } from './reference/adaptive.ts';

const ALL = ['quadratic', 'rosenbrock', 'quadratic-split', 'quadratic-noisy'];
const QUADRATICS = ['quadratic', 'quadratic-split', 'quadratic-noisy'];

/** Brisker hyperparameters per seed, and the problems they are run on (all unless listed). */
const BRISK: Record<string, { hyper: Hyper; problems?: string[] }> = {
  adam: { hyper: { lr: 0.05 } },
  adamw: { hyper: { lr: 0.05, wd: 0.1 } },
  // RAdam's first five steps are un-adapted momentum steps lr * mhat: with Rosenbrock's gradients
  // (~200) any lr well above the default throws it out of the valley, graph and reference alike.
  radam: { hyper: { lr: 0.05 }, problems: QUADRATICS },
  qhadam: { hyper: { lr: 0.05 } },
  yogi: { hyper: { lr: 0.05 } },
  adabelief: { hyper: { lr: 0.05 } },
  adanorm: { hyper: { lr: 0.05 } },
  adan: { hyper: { lr: 0.05, wd: 0.02 } },
  lamb: { hyper: { lr: 0.05 } },
  adafactor: { hyper: { maxStep: 0.1 } },
  adahessian: { hyper: { lr: 0.05 } },
  'lookahead-adam': { hyper: { lr: 0.05 } },
  'lookahead-rmsprop': { hyper: { lr: 0.05 } },
};

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

it('lists the adaptive seeds in issue 3\'s order', () => {
  expect(ADAPTIVE_SEEDS.map((s) => s.name)).toEqual([
    'adam', 'adamw', 'radam', 'qhadam', 'yogi', 'adabelief', 'adanorm', 'adan', 'lamb', 'adafactor',
    'adahessian', 'lookahead-adam', 'lookahead-rmsprop',
  ]);
});

describe.each(ADAPTIVE_SEEDS.map((s) => [s.name, s] as const))('%s', (name, seed) => {
  const reference = ADAPTIVE_REFERENCES[name];
  const brisk = BRISK[name];

  it('has a reference and a brisk setting', () => {
    expect(reference).toBeDefined();
    expect(brisk).toBeDefined();
  });

  it('describes itself', () => {
    expect(seed.title.length).toBeGreaterThan(0);
    expect(seed.paper).toMatch(/\d{4}/);
    expect(seed.rule.length).toBeGreaterThan(0);
    expect(() => seed.build({ noSuchHyperparameter: 1 })).toThrow(/no hyperparameter "noSuchHyperparameter"/);
  });

  it.each(ALL)('agrees with its reference at the defaults on %s', (problem) => {
    const run = expectAgreement(engine, seed.build(), reference!({ ...seed.defaults }), PROBLEMS[problem]!, 200, 3);
    if (problem === 'quadratic') expect(run.trainLoss.at(-1)!).toBeLessThan(run.trainLoss[0]!);
  });

  it.each(brisk?.problems ?? ALL)('agrees with its reference at the brisk setting on %s', (problem) => {
    const hyper = { ...seed.defaults, ...brisk!.hyper };
    const run = expectAgreement(engine, seed.build(brisk!.hyper), reference!(hyper), PROBLEMS[problem]!, 200, 5);
    if (problem === 'quadratic') expect(run.trainLoss.at(-1)!).toBeLessThan(1e-2 * run.trainLoss[0]!);
  });
});
