// The SARSA seed learner (src/learner/seeds-sarsa.ts) run as a genome: step by step against the
// plain float32 implementation of its equations (test/learner/reference/sarsa.ts), the same action
// at every step and the same values, delta and one weight, bit for bit (delta and the weight read
// through the free output slots), over two bandit episodes and one T-maze episode at two parameter
// settings; and against chance on the reversal bandit and the switching T-maze over 30 held-out
// episode seeds.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { randomAgent, runAgent } from '../../src/learner/agents.ts';
import { ReversalBandit } from '../../src/learner/bandit.ts';
import type { LearnerEnv } from '../../src/learner/env.ts';
import { keyOf } from '../../src/genome/builder.ts';
import { checkLearnerRole } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import { SARSA_DEFAULTS, sarsaLearner, type SarsaParams } from '../../src/learner/seeds-sarsa.ts';
import { SwitchingTMaze } from '../../src/learner/tmaze.ts';
import { sarsaReference } from './reference/sarsa.ts';
import { runTicks, withProbes } from './reference/spiking.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the SARSA seed learner', () => {
  it('has the learner role, one tick per step and a size well under its caps', () => {
    const g = sarsaLearner();
    expect(() => checkLearnerRole(g)).not.toThrow();
    expect(g.coding).toBeUndefined();
    expect(g.nodes.length).toBeLessThan(g.caps.nodes);
    expect(g.edges.length).toBeLessThan(g.caps.edges);
    // Its state lives on delay-1 edges only; with gamma 0 nothing reads the bootstrap value.
    expect(g.edges.every((e) => e.delay <= 1)).toBe(true);
    const boot = keyOf('node:sarsa.boot');
    expect(g.edges.some((e) => e.source === boot)).toBe(true);
    expect(sarsaLearner({ gamma: 0 }).edges.some((e) => e.source === boot)).toBe(false);
    expect(() => sarsaLearner({ alpha: Number.NaN })).toThrow(RangeError);
  });

  it('matches its float32 equations step by step', () => {
    const settings: SarsaParams[] = [SARSA_DEFAULTS, { alpha: 0.1, gamma: 0.3, init: 2 }];
    const episodes: [string, () => LearnerEnv][] = [
      ['bandit 1', () => new ReversalBandit(1)], ['bandit 2', () => new ReversalBandit(2)], ['tmaze 1', () => new SwitchingTMaze(1)],
    ];
    for (const p of settings) {
      for (const [episode, make] of episodes) {
        const name = `${episode}, ${JSON.stringify(p)}`;
        // Probe delta and the bias weight of action 1 (W_18) through output slots 2 and 3.
        const run = runTicks(engine, withProbes(sarsaLearner(p), ['sarsa.delta', 'sarsa1.8.w'], 2), make());
        const plain = sarsaReference(p, make(), [1, 8]);
        expect(run.actions, name).toEqual(plain.actions);
        plain.outputs.forEach((q, t) => {
          const want = [q[0], q[1], plain.deltas[t], plain.weights[t]] as number[];
          want.forEach((w, k) => {
            const got = run.outputs[t]?.[k];
            if (got !== w) expect(`${name} step ${t} slot ${k}: ${got}`).toBe(`${name} step ${t} slot ${k}: ${w}`);
          });
        });
        // It learns: the values and the probed weight move, and both actions are taken.
        expect(new Set(plain.outputs.map((q) => q[0])).size, name).toBeGreaterThan(10);
        expect(new Set(plain.weights).size, name).toBeGreaterThan(10);
        expect(new Set(plain.actions).size, name).toBe(2);
      }
    }
  });

  it('beats chance on the reversal bandit and the switching T-maze (30 held-out seeds)', () => {
    const heldOut = Array.from({ length: 30 }, (_, i) => 1000 + i);
    const g = sarsaLearner();
    const tasks = [['bandit', (s: number) => new ReversalBandit(s), 0.18], ['tmaze', (s: number) => new SwitchingTMaze(s), 0.4]] as const;
    for (const [name, make, margin] of tasks) {
      const chance = mean(heldOut.map((s) => runAgent(make(s), randomAgent(2, s + 7))));
      const learned = mean(heldOut.map((s) => runLearner(engine, g, make(s)).score));
      expect(learned, name).toBeGreaterThan(chance + margin);
    }
  });
});
