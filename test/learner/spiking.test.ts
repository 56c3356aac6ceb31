// The spiking seed learners (src/learner/seeds-spiking.ts) run as genomes: tick by tick against
// plain float32 implementations of their equations (test/learner/reference/spiking.ts), the same
// spikes and actions at every tick and step and the same weights, traces and eligibilities bit for
// bit (read through the free output slots), over a few episodes at two parameter settings; then against
// chance on the tasks their papers claim, over 30 held-out episode seeds.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { randomAgent, runAgent } from '../../src/learner/agents.ts';
import { BANDIT_DEFAULTS, ReversalBandit } from '../../src/learner/bandit.ts';
import { CorrelationTask, CORRELATION_DEFAULTS } from '../../src/learner/correlation.ts';
import type { LearnerEnv } from '../../src/learner/env.ts';
import { checkLearnerRole } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import {
  RSTDP_DEFAULTS, rstdpLearner, SPIKING_SEEDS, STDP_DEFAULTS, stdpLearner, type RstdpParams, type StdpParams,
} from '../../src/learner/seeds-spiking.ts';
import { SwitchingTMaze, TMAZE_DEFAULTS } from '../../src/learner/tmaze.ts';
import { rstdpReference, runTicks, stdpReference, withProbes } from './reference/spiking.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const heldOut = Array.from({ length: 30 }, (_, i) => 1000 + i);
const short = { ...CORRELATION_DEFAULTS, steps: 240, probeEvery: 8 };

/** Asserts that probed outputs (slot `from` on) equal the reference's named values at every tick, every float32 bit. */
function expectProbes(engineTicks: number[][], referenceTicks: Record<string, number>[], names: readonly string[], from: number): void {
  expect(engineTicks.length).toBe(referenceTicks.length);
  referenceTicks.forEach((row, t) => {
    names.forEach((name, j) => {
      const want = row[name] as number;
      const got = (engineTicks[t] as number[])[from + j] as number;
      if (got !== want) expect(`${name} at tick ${t + 1}: ${got}`).toBe(`${name} at tick ${t + 1}: ${want}`);
    });
  });
}

describe('spiking seed learners', () => {
  it('have the learner role, IO coding and sizes well under the caps', () => {
    for (const [name, make] of Object.entries(SPIKING_SEEDS)) {
      const g = make();
      expect(() => checkLearnerRole(g), name).not.toThrow();
      expect(g.nodes.length, name).toBeLessThan(120);
      expect(g.coding?.ticks, name).toBeGreaterThan(1);
    }
    const stdp = stdpLearner();
    expect(stdp.coding?.encoders.slice(0, 8)).toEqual(new Array(8).fill('latency'));
    expect(stdp.coding?.decoders[0]).toBe('count');
    const post = stdp.nodes.find((n) => n.role === 'output' && n.slot === 0);
    expect(post?.policy.kind).toBe('integrate');
    expect(post?.emit).toBe('spike');
    expect(post?.refractory).toBe(STDP_DEFAULTS.refractory);
  });

  it('STDP matches its float32 equations tick by tick (spikes, weights, traces)', () => {
    const settings: Partial<StdpParams>[] = [{}, { aPlus: 0.03, aMinus: 0.05, decay: 0.8, refractory: 1, w0: 0.35 }];
    for (const params of settings) {
      const p = { ...STDP_DEFAULTS, ...params };
      for (const seed of [1, 2]) {
        const env = new CorrelationTask(seed, short);
        const probes = [`syn${env.group.indexOf(1)}.w`, `syn${env.group.indexOf(0)}.w`, `pre${seed}.trace`];
        const run = runTicks(engine, withProbes(stdpLearner(params), probes, 1), env);
        const plain = stdpReference(p, new CorrelationTask(seed, short));
        expect(run.ticks.map((r) => r[0])).toEqual(plain.ticks.map((r) => r.z));
        expectProbes(run.ticks, plain.ticks, [`w${env.group.indexOf(1)}`, `w${env.group.indexOf(0)}`, `x${seed}`], 1);
        expect(run.outputs.map((o) => o[0])).toEqual(plain.outputs.map((o) => o[0]));
        // It spikes and learns: the weights move apart.
        expect(plain.ticks.reduce((s, r) => s + (r.z as number), 0)).toBeGreaterThan(10);
        const last = plain.ticks[plain.ticks.length - 1] as Record<string, number>;
        expect(last[`w${env.group.indexOf(1)}`]).not.toBe(last[`w${env.group.indexOf(0)}`]);
      }
    }
  });

  it('the harness drives a genome as runLearner does', () => {
    const env = new SwitchingTMaze(3);
    const ours = runTicks(engine, rstdpLearner(), env);
    const theirs = runLearner(engine, rstdpLearner(), new SwitchingTMaze(3));
    expect(ours.actions).toEqual(theirs.actions);
    expect(ours.outputs.map((o) => o.slice(0, 2))).toEqual(theirs.preferences.map((p) => Array.from(p)));
  });

  it('R-STDP matches its float32 equations tick by tick (spikes, background noise, weights, eligibility traces)', () => {
    const settings: Partial<RstdpParams>[] = [{}, { eta: 0.2, eligibilityDecay: 0.7, noise: 0.05, inhibition: 2, refractory: 1 }];
    const envs: ((seed: number) => LearnerEnv)[] = [(s) => new ReversalBandit(s, { ...BANDIT_DEFAULTS, trials: 100 }), (s) => new SwitchingTMaze(s, { ...TMAZE_DEFAULTS, trials: 40 })];
    for (const params of settings) {
      const p = { ...RSTDP_DEFAULTS, ...params };
      envs.forEach((make, task) => {
        const ch = task === 0 ? 0 : 2; // the cue, the turning point
        for (const seed of [1, 2]) {
          const probes = [`syn${ch}.${seed - 1}.w`, `syn${ch}.${2 - seed}.elig`];
          const run = runTicks(engine, withProbes(rstdpLearner(params), probes, 2), make(seed));
          const plain = rstdpReference(p, make(seed));
          expect(run.actions).toEqual(plain.actions);
          expect(run.ticks.map((r) => [r[0], r[1]])).toEqual(plain.ticks.map((r) => [r.z0, r.z1]));
          expectProbes(run.ticks, plain.ticks, [`w${ch}.${seed - 1}`, `c${ch}.${2 - seed}`], 2);
          // It learns: the weight takes many values.
          expect(new Set(plain.ticks.map((r) => r[`w${ch}.${seed - 1}`])).size).toBeGreaterThan(10);
        }
      });
    }
  });

  it('STDP beats chance on the correlation task: the correlated group wins output0', () => {
    const genome = stdpLearner();
    const scores = heldOut.map((s) => runLearner(engine, genome, new CorrelationTask(s)).score);
    const chance = mean(heldOut.map((s) => runAgent(new CorrelationTask(s), randomAgent(1, s))));
    expect(chance).toBe(0.5);
    expect(mean(scores)).toBeGreaterThan(chance + 0.3);
  });

  it('R-STDP beats chance on the reversal bandit and the switching T-maze', () => {
    for (const [make, margin] of [[(s: number) => new ReversalBandit(s), 0.12], [(s: number) => new SwitchingTMaze(s), 0.2]] as const) {
      const learned = mean(heldOut.map((s) => runLearner(engine, rstdpLearner(), make(s)).score));
      const chance = mean(heldOut.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
      expect(learned).toBeGreaterThan(chance + margin);
    }
  });
});
