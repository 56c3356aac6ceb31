// Continual familiarity detection (src/learner/familiarity.ts): streams drawn from seeds (balanced
// repeats at the drawn lags, novel items never seen before), scoring and the per-lag accuracy
// against hand counts, bad settings refused, and the reference levels on held-out seeds: chance,
// constant answers, the tuned Hebbian detector (src/learner/rule-agents.ts) and its accuracy as a
// function of R, the oracle; a learner genome runs through it.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { meanScore, oracleAgent, randomAgent } from '../../src/learner/agents.ts';
import { FAMILIARITY_DEFAULTS, familiarityTask, FAMILIAR, NOVEL, type FamiliaritySettings } from '../../src/learner/familiarity.ts';
import { familiarityAgent, tuneFamiliarityAgent } from '../../src/learner/rule-agents.ts';
import { runLearner } from '../../src/learner/run.ts';
import { staticLearner } from '../../src/learner/seeds.ts';

const seeds = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
const held = seeds(100, 1000);

describe('continual familiarity detection', () => {
  it('draws the same stream from the same seed: half repeats at the drawn lags, novel items never seen before', () => {
    const a = familiarityTask(3);
    expect(familiarityTask(3).items).toEqual(a.items);
    expect(familiarityTask(3).lagOf).toEqual(a.lagOf);
    expect(familiarityTask(4).items).not.toEqual(a.items);
    for (const seed of seeds(10)) {
      for (const lags of [[1, 2, 3, 4, 5, 6, 7, 8], [5], [16]]) {
        const env = familiarityTask(seed, { ...FAMILIARITY_DEFAULTS, lags });
        const max = Math.max(...lags);
        expect(env.prefix).toBe(max);
        expect(env.steps).toBe(max + 200);
        const seen = new Set<number>();
        let repeats = 0;
        const faults: string[] = [];
        const lagsUsed = new Set<number>();
        for (let t = 0; t < env.steps; t++) {
          const r = env.lagOf[t] as number;
          const item = env.items[t] as number;
          if (r === 0 && seen.has(item)) faults.push(`novel item at ${t} seen before`);
          if (r !== 0) {
            if (t < env.prefix || !lags.includes(r) || item !== env.items[t - r]) faults.push(`bad repeat at ${t}`);
            repeats++;
            lagsUsed.add(r);
          }
          seen.add(item);
        }
        expect(faults).toEqual([]);
        expect(repeats).toBe(100);
        expect(lagsUsed.size).toBe(lags.length);
      }
    }
  });

  it('shows each item as +-1 channels, scores the answers after the prefix, and counts by lag', () => {
    for (const supervised of [false, true]) {
      const settings: FamiliaritySettings = { steps: 8, lags: [1, 3], width: 4, supervised };
      const env = familiarityTask(21, settings);
      expect(env.kind).toBe(supervised ? 'supervised' : 'unsupervised');
      expect(env.channels).toBe(4);
      const answers = [1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0];
      let right = 0;
      const byLag = new Map<number, [number, number]>();
      for (let t = 0; t < env.steps; t++) {
        const o = env.observe();
        const item = env.items[t] as number;
        expect(Array.from(o.channels)).toEqual([0, 1, 2, 3].map((i) => ((item >> i) & 1 ? 1 : -1)));
        const truth = env.lagOf[t] === 0 ? NOVEL : FAMILIAR;
        expect(env.oracle()).toBe(truth);
        expect([o.choice, o.learning, o.trialStart, o.reward]).toEqual([t >= 3, 1, 1, 0]);
        if (supervised) expect(Array.from(o.targets ?? [])).toEqual(truth === FAMILIAR ? [0, 1] : [1, 0]);
        else expect(o.targets).toBeNull();
        const a = answers[t] as number;
        env.act(a);
        if (t >= 3) {
          const hit = a === truth ? 1 : 0;
          right += hit;
          const entry = byLag.get(env.lagOf[t] as number) ?? [0, 0];
          byLag.set(env.lagOf[t] as number, [entry[0] + hit, entry[1] + 1]);
          expect(env.score()).toBe(right / (t - 2));
        } else expect(env.score()).toBe(0);
      }
      expect(env.done).toBe(true);
      expect(env.act(0)).toBe(false);
      const counted = env.byLag();
      expect(new Map([...counted].map(([r, e]) => [r, [e.right, e.total]]))).toEqual(byLag);
      for (const e of counted.values()) expect(e.accuracy).toBe(e.right / e.total);
    }
  });

  it('refuses bad settings and actions with a RangeError', () => {
    const d = FAMILIARITY_DEFAULTS;
    expect(() => familiarityTask(1, { ...d, steps: 7 })).toThrow('steps must be an even integer of at least 2 (got 7)');
    expect(() => familiarityTask(1, { ...d, steps: 0 })).toThrow(RangeError);
    expect(() => familiarityTask(1, { ...d, lags: [] })).toThrow('lags must be a non-empty list of integers of at least 1 (got [])');
    expect(() => familiarityTask(1, { ...d, lags: [2, 0] })).toThrow(RangeError);
    expect(() => familiarityTask(1, { ...d, lags: [1.5] })).toThrow(RangeError);
    expect(() => familiarityTask(1, { ...d, width: 9 })).toThrow('width must be an integer in [1, 8] (got 9)');
    expect(() => familiarityTask(1, { ...d, width: 3, steps: 20 })).toThrow('18 novel items (max lag 8 + steps / 2) do not fit in 3 channels (at most 8 distinct items)');
    expect(() => familiarityTask(1).act(2)).toThrow('a familiarity action must be 0 (novel) or 1 (familiar) (got 2)');
  });

  it('has its reference levels on held-out seeds: chance 0.5, the tuned Hebbian detector near 0.83 and falling with R, the oracle 1', () => {
    const make = (s: number): ReturnType<typeof familiarityTask> => familiarityTask(s);
    expect(Math.abs(meanScore(make, (_e, s) => randomAgent(2, s + 7), held) - 0.5)).toBeLessThan(0.02);
    expect(meanScore(make, () => ({ act: () => FAMILIAR }), held)).toBe(0.5);
    expect(meanScore(make, (e) => oracleAgent(e), held)).toBe(1);
    // Decay and threshold tuned on seeds 1-30 of the default stream (lags 1-8).
    const tuned = tuneFamiliarityAgent(seeds(30));
    const detector = (lags: number[]): number => meanScore((s) => familiarityTask(s, { ...FAMILIARITY_DEFAULTS, lags }), (e) => familiarityAgent(e.channels, tuned.best.decay, tuned.best.threshold), held);
    const level = detector(FAMILIARITY_DEFAULTS.lags as number[]);
    expect(level).toBeGreaterThan(0.79);
    expect(level).toBeLessThan(0.87);
    // Accuracy as a function of R: high at the trained lags, near chance at R = 16 and 32, never trained on.
    const curve = [1, 4, 8, 16, 32].map((r) => detector([r]));
    expect(curve[0]).toBeGreaterThan(0.85);
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeLessThan((curve[i - 1] as number) + 0.01);
    expect(curve[3]).toBeLessThan(0.6);
    expect(Math.abs((curve[4] as number) - 0.5)).toBeLessThan(0.03);
    // The supervised variant changes only the feedback: the detector, which ignores it, scores the same.
    expect(meanScore((s) => familiarityTask(s, { ...FAMILIARITY_DEFAULTS, supervised: true }), (e) => familiarityAgent(e.channels, tuned.best.decay, tuned.best.threshold), held)).toBe(level);
  });

  it('runs a learner genome through it: the static floor answers novel at every step', async () => {
    const engine = await Engine.create();
    const episode = runLearner(engine, staticLearner(), familiarityTask(1000));
    expect(episode.actions).toHaveLength(208);
    expect(episode.score).toBe(0.5);
  });
});
