// The reward environments of the learner role (src/learner/): episodes drawn from seeds, their
// success measures against hand counts, and the reference levels of docs/learner.md: chance (a
// random agent), a tuned delta-rule learner, the oracle.
import { describe, expect, it } from 'vitest';
import { deltaAgent, oracleAgent, randomAgent, runAgent, tuneDelta } from '../../src/learner/agents.ts';
import { ReversalBandit } from '../../src/learner/bandit.ts';
import { argmax } from '../../src/learner/env.ts';
import { SwitchingTMaze } from '../../src/learner/tmaze.ts';
import { createRng } from '../../src/util/rng.ts';

const seeds = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the reversal bandit', () => {
  it('draws the same episode from the same seed, with blocks in the drawn range', () => {
    const a = new ReversalBandit(7);
    const b = new ReversalBandit(7);
    expect(a.better).toEqual(b.better);
    expect(new ReversalBandit(8).better).not.toEqual(a.better);
    // Blocks between reversals: 20 to 40 trials (the first and last may be cut by the episode).
    const starts = [0];
    for (let t = 1; t < a.trials; t++) if (a.better[t] !== a.better[t - 1]) starts.push(t);
    for (let i = 1; i < starts.length; i++) {
      const length = (starts[i] as number) - (starts[i - 1] as number);
      expect(length).toBeGreaterThanOrEqual(20);
      expect(length).toBeLessThanOrEqual(40);
    }
    expect(a.reversals).toBe(starts.length - 1);
    expect(a.reversals).toBeGreaterThanOrEqual(4);
  });

  it('scores the share of trials on the better arm, and pays each arm at its rate', () => {
    const env = new ReversalBandit(3);
    const rng = createRng(99);
    let better = 0;
    const paid = new Float64Array(2);
    const tries = new Float64Array(2);
    for (let t = 0; t < env.trials; t++) {
      const a = rng.int(2);
      const isBetter = a === env.better[t];
      if (isBetter) better++;
      env.act(a);
      const k = isBetter ? 0 : 1;
      tries[k] = (tries[k] as number) + 1;
      paid[k] = (paid[k] as number) + env.reward;
    }
    expect(env.done).toBe(true);
    expect(env.act(0)).toBe(false);
    expect(env.score()).toBe(better / env.trials);
    expect((paid[0] as number) / (tries[0] as number)).toBeGreaterThan(0.6);
    expect((paid[1] as number) / (tries[1] as number)).toBeLessThan(0.4);
    expect(() => new ReversalBandit(1).act(2)).toThrow('a bandit action must be 0 or 1 (got 2)');
    expect(() => new ReversalBandit(1, { trials: 10, high: 0.2, low: 0.8, minBlock: 1, maxBlock: 2 })).toThrow('high > low');
  });

  it('has its reference levels: chance 0.5, the tuned delta rule near 0.79, the oracle 1', () => {
    const make = (s: number): ReversalBandit => new ReversalBandit(s);
    const test = seeds(100, 1000);
    const chance = mean(test.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
    const oracle = mean(test.map((s) => { const e = make(s); return runAgent(e, oracleAgent(e)); }));
    expect(Math.abs(chance - 0.5)).toBeLessThan(0.02);
    expect(oracle).toBe(1);
    const tuned = tuneDelta(make, seeds(30), [0.05, 0.2, 0.5, 1], 0);
    const held = mean(test.map((s) => runAgent(make(s), deltaAgent(2, tuned.alpha, 0, s ^ 0x5bd1e995))));
    expect(held).toBeGreaterThan(0.72);
    expect(held).toBeLessThan(0.9);
  });
});

describe('the T-maze with reward switches', () => {
  it('walks home, corridor, turn, end; the turn is the only choice and the end shows the reward', () => {
    const env = new SwitchingTMaze(5, { trials: 4, corridor: 2, high: 1, low: 0.2, minBlock: 2, maxBlock: 2 });
    expect(env.stepsPerTrial).toBe(5);
    const walk: string[] = [];
    while (!env.done) {
      const o = env.observe();
      walk.push(`${argmax(o.channels)}${o.choice ? 'c' : ''}${o.trialStart ? 's' : ''}${o.reward}`);
      env.act(0);
    }
    const high = Array.from(env.highEnd);
    expect(high).toHaveLength(4);
    expect(env.switches).toBe(high[1] === high[2] ? 0 : 1);
    // Always left: the reward at each end is high when left (0) was the high end.
    const rewards = high.map((h) => (h === 0 ? 1 : 0.2));
    expect(walk).toEqual(high.flatMap((_, t) => ['0s0', '10', '10', '2c0', `3${rewards[t]}`]));
    expect(env.correctTrials).toBe(high.filter((h) => h === 0).length);
    expect(env.score()).toBe(Math.min(1, env.correctTrials / (4 - env.switches - 1)));
  });

  it('has its reference levels: chance about 0.5, the tuned delta rule near 1, the oracle 1', () => {
    const make = (s: number): SwitchingTMaze => new SwitchingTMaze(s);
    const test = seeds(100, 1000);
    const chance = mean(test.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
    const oracle = mean(test.map((s) => { const e = make(s); return runAgent(e, oracleAgent(e)); }));
    expect(chance).toBeGreaterThan(0.45);
    expect(chance).toBeLessThan(0.56);
    expect(oracle).toBe(1);
    const tuned = tuneDelta(make, seeds(30), [0.05, 0.5, 1], 0);
    const held = mean(test.map((s) => runAgent(make(s), deltaAgent(2, tuned.alpha, 0, s ^ 0x5bd1e995))));
    expect(held).toBeGreaterThan(0.95);
    // A learner that never learns (always left) stays near chance.
    const fixed = mean(test.map((s) => runAgent(make(s), { act: () => 0 })));
    expect(fixed).toBeLessThan(0.7);
  });
});
