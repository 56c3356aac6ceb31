// The cognitive-map tasks (src/learner/cogmap*.ts; Wilson, Takahashi, Schoenbaum & Niv 2014):
// episodes drawn from seeds, the trial walks and their rewards and scores against hand counts on
// small settings, bad settings refused, a learner genome run through each, and the reference levels
// on held-out seeds 1000-1099 (chance, the oracle, the tuned delta rules tuned on seeds 1-30 and the
// model-based agents of src/learner/cogmap-agents.ts; the bands hold the levels measured over seeds
// 1000-1199, reported in docs/learner.md).
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { agentSeed, meanScore, oracleAgent, randomAgent, runAgent, tune, type Agent } from '../../src/learner/agents.ts';
import {
  devaluationModelAgent, extinctionBayesAgent, rescorlaWagnerAgent, reversalInferenceAgent, tabularDeltaAgent, type StateKind,
} from '../../src/learner/cogmap-agents.ts';
import {
  ALTERNATION_DEFAULTS, COGMAP_TASKS, CueReversal, DelayedAlternation, Devaluation, DEVALUATION_DEFAULTS, Extinction, EXTINCTION_DEFAULTS, REVERSAL_DEFAULTS,
} from '../../src/learner/cogmap.ts';
import type { LearnerEnv } from '../../src/learner/env.ts';
import { LEARNER_CHANNELS, LEARNER_OUTPUTS } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import { staticLearner } from '../../src/learner/seeds.ts';

const seeds = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
const held = seeds(100, 1000);
const training = seeds(30);
const count = (xs: ArrayLike<number>, value: number): number => Array.from(xs).filter((x) => x === value).length;

/** Walks `env` with `policy` (called at choice steps with the choice number), one string per step: channels, c(hoice), s(tart), reward. */
function walk(env: LearnerEnv, policy: (k: number) => number): string[] {
  const steps: string[] = [];
  let k = 0;
  while (!env.done) {
    const o = env.observe();
    steps.push(`${o.channels.join('')}${o.choice ? 'c' : ''}${o.trialStart ? 's' : ''} ${o.reward}`);
    env.act(o.choice ? policy(k++) : 0);
  }
  return steps;
}

/** Lengths of the runs of equal values. */
function runs(xs: ArrayLike<number>): number[] {
  const lengths = [1];
  for (let t = 1; t < xs.length; t++) {
    if (xs[t] === xs[t - 1]) lengths[lengths.length - 1]! += 1;
    else lengths.push(1);
  }
  return lengths;
}

const always = (a: number): Agent => ({ act: () => a });

describe('the cognitive-map tasks', () => {
  it('are reward tasks within the learner role, drawing the same episode from the same seed', () => {
    for (const [name, make] of Object.entries(COGMAP_TASKS)) {
      const env = make(5);
      expect(env.name).toBe(name);
      expect(env.kind).toBe('reward');
      expect(env.channels).toBeLessThanOrEqual(LEARNER_CHANNELS);
      expect(env.actions).toBeLessThanOrEqual(LEARNER_OUTPUTS);
      const policy = (k: number): number => (k * 7) % 3 === 0 ? 1 : 0;
      const a = walk(make(5), policy);
      expect(walk(make(5), policy)).toEqual(a);
      expect(walk(make(6), policy)).not.toEqual(a);
      const o = env.observe();
      expect(o.targets).toBeNull();
      expect(o.learning).toBe(1);
    }
    expect(() => new CueReversal(1).act(2)).toThrow('a reversal action must be an integer from 0 to 1 (got 2)');
    const done = new Devaluation(1, { training: 2, devaluation: 1, probe: 2 });
    runAgent(done, always(0));
    expect(done.act(0)).toBe(false);
    expect(done.observe()).toMatchObject({ reward: 0, trialStart: 0, choice: false, learning: 0 });
  });

  it('refuse bad settings, naming the setting and the rule', () => {
    expect(() => new CueReversal(1, { ...REVERSAL_DEFAULTS, trials: 0 })).toThrow('trials must be an integer of at least 1 (got 0)');
    expect(() => new CueReversal(1, { ...REVERSAL_DEFAULTS, punishment: 0 })).toThrow('punishment must be a finite number above 0 (got 0)');
    expect(() => new CueReversal(1, { ...REVERSAL_DEFAULTS, minBlock: 0 })).toThrow('blocks must be integers with 1 <= minBlock <= maxBlock (got 0, 40)');
    expect(() => new DelayedAlternation(1, { ...ALTERNATION_DEFAULTS, trials: 1 })).toThrow('trials must be an integer of at least 2 (got 1)');
    expect(() => new DelayedAlternation(1, { ...ALTERNATION_DEFAULTS, minDelay: -1 })).toThrow('minDelay must be an integer of at least 0 (got -1)');
    expect(() => new DelayedAlternation(1, { ...ALTERNATION_DEFAULTS, minDelay: 2, maxDelay: 1 })).toThrow('maxDelay must be an integer from minDelay to 255 (got 1)');
    expect(() => new Extinction(1, { ...EXTINCTION_DEFAULTS, reinforcement: 1.5 })).toThrow('reinforcement must be a number from 0 to 1 (got 1.5)');
    expect(() => new Extinction(1, { ...EXTINCTION_DEFAULTS, cost: 0 })).toThrow('cost must be a finite number above 0 (got 0)');
    expect(() => new Extinction(1, { ...EXTINCTION_DEFAULTS, cost: 0.8 })).toThrow('cost must be below reinforcement (got 0.8, 0.75)');
    expect(() => new Devaluation(1, { ...DEVALUATION_DEFAULTS, training: 1 })).toThrow('training must be an integer of at least 2 (got 1)');
    expect(() => new Devaluation(1, { ...DEVALUATION_DEFAULTS, devaluation: 0 })).toThrow('devaluation must be an integer of at least 1 (got 0)');
    expect(() => new Devaluation(1, { ...DEVALUATION_DEFAULTS, probe: 2.5 })).toThrow('probe must be an integer of at least 2 (got 2.5)');
  });
});

describe('reversal', () => {
  it('shows a cue, then the outcome at the well; going pays 1 after the positive cue and -punishment after the other', () => {
    const settings = { trials: 7, minBlock: 2, maxBlock: 3, punishment: 0.5 };
    const env = new CueReversal(4, settings);
    const { cue, positive } = env;
    // Blocks of 2 or 3 trials (the last may be cut by the episode end).
    const blocks = runs(positive);
    for (const b of blocks.slice(0, -1)) expect([2, 3]).toContain(b);
    expect(env.reversals).toBe(blocks.length - 1);
    const cueChannels = (t: number): string => (cue[t] === 0 ? '100' : '010');
    const hits = Array.from(cue).filter((c, t) => c === positive[t]).length;
    expect(walk(env, () => 1)).toEqual(Array.from(cue).flatMap((c, t) => [`${cueChannels(t)}cs 0`, `001 ${c === positive[t] ? 1 : -0.5}`]));
    expect(env.decisions).toBe(7);
    expect(env.score()).toBe(hits / 7);
    const withhold = new CueReversal(4, settings);
    expect(walk(withhold, () => 0)).toEqual(Array.from(cue).flatMap((_, t) => [`${cueChannels(t)}cs 0`, '001 0']));
    expect(withhold.score()).toBe((7 - hits) / 7);
  });

  it('shows both cues about equally often, with several reversals in an episode', () => {
    for (const seed of seeds(20, 100)) {
      const env = new CueReversal(seed);
      expect(count(env.cue, 0)).toBeGreaterThan(70);
      expect(count(env.cue, 0)).toBeLessThan(130);
      expect(env.reversals).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('delayed alternation', () => {
  const settings = { trials: 5, minDelay: 0, maxDelay: 2 };
  const firstWith = (rule: string): DelayedAlternation => {
    for (let seed = 1; ; seed++) {
      const env = new DelayedAlternation(seed, settings);
      if (env.rule === rule) return env;
    }
  };

  it('walks start, delay, choice, outcome; the first trial pays whatever the choice, then the rule pays', () => {
    const choices = [1, 1, 1, 0, 0];
    // Hand counts: the reward of each trial under each rule (the first trial always pays).
    const rewards = { alternate: [1, 0, 0, 1, 0], repeat: [1, 1, 1, 0, 1] };
    for (const rule of ['alternate', 'repeat'] as const) {
      const env = firstWith(rule);
      const expected = choices.flatMap((_, t) => [
        '1000s 0', ...Array.from({ length: env.delay[t] as number }, () => '0100 0'), '0010c 0', `0001 ${rewards[rule][t]}`,
      ]);
      expect(walk(env, (k) => choices[k] as number)).toEqual(expected);
      expect(env.decisions).toBe(4);
      expect(env.score()).toBe(rule === 'alternate' ? 1 / 4 : 3 / 4);
    }
  });

  it('draws the delays in range and the rule evenly over seeds', () => {
    const env = new DelayedAlternation(3);
    for (const d of [1, 2, 3]) expect(count(env.delay, d)).toBeGreaterThan(10);
    expect(count(env.delay, 1) + count(env.delay, 2) + count(env.delay, 3)).toBe(env.trials);
    const alternate = seeds(200, 1000).filter((s) => new DelayedAlternation(s).rule === 'alternate').length;
    expect(alternate).toBeGreaterThan(80);
    expect(alternate).toBeLessThan(120);
  });
});

describe('extinction', () => {
  it('starts in acquisition; food comes only there; a response pays food - cost, withholding 0', () => {
    const settings = { trials: 9, minBlock: 2, maxBlock: 3, reinforcement: 0.5, cost: 0.25 };
    const env = new Extinction(11, settings);
    const { extinction, food } = env;
    expect(extinction[0]).toBe(0);
    for (const b of runs(extinction).slice(0, -1)) expect([2, 3]).toContain(b);
    for (let t = 0; t < 9; t++) if (extinction[t] === 1) expect(food[t]).toBe(0);
    expect(walk(env, () => 1)).toEqual(Array.from(food).flatMap((f) => ['100cs 0', `01${f} ${f - 0.25}`]));
    expect(env.score()).toBe(count(extinction, 0) / 9);
    const withhold = new Extinction(11, settings);
    expect(walk(withhold, () => 0)).toEqual(Array.from(food).flatMap((f) => ['100cs 0', `01${f} 0`]));
    expect(withhold.score()).toBe(count(extinction, 1) / 9);
  });

  it('reinforces acquisition trials at the set rate and changes phase several times', () => {
    let fed = 0;
    let acquisition = 0;
    for (const seed of seeds(50, 100)) {
      const env = new Extinction(seed);
      expect(env.phaseChanges).toBeGreaterThanOrEqual(3);
      acquisition += count(env.extinction, 0);
      fed += count(env.food, 1);
    }
    expect(Math.abs(fed / acquisition - EXTINCTION_DEFAULTS.reinforcement)).toBeLessThan(0.02);
  });
});

describe('devaluation', () => {
  it('trains cue -> outcome, devalues one outcome in the home cage, then probes the cues in extinction', () => {
    const env = new Devaluation(9, { training: 4, devaluation: 2, probe: 4 });
    const { item, outcomeOf, devalued, devaluedCue } = env;
    expect(outcomeOf[devaluedCue]).toBe(devalued);
    expect(Array.from(outcomeOf).sort()).toEqual([0, 1]);
    const cue = (c: number): string => (c === 0 ? '10000' : '01000');
    const outcome = (o: number): string => (o === 0 ? '00100' : '00010');
    const expected = [
      ...[0, 1, 2, 3].flatMap((t) => [`${cue(item[t]!)}cs 0`, `${outcome(outcomeOf[item[t]!]!)} 1`]),
      ...[4, 5].flatMap((t) => ['00001s 0', `${outcome(item[t]!).slice(0, 4)}1 ${item[t] === devalued ? -1 : 1}`]),
      ...[6, 7, 8, 9].flatMap((t) => [`${cue(item[t]!)}cs 0`, '00000 0']),
    ];
    const learning: number[] = [];
    const steps: string[] = [];
    while (!env.done) {
      const o = env.observe();
      learning.push(o.learning);
      steps.push(`${o.channels.join('')}${o.choice ? 'c' : ''}${o.trialStart ? 's' : ''} ${o.reward}`);
      env.act(1);
    }
    expect(steps).toEqual(expected);
    expect(learning).toEqual([...Array(12).fill(1), ...Array(8).fill(0)]);
    // Balanced phases; responding to both probe cues is right half the time.
    for (const [from, to] of [[0, 4], [4, 6], [6, 10]]) expect(count(item.slice(from, to), 0)).toBe((to! - from!) / 2);
    expect(env.decisions).toBe(4);
    expect(env.score()).toBe(0.5);
    const spare = new Devaluation(9, { training: 4, devaluation: 2, probe: 4 });
    runAgent(spare, { act: (o) => (o.channels[devaluedCue] === 1 ? 0 : 1) });
    expect(spare.score()).toBe(1);
  });

  it('draws which cue predicts which outcome and which outcome is devalued', () => {
    const drawn = new Set(seeds(40, 100).map((s) => { const e = new Devaluation(s); return `${e.outcomeOf[0]}${e.devalued}`; }));
    expect(drawn.size).toBe(4);
  });
});

describe('a learner genome', () => {
  it('runs through every task; the static floor (always action 0) scores what the always-0 agent does', async () => {
    const engine = await Engine.create();
    for (const make of Object.values(COGMAP_TASKS)) {
      for (const seed of [1000, 1001]) {
        const episode = runLearner(engine, staticLearner(), make(seed));
        expect(episode.status).toBe('ok');
        expect(episode.score).toBe(runAgent(make(seed), always(0)));
      }
    }
  });
});

describe('the reference levels on held-out seeds', () => {
  const grid: [number, number][] = [];
  for (const alpha of [0.01, 0.1, 0.3, 1]) for (const epsilon of [0, 0.1]) grid.push([alpha, epsilon]);
  /** The tabular delta rule of `kind`, tuned on the training seeds, scored on the held-out ones. */
  const tuned = (make: (s: number) => LearnerEnv, kind: StateKind): number => {
    const { best: [alpha, epsilon] } = tune(grid, ([a, e]) => meanScore(make, (env, s) => tabularDeltaAgent(env.actions, a, e, agentSeed(s), kind), training));
    return meanScore(make, (env, s) => tabularDeltaAgent(env.actions, alpha, epsilon, agentSeed(s), kind), held);
  };
  const chance = (make: (s: number) => LearnerEnv): number => meanScore(make, (env, s) => randomAgent(env.actions, agentSeed(s) + 7), held);
  const oracle = (make: (s: number) => LearnerEnv): number => meanScore(make, (env) => oracleAgent(env), held);

  it('reversal: chance 0.5, the cue-bound rule near 0.77, the last-trial rule near 0.72, inference near 0.93, the oracle 1', () => {
    const make = COGMAP_TASKS.reversal;
    expect(Math.abs(chance(make) - 0.5)).toBeLessThan(0.03);
    expect(oracle(make)).toBe(1);
    const stimulus = tuned(make, 'stimulus');
    expect(stimulus).toBeGreaterThan(0.72);
    expect(stimulus).toBeLessThan(0.82);
    const history = tuned(make, 'history');
    expect(history).toBeGreaterThan(0.66);
    expect(history).toBeLessThan(0.78);
    const inference = meanScore(make, () => reversalInferenceAgent(), held);
    expect(inference).toBeGreaterThan(0.9);
    expect(inference).toBeLessThan(0.97);
  });

  it('alternation: chance 0.5, memoryless learning near 0.64, learning over the last choice near 0.96, the oracle 1', () => {
    const make = COGMAP_TASKS.alternation;
    expect(Math.abs(chance(make) - 0.5)).toBeLessThan(0.03);
    expect(oracle(make)).toBe(1);
    const stimulus = tuned(make, 'stimulus');
    expect(stimulus).toBeGreaterThan(0.58);
    expect(stimulus).toBeLessThan(0.7);
    // Memoryless, it can only stay on one arm: near 1 under the repeat rule, at most chance under alternate.
    const alternate = held.filter((s) => new DelayedAlternation(s).rule === 'alternate');
    expect(meanScore(make, (_env, s) => tabularDeltaAgent(2, 1, 0, agentSeed(s), 'stimulus'), alternate)).toBeLessThan(0.5);
    expect(tuned(make, 'history')).toBeGreaterThan(0.93);
  });

  it('extinction: chance 0.5, the reward-bound rule near 0.70, Rescorla-Wagner on the food and the Bayesian tracker near 0.93, the oracle 1', () => {
    const make = COGMAP_TASKS.extinction;
    expect(Math.abs(chance(make) - 0.5)).toBeLessThan(0.03);
    expect(oracle(make)).toBe(1);
    const stimulus = tuned(make, 'stimulus');
    expect(stimulus).toBeGreaterThan(0.62);
    expect(stimulus).toBeLessThan(0.78);
    const history = tuned(make, 'history');
    expect(history).toBeGreaterThan(0.68);
    expect(history).toBeLessThan(0.82);
    const { cost, reinforcement } = EXTINCTION_DEFAULTS;
    const rw = tune([0.05, 0.1, 0.3, 0.5, 1], (alpha) => meanScore(make, () => rescorlaWagnerAgent(alpha, cost), training));
    const rwHeld = meanScore(make, () => rescorlaWagnerAgent(rw.best, cost), held);
    expect(rwHeld).toBeGreaterThan(0.89);
    expect(rwHeld).toBeLessThan(0.96);
    const bayes = tune([0.01, 0.02, 0.05, 0.1, 0.2], (hazard) => meanScore(make, () => extinctionBayesAgent(reinforcement, cost, hazard), training));
    const bayesHeld = meanScore(make, () => extinctionBayesAgent(reinforcement, cost, bayes.best), held);
    expect(bayesHeld).toBeGreaterThan(0.89);
    expect(bayesHeld).toBeLessThan(0.96);
  });

  it('devaluation: chance 0.5; the model-free rule exactly 0.5 on every episode (it keeps responding), the model-based agent and the oracle 1', () => {
    const make = COGMAP_TASKS.devaluation;
    expect(Math.abs(chance(make) - 0.5)).toBeLessThan(0.04);
    expect(oracle(make)).toBe(1);
    for (const seed of held) {
      expect(runAgent(make(seed), tabularDeltaAgent(2, 0.3, 0, seed, 'stimulus'))).toBe(0.5);
      expect(runAgent(make(seed), devaluationModelAgent())).toBe(1);
    }
    const stimulus = tuned(make, 'stimulus');
    expect(Math.abs(stimulus - 0.5)).toBeLessThan(0.05);
  });
});
