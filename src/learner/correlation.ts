// Two tasks for the claims of the seed learners of issue 12, item 3: input correlation (the STDP
// seed, src/learner/seeds-spiking.ts) and a delayed cue (memory, src/learner/seeds-memory.ts; at the
// end of this file).
//
// Input correlation detection, an unsupervised task for the learner role (the claim of
// spike-timing-dependent plasticity in S. Song, K. D. Miller & L. F. Abbott 2000, "Competitive
// Hebbian learning through spike-timing-dependent synaptic plasticity", Nat. Neurosci. 3: of a
// neuron's inputs firing at the same rate, the group that fires with shared timing wins its
// synapses and the independent ones lose theirs).
//
// Each step is a short window of time. A channel's value at a step is the timing of its one spike
// in that window as a latency (1 at the window's start, towards 0 at its end; the learner's
// `latency` encoder turns it into a spike at that tick, docs/learner.md, IO coding), or 0 for no
// spike. A group of `correlated` channels, drawn from the seed, shares its timing: a common event
// fires with probability `rate` at a drawn time, and each channel of the group copies it with
// probability `correlation` (else it fires on its own, with the same rate); the other channels
// fire independently, each with probability `rate` at its own drawn time. Every channel fires at
// the same rate, so only the timing tells the groups apart. Nothing is rewarded and nothing is
// shown as a target (kind 'unsupervised', learning 1, actions ignored).
//
// Score: in the episode's second half, probe pairs test which group drives output0: a blank step,
// then one group's first k channels (k the smaller group's size) all spiking at the window's start,
// a blank step, then the other group's, in an order drawn from the seed. The score is the share of
// pairs in which output0 (the step's decoded output, e.g. a spike count) is higher for the
// correlated group, ties counting one half. Since the actions carry nothing, the outputs reach the
// task with them (`act(a, outputs)`, env.ts). Chance: 0.5 for an agent that shows no outputs
// (every pair a tie), and 0.5 for a network that does not learn (equal weights answer both groups
// alike: the STDP seed with its plasticity off scores 0.500 on every one of seeds 1000-1199;
// test/learner/correlation.test.ts measures it). Upper bound: 1, a network whose output answers
// the correlated group and not the other (the oracle's actions carry nothing here).

import { createRng } from '../util/rng.ts';
import { permutation, type LearnerEnv, type Observation } from './env.ts';
import { LEARNER_CHANNELS } from './role.ts';

export interface CorrelationSettings {
  /** Steps in the episode (at least 8); the probes are in the second half. */
  steps: number;
  /** Channels (2 .. LEARNER_CHANNELS). */
  channels: number;
  /** Channels in the correlated group (1 .. channels - 1). */
  correlated: number;
  /** The probability that a channel spikes in a step, in (0, 1]. */
  rate: number;
  /** The probability that a correlated channel copies the group's event, in [0, 1]. */
  correlation: number;
  /** Steps from one probe pair's start to the next (at least 4). */
  probeEvery: number;
}

export const CORRELATION_DEFAULTS: CorrelationSettings = { steps: 600, channels: 8, correlated: 4, rate: 0.25, correlation: 0.5, probeEvery: 16 };

/** What a step shows. */
export const STEP_KINDS = ['input', 'blank', 'probe-correlated', 'probe-uncorrelated'] as const;
const INPUT = 0;
const BLANK = 1;
const PROBE_C = 2;
const PROBE_U = 3;

export class CorrelationTask implements LearnerEnv {
  readonly name = 'correlation';
  readonly kind = 'unsupervised';
  readonly channels: number;
  readonly actions = 1;
  /** One step per trial. */
  readonly trials: number;
  /** Per channel, 1 if it is in the correlated group. */
  readonly group: Uint8Array;
  /** Per step, its kind (an index into STEP_KINDS). */
  readonly kinds: Uint8Array;
  /** Per step, output0 as the learner showed it (NaN if not shown). */
  readonly responses: Float32Array;
  /** The first step (a blank) of each probe pair. */
  readonly pairStarts: number[] = [];
  private readonly values: Float32Array;
  private step = 0;

  constructor(seed: number, readonly settings: CorrelationSettings = CORRELATION_DEFAULTS) {
    const { steps, channels, correlated, rate, correlation, probeEvery } = settings;
    if (!(Number.isInteger(steps) && steps >= 8)) throw new RangeError(`steps must be an integer of at least 8 (got ${steps})`);
    if (!(Number.isInteger(channels) && channels >= 2 && channels <= LEARNER_CHANNELS)) throw new RangeError(`channels must be an integer in [2, ${LEARNER_CHANNELS}] (got ${channels})`);
    if (!(Number.isInteger(correlated) && correlated >= 1 && correlated < channels)) throw new RangeError(`correlated must be an integer in [1, ${channels - 1}] (got ${correlated})`);
    if (!(rate > 0 && rate <= 1)) throw new RangeError(`rate must be in (0, 1] (got ${rate})`);
    if (!(correlation >= 0 && correlation <= 1)) throw new RangeError(`correlation must be in [0, 1] (got ${correlation})`);
    if (!(Number.isInteger(probeEvery) && probeEvery >= 4)) throw new RangeError(`probeEvery must be an integer of at least 4 (got ${probeEvery})`);
    this.channels = channels;
    this.trials = steps;
    const rng = createRng(seed);
    const order = permutation(rng, channels);
    this.group = new Uint8Array(channels);
    for (let i = 0; i < correlated; i++) this.group[order[i] as number] = 1;
    const members = (g: number): number[] => Array.from(order).filter((c) => this.group[c] === g).sort((a, b) => a - b);
    const k = Math.min(correlated, channels - correlated);
    const probeSets = [members(1).slice(0, k), members(0).slice(0, k)];
    this.kinds = new Uint8Array(steps);
    this.values = new Float32Array(steps * channels);
    this.responses = new Float32Array(steps).fill(Number.NaN);
    // A spike's value: its latency in (0, 1], 1 at the window's start.
    const time = (): number => 1 - rng.next();
    const half = Math.floor(steps / 2);
    for (let s = 0; s < steps; s++) {
      const at = s * channels;
      if (s >= half && (s - half) % probeEvery === 0 && s + 3 < steps) {
        this.pairStarts.push(s);
        const first = rng.int(2);
        const kinds = first === 0 ? [BLANK, PROBE_C, BLANK, PROBE_U] : [BLANK, PROBE_U, BLANK, PROBE_C];
        for (let j = 0; j < 4; j++) {
          const kind = kinds[j] as number;
          this.kinds[s + j] = kind;
          if (kind === PROBE_C || kind === PROBE_U) {
            for (const c of probeSets[kind === PROBE_C ? 0 : 1] as number[]) this.values[(s + j) * channels + c] = 1;
          }
        }
        s += 3;
        continue;
      }
      this.kinds[s] = INPUT;
      const shared = rng.next() < rate ? time() : 0;
      for (let c = 0; c < channels; c++) {
        const copies = this.group[c] === 1 && rng.next() < correlation;
        this.values[at + c] = copies ? shared : rng.next() < rate ? time() : 0;
      }
    }
  }

  get done(): boolean {
    return this.step >= this.trials;
  }

  observe(): Observation {
    const s = Math.min(this.step, this.trials - 1);
    return {
      channels: this.values.subarray(s * this.channels, (s + 1) * this.channels),
      reward: 0, trialStart: 1, choice: false, targets: null, learning: 1,
    };
  }

  /** Moves on; `outputs` (the learner's decoded outputs at this step, env.ts) are recorded: output0 is what is scored. */
  act(a: number, outputs?: Float32Array): boolean {
    if (this.done) return false;
    if (a !== 0) throw new RangeError(`the correlation task has one action, 0 (got ${a})`);
    this.responses[this.step] = outputs?.[0] ?? Number.NaN;
    this.step++;
    return !this.done;
  }

  /** Probe pairs whose steps are over: [output0 at the correlated probe, at the uncorrelated one] (NaN if not observed). */
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    for (const p of this.pairStarts) {
      if (p + 4 > this.step) break;
      const at = (kind: number): number => this.responses[this.kinds[p + 1] === kind ? p + 1 : p + 3] as number;
      out.push([at(PROBE_C), at(PROBE_U)]);
    }
    return out;
  }

  /** The share of probe pairs so far with a higher output0 for the correlated group (ties one half); 0.5 if none. */
  score(): number {
    let wins = 0;
    let count = 0;
    for (const [c, u] of this.pairs()) {
      count++;
      wins += Number.isNaN(c) || Number.isNaN(u) || c === u ? 0.5 : c > u ? 1 : 0;
    }
    return count === 0 ? 0.5 : wins / count;
  }

  oracle(): number {
    return 0;
  }
}

/** The correlation task drawn from `seed`. */
export function correlationTask(seed: number, settings: CorrelationSettings = CORRELATION_DEFAULTS): CorrelationTask {
  return new CorrelationTask(seed, settings);
}

// A delayed cue, a reward task for memory (the memory seeds' claim, src/learner/seeds-memory.ts;
// the delayed-response setting of J. M. Fuster & G. E. Alexander 1971, "Neuron activity related to
// short-term memory", Science 173, learned from reward as in Vecoven, Ernst & Drion 2021's
// benchmarks of long-lasting memory). A trial shows a cue (channel A or B) at its first step, then
// a delay of blank steps whose length is drawn per trial from [minDelay, maxDelay], then a go step
// (channel go) where the learner answers with one of two actions (the only choice). Which action
// each cue asks for is drawn once per episode from the seed and never shown: the answer earns 1 if
// it is the cue's action, else 0, shown at the next step (the next trial's cue step), so the
// learner must hold the cue over the delay and learn the mapping from rewards. Success measure:
// the share of right answers. Chance: 0.5. Upper bound: 1 (the oracle); a learner without memory
// sees the same go step whatever the cue and stays at 0.5.

export interface DelayedCueSettings {
  /** Trials in an episode (at least 1). */
  trials: number;
  /** The delay's bounds in blank steps (integers, 0 <= minDelay <= maxDelay). */
  minDelay: number;
  maxDelay: number;
}

export const DELAYED_CUE_DEFAULTS: DelayedCueSettings = { trials: 100, minDelay: 10, maxDelay: 30 };

/** The delayed-cue channels: cue A, cue B, go. */
export const DELAYED_CUE_CHANNELS = ['A', 'B', 'go'] as const;

export class DelayedCue implements LearnerEnv {
  readonly name = 'delayed-cue';
  readonly kind = 'reward';
  readonly channels = DELAYED_CUE_CHANNELS.length;
  readonly actions = 2;
  readonly trials: number;
  /** Per trial, the cue (0 A, 1 B) and the delay. */
  readonly cues: Uint8Array;
  readonly delays: Int32Array;
  /** The action cue A asks for (cue B asks for the other). */
  readonly actionOfA: number;
  private readonly views = [Float32Array.of(1, 0, 0), Float32Array.of(0, 1, 0), Float32Array.of(0, 0, 1), new Float32Array(3)];
  private trial = 0;
  private step = 0;
  private lastReward = 0;
  private right = 0;

  constructor(seed: number, readonly settings: DelayedCueSettings = DELAYED_CUE_DEFAULTS) {
    const { trials, minDelay, maxDelay } = settings;
    if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError(`trials must be an integer of at least 1 (got ${trials})`);
    if (!(Number.isInteger(minDelay) && Number.isInteger(maxDelay) && minDelay >= 0 && maxDelay >= minDelay)) {
      throw new RangeError(`delays must be integers with 0 <= minDelay <= maxDelay (got ${minDelay}, ${maxDelay})`);
    }
    this.trials = trials;
    const rng = createRng(seed);
    this.actionOfA = rng.int(2);
    this.cues = new Uint8Array(trials);
    this.delays = new Int32Array(trials);
    for (let t = 0; t < trials; t++) {
      this.cues[t] = rng.int(2);
      this.delays[t] = minDelay + rng.int(maxDelay - minDelay + 1);
    }
  }

  get done(): boolean {
    return this.trial >= this.trials;
  }

  /** The action trial t's cue asks for. */
  answer(t: number): number {
    return this.cues[t] === 0 ? this.actionOfA : 1 - this.actionOfA;
  }

  private get going(): boolean {
    return this.step === (this.delays[Math.min(this.trial, this.trials - 1)] as number) + 1;
  }

  observe(): Observation {
    const t = Math.min(this.trial, this.trials - 1);
    const view = this.step === 0 ? this.views[this.cues[t] as number] : this.going ? this.views[2] : this.views[3];
    return {
      channels: view as Float32Array, reward: this.step === 0 ? this.lastReward : 0, trialStart: this.step === 0 ? 1 : 0,
      choice: this.going, targets: null, learning: 1,
    };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(a === 0 || a === 1)) throw new RangeError(`a delayed-cue action must be 0 or 1 (got ${a})`);
    if (this.going) {
      const right = a === this.answer(this.trial);
      if (right) this.right++;
      this.lastReward = right ? 1 : 0;
      this.trial++;
      this.step = 0;
    } else this.step++;
    return !this.done;
  }

  /** The share of right answers so far. */
  score(): number {
    return this.trial === 0 ? 0 : this.right / this.trial;
  }

  oracle(): number {
    return this.going ? this.answer(this.trial) : 0;
  }
}
