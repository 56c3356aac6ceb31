// A plain float32 implementation of the SARSA seed learner's equations (src/learner/seeds-sarsa.ts
// header), written from the equations without the engine or the genome format, for the
// step-by-step test (test/learner/sarsa.test.ts) and for tuning. Every product and two-term sum is
// rounded to float32 once, as the engine rounds it (docs/engine.md, Numbers); sums of more terms
// are left-to-right chains of two-term sums, as the seed builds them (chain, reference/hebbian.ts),
// so the order of the engine's port sums never matters.

import { argmax, type LearnerEnv } from '../../../src/learner/env.ts';
import { LEARNER_CHANNELS } from '../../../src/learner/role.ts';
import type { SarsaParams } from '../../../src/learner/seeds-sarsa.ts';
import { chain } from './hebbian.ts';

const f = Math.fround;

/** Linear SARSA(0) with two actions over [x_0 .. x_7, 1]. */
export class PlainSarsa {
  /** W[a][c]: the weights after the last step. */
  readonly w: number[][] = [0, 1].map(() => new Array<number>(LEARNER_CHANNELS + 1).fill(0));
  /** delta of the last step. */
  delta = 0;
  private t = 0;
  private lastQ = [0, 0];
  private lastChoice = [0, 0];
  private lastPhi = new Array<number>(LEARNER_CHANNELS + 1).fill(0);

  constructor(readonly p: SarsaParams) {}

  /** One step: observation channels x (the task's, zero-padded) and reward r; answers Q_0, Q_1 after the update. */
  step(x: readonly number[], r: number): number[] {
    this.t++;
    const phi = [...Array.from({ length: LEARNER_CHANNELS }, (_, c) => f(x[c] ?? 0)), 1];
    const q = (a: number): number => chain(phi.map((v, c) => [1, f((this.w[a]?.[c] as number) * v)] as const));
    const boot = Math.max(q(0), q(1));
    const last = Math.max(this.lastQ[0] as number, this.lastQ[1] as number);
    this.delta = chain([[1, f(r)], [this.p.gamma, boot], [-1, last]]);
    for (let a = 0; a < 2; a++) {
      const err = f((this.lastChoice[a] as number) * this.delta);
      const wa = this.w[a] as number[];
      for (let c = 0; c < phi.length; c++) {
        const u = f(err * (this.lastPhi[c] as number));
        wa[c] = f((wa[c] as number) + f(f(this.p.alpha) * u));
        if (this.t === 1 && c === LEARNER_CHANNELS) wa[c] = f((wa[c] as number) + f(this.p.init));
      }
    }
    const out = [q(0), q(1)];
    const c0 = (out[0] as number) >= (out[1] as number) ? 1 : 0;
    this.lastChoice = [c0, f(1 - c0)];
    this.lastQ = out;
    this.lastPhi = phi;
    return out;
  }
}

/** What a reference run records per step: the action, the outputs, delta and a chosen weight W[a][c]. */
export interface SarsaRun {
  actions: number[];
  outputs: number[][];
  deltas: number[];
  weights: number[];
  score: number;
}

/** Runs `env` with PlainSarsa as the runner runs a genome (argmax of the outputs, ties to 0). */
export function sarsaReference(p: SarsaParams, env: LearnerEnv, probe: readonly [number, number] = [0, LEARNER_CHANNELS]): SarsaRun {
  const learner = new PlainSarsa(p);
  const run: SarsaRun = { actions: [], outputs: [], deltas: [], weights: [], score: 0 };
  while (!env.done) {
    const o = env.observe();
    const out = learner.step(Array.from(o.channels), o.reward);
    const a = argmax(out);
    run.actions.push(a);
    run.outputs.push(out);
    run.deltas.push(learner.delta);
    run.weights.push(learner.w[probe[0]]?.[probe[1]] as number);
    env.act(a, Float32Array.from(out));
  }
  run.score = env.score();
  return run;
}
