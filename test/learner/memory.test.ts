// The memory seed learners (src/learner/seeds-memory.ts) run as genomes: step by step against plain
// float32 implementations of their equations (test/learner/reference/memory.ts), the same action
// at every step and the same values and memory states, bit for bit (states read through
// the free output slots), over a few episodes at two parameter settings; their fixed weights (the
// echo-state scaling, the cells' ranges); and against chance on the reversal bandit and the
// switching T-maze over 30 held-out episode seeds.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { randomAgent, runAgent } from '../../src/learner/agents.ts';
import { BANDIT_DEFAULTS, ReversalBandit } from '../../src/learner/bandit.ts';
import type { LearnerEnv } from '../../src/learner/env.ts';
import { checkLearnerRole } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import {
  BRC_DEFAULTS, brcLearner, brcWeights, MEMORY_SEEDS, RESERVOIR_DEFAULTS, reservoirLearner, reservoirWeights, spectralRadius,
  type BrcParams, type ReservoirParams,
} from '../../src/learner/seeds-memory.ts';
import { SwitchingTMaze, TMAZE_DEFAULTS } from '../../src/learner/tmaze.ts';
import { brcReference, reservoirReference, type MemoryRun } from './reference/memory.ts';
import { runTicks, withProbes } from './reference/spiking.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const heldOut = Array.from({ length: 30 }, (_, i) => 1000 + i);
const envs: ((seed: number) => LearnerEnv)[] = [
  (s) => new ReversalBandit(s, { ...BANDIT_DEFAULTS, trials: 120 }),
  (s) => new SwitchingTMaze(s, { ...TMAZE_DEFAULTS, trials: 60 }),
];

/** Asserts that the engine's run and the reference agree: actions, values and two probed units, every float32 bit. */
function expectSame(run: { actions: number[]; outputs: number[][] }, plain: MemoryRun, units: [number, number]): void {
  expect(run.actions).toEqual(plain.actions);
  plain.outputs.forEach((q, t) => {
    const got = run.outputs[t] as number[];
    const want = [q[0], q[1], plain.states[t]?.[units[0]], plain.states[t]?.[units[1]]] as number[];
    want.forEach((w, k) => {
      if (got[k] !== w) expect(`step ${t} slot ${k}: ${got[k]}`).toBe(`step ${t} slot ${k}: ${w}`);
    });
  });
}

describe('memory seed learners', () => {
  it('have the learner role, one tick per step and sizes well under the caps', () => {
    for (const [name, make] of Object.entries(MEMORY_SEEDS)) {
      const g = make();
      expect(() => checkLearnerRole(g), name).not.toThrow();
      expect(g.nodes.length, name).toBeLessThan(200);
      expect(g.coding, name).toBeUndefined();
    }
    // The memory is drawn from the seed given to the builder.
    expect(reservoirLearner(2).edges.map((e) => e.weight)).not.toEqual(reservoirLearner(1).edges.map((e) => e.weight));
    expect(brcLearner(3).edges).toEqual(brcLearner(3).edges);
  });

  it('the reservoir is scaled to its spectral radius; the cells rest bistable and holding', () => {
    // Power iteration on known matrices: a rotation scaled by 0.5 (complex eigenvalues) and a triangular one.
    expect(spectralRadius([[0, -0.5], [0.5, 0]])).toBeCloseTo(0.5, 6);
    expect(spectralRadius([[0.3, 1], [0, -0.7]])).toBeCloseTo(0.7, 2);
    for (const seed of [1, 2, 3]) {
      const w = reservoirWeights(seed, RESERVOIR_DEFAULTS);
      expect(spectralRadius(w.recurrent)).toBeCloseTo(RESERVOIR_DEFAULTS.radius, 2);
      for (const row of w.recurrent) expect(row.filter((x) => x !== 0).length).toBe(RESERVOIR_DEFAULTS.inDegree);
      const b = brcWeights(seed, BRC_DEFAULTS);
      for (let i = 0; i < BRC_DEFAULTS.cells; i++) {
        // The constant input's weights: Ua's bias keeps a = 1 + tanh(.) above 1 at rest, Uc's keeps c above 1/2.
        expect(b.ua[i]?.at(-1)).toBeGreaterThanOrEqual(0);
        expect(b.uc[i]?.at(-1)).toBeGreaterThanOrEqual(BRC_DEFAULTS.cBias / 2);
        for (const x of (b.uc[i] as number[]).slice(0, -1)) expect(x).toBeLessThanOrEqual(0);
      }
    }
  });

  it('the reservoir matches its float32 equations step by step', () => {
    const settings: [number, Partial<ReservoirParams>][] = [[1, {}], [2, { alpha: 0.1, radius: 0.5, direct: 2, directGain: 2 }]];
    for (const [memorySeed, params] of settings) {
      const p = { ...RESERVOIR_DEFAULTS, ...params };
      envs.forEach((make) => {
        for (const seed of [1, 2]) {
          const run = runTicks(engine, withProbes(reservoirLearner(memorySeed, params), [`res${seed}`, `res${seed + 5}`], 2), make(seed));
          expectSame(run, reservoirReference(memorySeed, p, make(seed)), [seed, seed + 5]);
        }
      });
    }
  });

  it('the bistable recurrent cells match their float32 equations step by step', () => {
    const settings: [number, Partial<BrcParams>][] = [[1, {}], [4, { alpha: 0.05, cells: 5, direct: 0, gateScale: 2 }]];
    for (const [memorySeed, params] of settings) {
      const p = { ...BRC_DEFAULTS, ...params };
      envs.forEach((make) => {
        for (const seed of [1, 2]) {
          const run = runTicks(engine, withProbes(brcLearner(memorySeed, params), [`brc${seed}.h`, `brc${seed + 2}.h`], 2), make(seed));
          const plain = brcReference(memorySeed, p, make(seed));
          expectSame(run, plain, [seed, seed + 2]);
          // It learns: the values move.
          expect(new Set(plain.outputs.map((q) => q[0])).size).toBeGreaterThan(10);
        }
      });
    }
  });

  it('both beat chance on the reversal bandit and the switching T-maze', () => {
    const tasks = [[(s: number) => new ReversalBandit(s), 0.15], [(s: number) => new SwitchingTMaze(s), 0.3]] as const;
    for (const [make, margin] of tasks) {
      const chance = mean(heldOut.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
      for (const [name, genome] of Object.entries(MEMORY_SEEDS)) {
        const g = genome();
        const learned = mean(heldOut.map((s) => runLearner(engine, g, make(s)).score));
        expect(learned, name).toBeGreaterThan(chance + margin);
      }
    }
  });
});
