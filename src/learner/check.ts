// The learning check of the learner role (issue 12; docs/learner.md, Only learners compete): a
// genome whose behaviour does not change within an episode in response to reward or error is not
// a learner. Two short probe episodes, each run twice from the same seed, once as it is and once
// with the feedback slots held at 0 (reward and errors): a reward probe (a reversal bandit of
// PROBE_TRIALS trials) and a supervised probe (random observations on every channel with random
// one-hot targets). If the decoded outputs are the same at every step of both pairs, the genome
// ignores its feedback: a non-learner. The outputs of the two probes with feedback also give the
// genome's functional fingerprint (as the optimizer role's check does: Gillard et al. 2023): two
// genomes with the same fingerprint behaved the same on the probes. The probes are short, so the
// fingerprint is a strong hint, not a proof, that two learners are the same function.

import type { Engine } from '../engine/engine.ts';
import { EngineError } from '../engine/errors.ts';
import { pack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { createRng } from '../util/rng.ts';
import { ReversalBandit } from './bandit.ts';
import type { LearnerEnv, Observation } from './env.ts';
import { LEARNER_CHANNELS } from './role.ts';
import { runLearner, type Episode } from './run.ts';

export const PROBE_TRIALS = 60;
const PROBE_SEED = 0x1ea2;

export type FeedbackCheck =
  | { verdict: 'learner' | 'non_learner'; fingerprint: string; steps: number }
  /** A probe did not finish (the engine refused the genome, a value was not finite, or the work limit stopped it). */
  | { verdict: 'undecided'; why: string; steps: number };

/** The supervised probe: random observations in [-1, 1] on every channel, a random one-hot target over two outputs. */
export class SupervisedProbe implements LearnerEnv {
  readonly name = 'probe';
  readonly kind = 'supervised' as const;
  readonly channels = LEARNER_CHANNELS;
  readonly actions = 2;
  private t = 0;
  private readonly x: Float32Array;
  private readonly y: Uint8Array;
  private readonly view = new Float32Array(LEARNER_CHANNELS);
  private readonly target = new Float32Array(2);

  constructor(seed: number, readonly trials = PROBE_TRIALS) {
    const rng = createRng(seed);
    this.x = Float32Array.from({ length: trials * LEARNER_CHANNELS }, () => rng.uniform(-1, 1));
    this.y = Uint8Array.from({ length: trials }, () => rng.int(2));
  }

  get done(): boolean {
    return this.t >= this.trials;
  }

  observe(): Observation {
    this.view.set(this.x.subarray(this.t * LEARNER_CHANNELS, (this.t + 1) * LEARNER_CHANNELS));
    this.target.fill(0);
    this.target[this.y[this.t] as number] = 1;
    return { channels: this.view, reward: 0, trialStart: 1, choice: true, targets: this.target, learning: 1 };
  }

  act(): boolean {
    this.t++;
    return !this.done;
  }

  score(): number {
    return 0;
  }

  oracle(): number {
    return this.y[Math.min(this.t, this.trials - 1)] as number;
  }
}

const probes = (): (() => LearnerEnv)[] => [
  () => new ReversalBandit(PROBE_SEED, { trials: PROBE_TRIALS, high: 0.8, low: 0.2, minBlock: 10, maxBlock: 20 }),
  () => new SupervisedProbe(PROBE_SEED),
];

/** FNV-1a over the float32 bits of every step's outputs. */
function hashOutputs(h: number, episode: Episode): number {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  for (const p of episode.preferences) {
    for (const v of p) {
      f[0] = v;
      for (let k = 0; k < 4; k++) {
        h ^= ((bits[0] as number) >>> (8 * k)) & 0xff;
        h = Math.imul(h, 0x01000193);
      }
    }
  }
  return h >>> 0;
}

const same = (a: Episode, b: Episode): boolean => a.preferences.length === b.preferences.length &&
  a.preferences.every((p, i) => p.every((v, k) => Object.is(v, b.preferences[i]?.[k])));

/** The check (see the header); `workLimit` bounds each probe episode's work (engine units); default none. */
export function checkFeedback(engine: Engine, genome: Genome, options: { workLimit?: number; packed?: Int32Array } = {}): FeedbackCheck {
  const packed = options.packed ?? pack(genome);
  let h = 0x811c9dc5;
  let responds = false;
  let steps = 0;
  for (const make of probes()) {
    const runs: Episode[] = [];
    for (const feedback of [true, false]) {
      let episode: Episode;
      try {
        episode = runLearner(engine, genome, make(), { seed: PROBE_SEED, feedback, packed, ...(options.workLimit === undefined ? {} : { workLimit: options.workLimit }) });
      } catch (error) {
        if (error instanceof EngineError) return { verdict: 'undecided', why: `the engine refused the genome: ${error.message}`, steps };
        throw error;
      }
      steps += episode.steps;
      if (episode.status !== 'ok') return { verdict: 'undecided', why: `a probe stopped: ${episode.status}`, steps };
      runs.push(episode);
    }
    const [withFeedback, without] = runs as [Episode, Episode];
    h = hashOutputs(h, withFeedback);
    if (!same(withFeedback, without)) responds = true;
  }
  return { verdict: responds ? 'learner' : 'non_learner', fingerprint: h.toString(16).padStart(8, '0'), steps };
}
