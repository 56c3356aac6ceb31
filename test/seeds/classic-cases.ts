// Agreement cases for the classic and sign-based seeds: each seed against its reference rule on
// the problems the issue asks for (200 steps), and its defaults making progress on the quadratic.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { PROBLEMS } from '../../src/optimizer/problems.ts';
import { withDefaults, type Hyper, type Seed } from '../../src/seeds/types.ts';
import { expectAgreement, type ReferenceRule } from './harness.ts';

export interface AgreementCase {
  readonly problem: string;
  /** Overrides of the seed's defaults (for example a smaller lr where the default diverges). */
  readonly hyper?: Partial<Hyper>;
  /** Why the case overrides the defaults, or what it exercises. */
  readonly note?: string;
}

/** The problem by name; throws on a typo rather than testing nothing. */
export function problemNamed(name: string) {
  const p = PROBLEMS[name];
  if (p === undefined) throw new Error(`no problem ${name}`);
  return p;
}

/** One engine per test file, made before the file's tests run. */
export function sharedEngine(): () => Engine {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await Engine.create();
  });
  return () => {
    if (engine === undefined) throw new Error('the engine is made in beforeAll');
    return engine;
  };
}

/**
 * Registers the tests of one seed: agreement with `reference(h)` for each case (h the seed's
 * defaults with the case's overrides, the graph built with the same overrides), and a final loss
 * on the quadratic below the initial one with the defaults.
 */
export function describeSeed<H>(seed: Seed, reference: (h: H) => ReferenceRule, cases: readonly AgreementCase[], engine: () => Engine): void {
  describe(seed.name, () => {
    for (const c of cases) {
      const label = `agrees with its reference on ${c.problem}${c.note === undefined ? '' : ` (${c.note})`}`;
      it(label, () => {
        const h = withDefaults(seed.name, seed.defaults, c.hyper) as H;
        expectAgreement(engine(), seed.build(c.hyper), reference(h), problemNamed(c.problem), 200, 7);
      });
    }
    it('lowers the quadratic with its defaults', () => {
      const h = withDefaults(seed.name, seed.defaults) as H;
      const run = expectAgreement(engine(), seed.build(), reference(h), problemNamed('quadratic'));
      expect(run.trainLoss.at(-1)).toBeLessThan(run.trainLoss[0] as number);
    });
  });
}

/** The four problems with the defaults, then any extra cases. */
export function everyProblem(extra: readonly AgreementCase[] = [], rosenbrock?: Partial<Hyper>, note?: string): AgreementCase[] {
  return [
    { problem: 'quadratic' },
    { problem: 'quadratic-noisy' },
    { problem: 'quadratic-split' },
    rosenbrock === undefined ? { problem: 'rosenbrock' } : { problem: 'rosenbrock', hyper: rosenbrock, note: note ?? 'the default lr diverges here' },
    ...extra,
  ];
}
