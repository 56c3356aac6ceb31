// One-shot pattern association (src/learner/association.ts): episodes drawn from seeds, the study
// phase, blank step and test phase against hand counts, bad settings refused, and the reference
// levels on held-out seeds: chance, the tuned outer-product memory (src/learner/rule-agents.ts) and
// the oracle; a learner genome runs through it and sees the errors one step late.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { meanScore, oracleAgent, randomAgent } from '../../src/learner/agents.ts';
import { ASSOCIATION_DEFAULTS, associationTask } from '../../src/learner/association.ts';
import { permutation } from '../../src/learner/env.ts';
import { associationAgent, tuneAssociationAgent } from '../../src/learner/rule-agents.ts';
import { runLearner } from '../../src/learner/run.ts';
import { staticLearner } from '../../src/learner/seeds.ts';
import { createRng } from '../../src/util/rng.ts';

const seeds = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
const held = seeds(100, 1000);

describe('one-shot pattern association', () => {
  it('draws the same episode from the same seed: distinct cues, balanced classes, a new test order', () => {
    const a = associationTask(5);
    const b = associationTask(5);
    expect(a.itemAt).toEqual(b.itemAt);
    expect(a.classOf).toEqual(b.classOf);
    expect(a.cue(3)).toEqual(b.cue(3));
    const c = associationTask(6);
    expect([...c.itemAt, ...c.classOf]).not.toEqual([...a.itemAt, ...a.classOf]);
    for (const seed of seeds(20)) {
      const env = associationTask(seed);
      const K = ASSOCIATION_DEFAULTS.items;
      const cues = Array.from({ length: K }, (_, i) => Array.from(env.cue(i)).join(','));
      expect(new Set(cues).size).toBe(K);
      expect(env.cue(0).every((v) => v === 1 || v === -1)).toBe(true);
      // 8 items in 4 classes: 2 each.
      expect(Array.from({ length: 4 }, (_, k) => env.classOf.filter((c) => c === k).length)).toEqual([2, 2, 2, 2]);
      const study = Array.from(env.itemAt.subarray(0, K));
      const test = Array.from(env.itemAt.subarray(K + 1));
      expect([...study].sort()).toEqual(seeds(K, 0));
      expect([...test].sort()).toEqual(seeds(K, 0));
      expect(test).not.toEqual(study);
      expect(env.itemAt[K]).toBe(-1);
    }
    // The permutation helper: every order of 3 appears, each about a sixth of the time.
    const rng = createRng(1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = Array.from(permutation(rng, 3)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });

  it('studies each cue once with its one-hot target, shows a blank step, then tests without targets; scores the test answers', () => {
    const settings = { items: 3, classes: 2, channels: 3, binary: true };
    const env = associationTask(11, settings);
    expect(env.steps).toBe(7);
    expect(env.trials).toBe(6);
    expect(env.kind).toBe('supervised');
    const answers = [1, 0, 1]; // the answers given at the test steps
    let right = 0;
    for (let s = 0; s < 7; s++) {
      const o = env.observe();
      const item = env.itemAt[s] as number;
      if (s < 3) {
        expect(Array.from(o.channels)).toEqual(Array.from(env.cue(item)));
        expect(o.channels.some((v) => v !== 0)).toBe(true); // no all-zero cue with 0/1 cues
        expect(Array.from(o.targets ?? [])).toEqual([0, 1].map((k) => (k === env.classOf[item] ? 1 : 0)));
        expect([o.learning, o.choice, o.trialStart]).toEqual([1, false, 1]);
        env.act(1);
        expect(env.score()).toBe(0); // study answers do not count
      } else if (s === 3) {
        expect(Array.from(o.channels)).toEqual([0, 0, 0]);
        expect([o.targets, o.learning, o.choice, o.trialStart]).toEqual([null, 1, false, 0]);
        env.act(0);
      } else {
        expect(Array.from(o.channels)).toEqual(Array.from(env.cue(item)));
        expect([o.targets, o.learning, o.choice]).toEqual([null, 0, true]);
        expect(env.oracle()).toBe(env.classOf[item]);
        const a = answers[s - 4] as number;
        if (a === env.classOf[item]) right++;
        env.act(a);
        expect(env.correct[s - 4]).toBe(a === env.classOf[item] ? 1 : 0);
        expect(env.score()).toBe(right / (s - 3));
      }
    }
    expect(env.done).toBe(true);
    expect(env.act(0)).toBe(false);
  });

  it('refuses bad settings and actions with a RangeError', () => {
    const d = ASSOCIATION_DEFAULTS;
    expect(() => associationTask(1, { ...d, items: 0 })).toThrow('items must be an integer of at least 1 (got 0)');
    expect(() => associationTask(1, { ...d, classes: 1 })).toThrow('classes must be an integer in [2, 4] (got 1)');
    expect(() => associationTask(1, { ...d, classes: 5 })).toThrow(RangeError);
    expect(() => associationTask(1, { ...d, channels: 9 })).toThrow('channels must be an integer in [1, 8] (got 9)');
    expect(() => associationTask(1, { ...d, channels: 0 })).toThrow(RangeError);
    expect(() => associationTask(1, { ...d, items: 5, channels: 2 })).toThrow('5 distinct cues do not fit in 2 channels (at most 4)');
    expect(() => associationTask(1, { ...d, items: 4, channels: 2, binary: true })).toThrow('(at most 3)');
    expect(() => associationTask(1).act(4)).toThrow('an association action must be an integer in [0, 4) (got 4)');
  });

  it('has its reference levels on held-out seeds: chance 1/4, the tuned outer-product memory near 0.89, the oracle 1', () => {
    const make = (s: number): ReturnType<typeof associationTask> => associationTask(s);
    expect(Math.abs(meanScore(make, (e, s) => randomAgent(e.actions, s + 7), held) - 0.25)).toBeLessThan(0.04);
    expect(meanScore(make, (e) => oracleAgent(e), held)).toBe(1);
    const tuned = tuneAssociationAgent(seeds(30));
    const memory = meanScore(make, (e) => associationAgent(e.channels, e.actions, tuned.best), held);
    expect(memory).toBeGreaterThan(0.84);
    expect(memory).toBeLessThan(0.94);
    // A large step overwrites the earlier items: far worse than the tuned one.
    expect(meanScore(make, (e) => associationAgent(e.channels, e.actions, 0.3), held)).toBeLessThan(memory - 0.2);
    // Few items are stored almost without a mistake; without learning (eta 0) every answer is class 0.
    expect(meanScore((s) => associationTask(s, { ...ASSOCIATION_DEFAULTS, items: 4 }), (e) => associationAgent(e.channels, e.actions, tuned.best), held)).toBeGreaterThan(0.98);
    expect(meanScore(make, (e) => associationAgent(e.channels, e.actions, 0), held)).toBe(0.25);
  });

  it('runs a learner genome through it: the static floor answers class 0', async () => {
    const engine = await Engine.create();
    const env = associationTask(1000);
    const episode = runLearner(engine, staticLearner(), env);
    expect(episode.actions).toHaveLength(17);
    // The static floor answers class 0: right on the 2 items of class 0.
    expect(episode.score).toBe(0.25);
  });
});
