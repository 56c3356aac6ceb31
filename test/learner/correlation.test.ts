// The correlation task and the delayed cue (src/learner/correlation.ts): episodes drawn from seeds,
// the statistics the tasks promise (equal rates, shared timing), their scores against hand counts,
// and their chance levels: an agent that shows no outputs, a network that does not learn (the STDP
// seed with its plasticity off), a random agent and the oracle.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { oracleAgent, randomAgent, runAgent } from '../../src/learner/agents.ts';
import { CorrelationTask, CORRELATION_DEFAULTS, DelayedCue, DELAYED_CUE_DEFAULTS, STEP_KINDS } from '../../src/learner/correlation.ts';
import { runLearner } from '../../src/learner/run.ts';
import { stdpLearner } from '../../src/learner/seeds-spiking.ts';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const seeds = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Every step's channel values of an episode (acting 0 throughout). */
function values(env: CorrelationTask): Float32Array[] {
  const out: Float32Array[] = [];
  while (!env.done) {
    out.push(env.observe().channels.slice());
    env.act(0);
  }
  return out;
}

describe('the correlation task', () => {
  it('draws the same episode from the same seed, a drawn correlated group, and probes in the second half', () => {
    const a = new CorrelationTask(5);
    const b = new CorrelationTask(5);
    expect(values(a)).toEqual(values(b));
    expect(a.group).toEqual(b.group);
    expect(values(new CorrelationTask(6))).not.toEqual(values(new CorrelationTask(5)));
    expect(a.group.reduce((s, g) => s + g, 0)).toBe(CORRELATION_DEFAULTS.correlated);
    const groups = new Set(seeds(20, 1).map((s) => new CorrelationTask(s).group.join('')));
    expect(groups.size).toBeGreaterThan(5);
    // Probe pairs: blank, probe, blank, probe, all in the second half.
    const half = CORRELATION_DEFAULTS.steps / 2;
    expect(a.pairStarts.length).toBe(Math.ceil((half - 3) / CORRELATION_DEFAULTS.probeEvery));
    for (const p of a.pairStarts) {
      expect(p).toBeGreaterThanOrEqual(half);
      const kinds = Array.from(a.kinds.subarray(p, p + 4), (k) => STEP_KINDS[k]);
      expect(kinds[0]).toBe('blank');
      expect(kinds[2]).toBe('blank');
      expect([kinds[1], kinds[3]].sort()).toEqual(['probe-correlated', 'probe-uncorrelated']);
    }
  });

  it('fires every channel at the same rate, the correlated group with shared timing', () => {
    const spikes = new Float64Array(8);
    let steps = 0;
    let sharedC = 0;
    let sharedU = 0;
    let pairsC = 0;
    let pairsU = 0;
    for (const s of seeds(10, 1)) {
      const env = new CorrelationTask(s);
      const vs = values(new CorrelationTask(s));
      vs.forEach((v, t) => {
        if (STEP_KINDS[env.kinds[t] as number] !== 'input') return;
        steps++;
        for (let c = 0; c < 8; c++) if ((v[c] as number) > 0) spikes[c] = (spikes[c] as number) + 1;
        // Two channels of one group spiking at the same time.
        for (let i = 0; i < 8; i++) {
          for (let j = i + 1; j < 8; j++) {
            if (!((v[i] as number) > 0)) continue;
            const same = v[i] === v[j];
            if (env.group[i] === 1 && env.group[j] === 1) { pairsC++; if (same) sharedC++; }
            if (env.group[i] === 0 && env.group[j] === 0) { pairsU++; if (same) sharedU++; }
          }
        }
      });
    }
    // Each channel's rate is near the set rate (a channel's group and position differ by seed).
    for (const n of spikes) expect(Math.abs(n / steps - CORRELATION_DEFAULTS.rate)).toBeLessThan(0.02);
    // Given a spike, a partner in the correlated group spikes at the same time when both copied the
    // group's event (correlation^2 = 0.25 of the time); in the other group, never.
    expect(Math.abs(sharedC / pairsC - CORRELATION_DEFAULTS.correlation ** 2)).toBeLessThan(0.05);
    expect(sharedU / pairsU).toBe(0);
  });

  it('scores the probe pairs from the observed outputs: correlated higher 1, lower 0, ties one half', () => {
    const run = (answer: (kind: string) => number): number => {
      const env = new CorrelationTask(3);
      for (let t = 0; !env.done; t++) {
        env.act(0, Float32Array.of(answer(STEP_KINDS[env.kinds[t] as number] as string)));
      }
      return env.score();
    };
    expect(run((k) => (k === 'probe-correlated' ? 0.5 : 0))).toBe(1);
    expect(run((k) => (k === 'probe-uncorrelated' ? 0.5 : 0))).toBe(0);
    expect(run(() => 0.25)).toBe(0.5);
    // No outputs shown: every pair a tie.
    const silent = new CorrelationTask(3);
    expect(runAgent(silent, randomAgent(1, 3))).toBe(0.5);
    expect(silent.pairs().length).toBe(silent.pairStarts.length);
    expect(() => new CorrelationTask(1).act(1)).toThrow('one action');
    expect(() => new CorrelationTask(1, { ...CORRELATION_DEFAULTS, correlated: 8 })).toThrow('correlated must be');
  });

  it('a network that does not learn stays at chance (0.5)', async () => {
    const engine = await Engine.create();
    const frozen = stdpLearner({ aPlus: 0, aMinus: 0 });
    const scores = seeds(30, 1000).map((s) => {
      const episode = runLearner(engine, frozen, new CorrelationTask(s));
      expect(episode.steps).toBe(CORRELATION_DEFAULTS.steps);
      return episode.score;
    });
    expect(Math.abs(mean(scores) - 0.5)).toBeLessThan(0.05);
  });
});

describe('the delayed cue', () => {
  it('shows a cue, a drawn delay and a go step per trial, and pays the cue\'s action', () => {
    const env = new DelayedCue(4);
    expect(new DelayedCue(4).cues).toEqual(env.cues);
    let right = 0;
    for (let t = 0; t < env.trials; t++) {
      const d = env.delays[t] as number;
      expect(d).toBeGreaterThanOrEqual(DELAYED_CUE_DEFAULTS.minDelay);
      expect(d).toBeLessThanOrEqual(DELAYED_CUE_DEFAULTS.maxDelay);
      const cue = env.observe();
      expect(cue.trialStart).toBe(1);
      expect(cue.channels[env.cues[t] as number]).toBe(1);
      env.act(1);
      for (let i = 0; i < d; i++) {
        const blank = env.observe();
        expect([blank.choice, ...blank.channels]).toEqual([false, 0, 0, 0]);
        env.act(0);
      }
      const go = env.observe();
      expect(go.choice).toBe(true);
      expect(go.channels[2]).toBe(1);
      const a = t % 2;
      if (a === env.answer(t)) right++;
      env.act(a);
      if (!env.done) expect(env.observe().reward).toBe(a === env.answer(t) ? 1 : 0);
    }
    expect(env.done).toBe(true);
    expect(env.score()).toBe(right / env.trials);
    expect(right).toBeGreaterThan(20);
    expect(right).toBeLessThan(80);
  });

  it('has chance 0.5 and an oracle at 1', () => {
    const test = seeds(60, 1000);
    const chance = mean(test.map((s) => runAgent(new DelayedCue(s), randomAgent(2, s + 7))));
    const oracle = mean(test.map((s) => { const e = new DelayedCue(s); return runAgent(e, oracleAgent(e)); }));
    expect(Math.abs(chance - 0.5)).toBeLessThan(0.03);
    expect(oracle).toBe(1);
    expect(() => new DelayedCue(1, { trials: 5, minDelay: 3, maxDelay: 2 })).toThrow('delays must be');
  });
});
