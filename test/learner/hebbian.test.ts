// The Hebbian seed learners (src/learner/seeds-hebbian.ts, seeds-neuromod.ts): each genome step by
// step against a plain float32 implementation of its equations (test/learner/reference/hebbian.ts)
// over a few episodes at two parameter settings (the same action at every step, the same outputs
// and internal values to float32 precision), and each above chance on the tasks its paper claims,
// over 30 held-out episode seeds (1000-1029).
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { keyOf } from '../../src/genome/builder.ts';
import type { Genome } from '../../src/genome/types.ts';
import type { Abcd } from '../../src/learner/hebbian-motifs.ts';
import { deltaAgent, randomAgent, runAgent } from '../../src/learner/agents.ts';
import { ReversalBandit } from '../../src/learner/bandit.ts';
import { argmax, type LearnerEnv } from '../../src/learner/env.ts';
import { PcaTask, projectionScore, SelectivityTask, unitVector } from '../../src/learner/features.ts';
import { checkLearnerRole, LEARNER_INPUTS, LEARNER_OUTPUTS, LEARNER_SLOT } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import { bcmLearner, bcmWeights, HEBBIAN_SEEDS, ojaLearner, ojaWeights } from '../../src/learner/seeds-hebbian.ts';
import {
  ABCD_DEFAULTS, abcdLearner, abcdWeights, NEUROMOD_DEFAULTS, neuromodulatedLearner, neuromodWeights, type AbcdParams, type NeuromodParams,
} from '../../src/learner/seeds-neuromod.ts';
import { SwitchingTMaze } from '../../src/learner/tmaze.ts';
import { createRng } from '../../src/util/rng.ts';
import { drive, PlainAbcd, PlainBcm, PlainNeuromod, PlainOja, type PlainLearner } from './reference/hebbian.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const range = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const HELD_OUT = range(30, 1000);

/** `genome` with the hidden nodes named `probes` wired into the output slots after the task's, so a run shows them. */
function withProbes(genome: Genome, first: number, probes: readonly string[]): Genome {
  let key = genome.edges.reduce((k, e) => Math.max(k, e.key), 0) + 1;
  const edges = probes.map((name, i) => {
    const source = keyOf(`node:${name}`);
    if (!genome.nodes.some((n) => n.key === source)) throw new Error(`no node ${name}`);
    return { key: key++, source, target: LEARNER_INPUTS.length + first + i, port: 0, weight: 1, delay: 0, enabled: true };
  });
  return { ...genome, edges: [...genome.edges, ...edges] };
}

/** Runs `genome` through `env` as runLearner does (argmax of the task's outputs), reading every output slot at every step. */
function probeRun(genome: Genome, env: LearnerEnv): { actions: number[]; outputs: Float32Array[] } {
  engine.load(genome, [{ rows: 1, cols: 1 }], { seed: 0 });
  const actions: number[] = [];
  const outputs: Float32Array[] = [];
  while (!env.done) {
    const o = env.observe();
    const slots = new Float32Array(LEARNER_INPUTS.length);
    slots.set(o.channels, LEARNER_SLOT.channel);
    slots[LEARNER_SLOT.reward] = o.reward;
    slots[LEARNER_SLOT.learning] = o.learning;
    slots[LEARNER_SLOT.trialStart] = o.trialStart;
    slots[LEARNER_SLOT.one] = 1;
    slots.forEach((v, slot) => { engine.input(slot)[0] = v; });
    expect(engine.run(1).status).toBe('ok');
    const all = Float32Array.from({ length: LEARNER_OUTPUTS }, (_, k) => engine.output(k)[0] as number);
    const task = all.slice(0, env.actions);
    const a = argmax(task);
    actions.push(a);
    outputs.push(all);
    env.act(a, task);
  }
  return { actions, outputs };
}

/** Float32 precision: at most about two units in the last place. */
function expectF32(actual: number, expected: number, what: string): void {
  if (Math.abs(actual - expected) > 2 ** -22 * Math.max(1, Math.abs(expected))) expect.fail(`${what}: ${actual} != ${expected}`);
}

/**
 * The genome and the plain learner through the same episode: the same actions, the task's outputs
 * and the probed internal values equal to float32 precision at every step. Answers the probed
 * values per step, so a test can see that they move.
 */
function matchStepByStep(genome: Genome, plain: PlainLearner, make: () => LearnerEnv, probes: readonly string[]): number[][] {
  const env = make();
  const run = probeRun(withProbes(genome, env.actions, probes), env);
  const ref = drive(make(), plain, probes);
  expect(run.actions).toEqual(ref.actions);
  run.outputs.forEach((out, t) => {
    ref.outputs[t]?.forEach((v, k) => expectF32(out[k] as number, v, `step ${t} output ${k}`));
    ref.probes[t]?.forEach((v, i) => expectF32(out[env.actions + i] as number, v, `step ${t} ${probes[i]}`));
  });
  // The runner of the role gives the same episode.
  expect(runLearner(engine, genome, make()).actions).toEqual(run.actions);
  return ref.probes;
}

/** How many distinct values a probe took. */
const distinct = (values: number[][], i: number): number => new Set(values.map((v) => v[i])).size;

const short = { pca: { steps: 200, width: 8, major: 1, minor: 0.5 }, selectivity: { steps: 200, width: 8, prototypes: 4, noise: 0.05 } };

describe('the Hebbian seed learners', () => {
  it('have the learner role', () => {
    for (const make of Object.values(HEBBIAN_SEEDS)) expect(() => checkLearnerRole(make())).not.toThrow();
    expect(Object.keys(HEBBIAN_SEEDS)).toEqual(['oja', 'bcm', 'abcd', 'neuromodulated']);
  });

  it("Oja's rule matches its float32 equations step by step", () => {
    for (const [eta, init] of [[0.02, 1], [0.1, 2]] as const) {
      for (const seed of [1, 2, 3]) {
        const probes = matchStepByStep(ojaLearner(eta, init), new PlainOja(eta, ojaWeights(init)), () => new PcaTask(seed, short.pca), ['oja.0.w', 'oja.4.w', 'oja.7.w']);
        expect(distinct(probes, 0)).toBeGreaterThan(100);
      }
    }
  });

  it('BCM matches its float32 equations step by step', () => {
    for (const [eta, tau, init] of [[0.05, 10, 1], [0.02, 4, 2]] as const) {
      for (const seed of [1, 2, 3]) {
        const probes = matchStepByStep(bcmLearner(eta, tau, init), new PlainBcm(eta, tau, bcmWeights(init)), () => new SelectivityTask(seed, short.selectivity), ['bcm.theta', 'bcm.0.w', 'bcm.5.w']);
        expect(distinct(probes, 0)).toBeGreaterThan(100);
        expect(distinct(probes, 2)).toBeGreaterThan(100);
      }
    }
  });

  const abcdSettings: AbcdParams[] = [
    ABCD_DEFAULTS,
    { eta: 0.3, bound: 0.8, rule: (j, a) => ({ A: 0.8 + 0.1 * j, B: -0.4, C: 0.1 * (a + 1), D: -0.02 }), gate: [-0.4, 0.1, 0, -0.5], init: 2 },
  ];

  it('the reward-gated ABCD network matches its float32 equations step by step', () => {
    for (const p of abcdSettings) {
      const plain = (): PlainAbcd => new PlainAbcd({ ...p, rule: typeof p.rule === 'function' ? p.rule : (): Abcd => p.rule as Abcd, w0: abcdWeights(p.init) });
      for (const seed of [1, 2]) {
        const bandit = matchStepByStep(abcdLearner(p), plain(), () => new ReversalBandit(seed), ['abcd.m', 'abcd.1.0.w']);
        expect(distinct(bandit, 1)).toBeGreaterThan(3);
        const maze = matchStepByStep(abcdLearner(p), plain(), () => new SwitchingTMaze(seed), ['abcd.0.2.w', 'abcd.1.2.w']);
        expect(distinct(maze, 0)).toBeGreaterThan(5);
      }
    }
  });

  const neuromodSettings: NeuromodParams[] = [
    NEUROMOD_DEFAULTS,
    { eta: 1.5, bound: 2, rule: { A: 1, B: 0.2, C: -0.1, D: 0.05 }, modIn: [0.1, 0, 0.2, -2, 4], modOut: 3, init: 2 },
  ];

  it('the neuromodulated network matches its float32 equations step by step', () => {
    for (const p of neuromodSettings) {
      for (const seed of [1, 2, 3]) {
        const probes = matchStepByStep(neuromodulatedLearner(p), new PlainNeuromod({ ...p, w0: neuromodWeights(p.init) }), () => new SwitchingTMaze(seed), ['nm.gate', 'nm.2.w']);
        expect(distinct(probes, 0)).toBeGreaterThan(2);
        expect(distinct(probes, 1)).toBeGreaterThan(5);
      }
    }
  });

  it("Oja's rule tracks the first principal component, far above a fixed random projection", () => {
    const oja = mean(HELD_OUT.map((s) => runLearner(engine, ojaLearner(), new PcaTask(s)).score));
    const frozen = mean(HELD_OUT.map((s) => runLearner(engine, ojaLearner(0), new PcaTask(s)).score));
    const chance = mean(HELD_OUT.map((s) => projectionScore(new PcaTask(s), unitVector(createRng(s + 7), 8))));
    expect(oja).toBeGreaterThan(0.95);
    expect(oja).toBeGreaterThan(Math.max(chance, frozen) + 0.4);
  });

  it('BCM becomes selective, far above the non-plastic network', () => {
    const bcm = mean(HELD_OUT.map((s) => runLearner(engine, bcmLearner(), new SelectivityTask(s)).score));
    const frozen = mean(HELD_OUT.map((s) => runLearner(engine, bcmLearner(0), new SelectivityTask(s)).score));
    expect(bcm).toBeGreaterThan(frozen + 0.25);
    expect(bcm).toBeLessThanOrEqual(0.75); // 1 - 1/K, the index's ceiling
  });

  it('the reward-gated ABCD network learns the bandit and the T-maze from random weights; frozen it stays at chance', () => {
    for (const make of [(s: number): LearnerEnv => new ReversalBandit(s), (s: number): LearnerEnv => new SwitchingTMaze(s)]) {
      const abcd = mean(HELD_OUT.map((s) => runLearner(engine, abcdLearner(), make(s)).score));
      const frozen = mean(HELD_OUT.map((s) => runLearner(engine, abcdLearner({ eta: 0 }), make(s)).score));
      const chance = mean(HELD_OUT.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
      expect(abcd).toBeGreaterThan(chance + 0.25);
      expect(Math.abs(frozen - chance)).toBeLessThan(0.05);
    }
  });

  it('the neuromodulated network solves the T-maze with reward switches, at the tuned delta rule\'s level or above', () => {
    const make = (s: number): SwitchingTMaze => new SwitchingTMaze(s);
    const nm = mean(HELD_OUT.map((s) => runLearner(engine, neuromodulatedLearner(), make(s)).score));
    const chance = mean(HELD_OUT.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
    const delta = mean(HELD_OUT.map((s) => runAgent(make(s), deltaAgent(2, 0.05, 0, s))));
    expect(nm).toBeGreaterThan(chance + 0.4);
    expect(nm).toBeGreaterThanOrEqual(delta - 0.01);
  });
});
