// Seed learners run as genomes (src/learner/seeds.ts, run.ts): the delta rule step by step against
// a plain float32 implementation of its equations, and both seeds against the reference levels.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { deltaAgent, runAgent } from '../../src/learner/agents.ts';
import { ReversalBandit } from '../../src/learner/bandit.ts';
import { checkLearnerRole } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import { deltaLearner, staticLearner } from '../../src/learner/seeds.ts';
import { seedByName } from '../../src/seeds/index.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const f = Math.fround;

/** The delta rule's equations in float32 (seeds.ts header), driven through `env`: preferences and actions per step. */
function reference(env: ReversalBandit, alpha: number): { actions: number[]; preferences: number[][] } {
  let d0 = 0;
  let d1 = 0;
  let choice0 = 0; // c_0 of the previous step (0 before the first)
  let choice1 = 0;
  const actions: number[] = [];
  const preferences: number[][] = [];
  while (!env.done) {
    const r = env.observe().reward;
    const e0 = f(f(r - 1) - d0);
    const e1 = f(f(r - 1) - d1);
    d0 = f(d0 + f(alpha * f(choice0 * e0)));
    d1 = f(d1 + f(alpha * f(choice1 * e1)));
    choice0 = d0 >= d1 ? 1 : 0;
    choice1 = 1 - choice0;
    const a = choice0 === 1 ? 0 : 1;
    actions.push(a);
    preferences.push([d0, d1]);
    env.act(a);
  }
  return { actions, preferences };
}

describe('seed learners', () => {
  it('have the learner role; an optimizer genome does not', () => {
    expect(() => checkLearnerRole(deltaLearner())).not.toThrow();
    expect(() => checkLearnerRole(staticLearner())).not.toThrow();
    expect(() => checkLearnerRole(seedByName('adam').build())).toThrow("inputs must be the learner role's slots");
  });

  it('the delta rule matches its float32 equations step by step', () => {
    for (const seed of [1, 2, 3]) {
      for (const alpha of [0.05, 0.3]) {
        const episode = runLearner(engine, deltaLearner(alpha), new ReversalBandit(seed));
        const plain = reference(new ReversalBandit(seed), alpha);
        expect(episode.actions).toEqual(plain.actions);
        episode.preferences.forEach((p, t) => {
          expect(p[0]).toBeCloseTo(plain.preferences[t]?.[0] as number, 6);
          expect(p[1]).toBeCloseTo(plain.preferences[t]?.[1] as number, 6);
        });
        // It learns: the values move.
        expect(new Set(episode.preferences.map((p) => p[0])).size).toBeGreaterThan(10);
      }
    }
  });

  it('the delta rule reaches the hand-written agent\'s level on the bandit; the static floor stays at chance', () => {
    const seeds = Array.from({ length: 60 }, (_, i) => 2000 + i);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const delta = mean(seeds.map((s) => runLearner(engine, deltaLearner(0.05), new ReversalBandit(s)).score));
    const floor = mean(seeds.map((s) => runLearner(engine, staticLearner(), new ReversalBandit(s)).score));
    const agent = mean(seeds.map((s) => { const e = new ReversalBandit(s); return runAgent(e, deltaAgent(2, 0.05, 0, s)); }));
    expect(delta).toBeGreaterThan(0.72);
    expect(Math.abs(delta - agent)).toBeLessThan(0.03);
    expect(Math.abs(floor - 0.5)).toBeLessThan(0.04);
  });
});
