// Spiking seed learners (issue 12, item 3; docs/learner.md), written as learner genomes with
// LearnerBuilder: leaky integrate-and-fire neurons (the engine's `integrate` policy, emit 'spike',
// a refractory count) whose synaptic weights are graph state (a value on a delay-1 edge), changed
// by spike-timing-dependent plasticity computed from pre- and postsynaptic traces.
//
//   stdp   pair-based STDP (S. Song, K. D. Miller & L. F. Abbott 2000, "Competitive Hebbian
//          learning through spike-timing-dependent synaptic plasticity", Nat. Neurosci. 3; in the
//          trace form of A. Morrison, M. Diesmann & W. Gerstner 2008, "Phenomenological models of
//          synaptic plasticity based on spike timing", Biol. Cybern. 98). One LIF neuron, output0,
//          listens to every observation channel (latency-coded: a channel's value is the time of its
//          spike within the step); per tick t, with s_i the presynaptic spikes, z the postsynaptic
//          one, x_i and y their traces:
//            v_t  = lambda v_{t-1} + sum_i w_i(t-1) s_i(t) + bias   (z_t = 1 and v reset to 0 when
//                   v_t >= theta, then R ticks without firing; the small constant bias makes every
//                   tick count down the engine's refractory counter, which counts touched ticks)
//            x_i(t) = decayPre x_i(t-1) + s_i(t),   y(t) = decayPost y(t-1) + z(t)
//            w_i(t) = clamp(w_i(t-1) + A+ x_i(t) z(t) - A- y(t-1) s_i(t), 0, wMax),  w_i(0) = w0
//          Potentiation at a postsynaptic spike by the presynaptic trace, depression at a
//          presynaptic spike by the postsynaptic trace (a pair at the same tick potentiates);
//          output0 is the step's spike count. Depression outweighs potentiation (A- = 2 A+, as
//          Song et al. need A- tau- > A+ tau+; with 8 inputs each input's own share in causing a
//          spike is large, so the margin must be larger than their 5%). Its claim: inputs with
//          correlated timing win their synapses over uncorrelated ones firing at the same rate
//          (src/learner/correlation.ts).
//   rstdp  reward-modulated STDP with eligibility traces (E. M. Izhikevich 2007, "Solving the
//          distal reward problem through linkage of STDP and dopamine signaling", Cereb. Cortex
//          17; N. Fremaux & W. Gerstner 2016, "Neuromodulated spike-timing-dependent plasticity,
//          and theory of three-factor learning rules", Front. Neural Circuits 9). Two LIF action
//          neurons (output0, output1; the step's action is the one that spiked more) listen to the
//          first `channels` observation channels, get random background spikes (the engine's
//          `random` policy) and inhibit each other: v_k = lambda v_k + sum_i w_ik(t-1) s_i(t) +
//          noiseWeight n_k(t) - inhibition z_j(t-1) + bias, j the other neuron, n_k a spike with
//          probability `noise` per tick (docs/engine.md, Random numbers; the run seed draws it).
//          Each synapse's STDP pairings go into an eligibility trace c instead of its weight, and
//          the weight follows the reward signal d:
//            c_ik(t) = decayC c_ik(t-1) + A+ x_i(t) z_k(t) - A- y_k(t-1) s_i(t)
//            w_ik(t) = clamp(w_ik(t-1) + eta d(t) c_ik(t-1), wMin, wMax),   w_ik(0) = w0
//            d(t)    = (r - baseline) at the first tick of each step, 0 at the others
//          (r is the reward of the previous step's action; the `one` slot is latency-coded, so it
//          is a clock that spikes at each step's first tick, and c(t-1) there holds the previous
//          step's pairings). The baseline is fixed (0.5, between what the tasks pay): the reward
//          slot is 0 at the T-maze's steps off the maze end, so a running mean of it would not
//          be the expected reward of a choice. The observation channels are rate-coded (a
//          channel at 1 spikes every tick). Its claim: learning from reward (the reversal bandit,
//          the switching T-maze). Defaults tuned over a grid on training seeds 1-30.
//
// Every sum of several plastic terms (a neuron's input) is a balanced tree of two-input adds, so it
// does not depend on the order in which the engine adds a port's edges: test/learner/
// reference/spiking.ts computes the same float32 values from the equations, tick by tick.

import type { Coding, Genome } from '../genome/types.ts';
import { parseGenome } from '../genome/parse.ts';
import { keyOf, LearnerBuilder, type NodeOptions, type Ref } from './build.ts';
import { trace } from './motifs.ts';
import { LEARNER_CHANNELS, LEARNER_INPUTS, LEARNER_OUTPUTS, LEARNER_SLOT } from './role.ts';

/** The genome with IO coding `coding` (parsed again, so it is checked). */
export function withCoding(genome: Genome, coding: Coding): Genome {
  return parseGenome({ ...genome, coding });
}

/** A coding of `ticks` per step: observation channels by `observations`, the listed slots by their own, the rest by value; the listed outputs by `count`. */
export function spikeCoding(ticks: number, observations: 'latency' | 'rate', countOutputs: number, others: Partial<Record<number, Coding['encoders'][number]>> = {}): Coding {
  return {
    ticks,
    encoders: LEARNER_INPUTS.map((_, slot) => others[slot] ?? (slot < LEARNER_CHANNELS ? observations : 'value')),
    decoders: Array.from({ length: LEARNER_OUTPUTS }, (_, k) => (k < countOutputs ? 'count' : 'value')),
  };
}

/** A pulse that is 1 at the first tick of the episode and 0 after (a constant 1 minus itself one tick back); made once. */
export function firstTick(b: LearnerBuilder): Ref {
  if (b.has('first')) return { key: keyOf('node:first'), id: 'first' };
  const one = b.constant(1);
  const first = b.node('first', 'identity');
  b.edge(one, first, 0, 1, 0);
  b.edge(one, first, 0, -1, 1);
  return first;
}

/**
 * A bounded weight as graph state: w_t = clamp(w_{t-1} + (its update edges at t), lo, hi), and
 * w_t = w0 at the first tick. The caller adds the update edges (port 0); with one update edge the
 * sum has two terms, so it is the same in any order.
 */
export function boundedWeight(b: LearnerBuilder, id: string, w0: number, lo: number, hi: number): Ref {
  const w = b.node(id, 'clamp', { attrs: [lo, hi] });
  b.edge(w, w, 0, 1, 1);
  if (w0 !== 0) b.edge(firstTick(b), w, 0, w0);
  return w;
}

/**
 * sum_j weight_j term_j into `root` (an add node: ports 0 and 1) as a balanced tree of two-input
 * add nodes named `${id}.0`, `${id}.1`, ...: the first ceil(n / 2) terms on port 0, the rest on
 * port 1, recursively; a single term goes to port 0.
 */
export function sumTree(b: LearnerBuilder, id: string, terms: readonly (readonly [Ref, number])[], root: Ref): void {
  const build = (part: readonly (readonly [Ref, number])[], name: string): readonly [Ref, number] => {
    if (part.length === 1) return part[0] as readonly [Ref, number];
    const node = b.node(name, 'add');
    join(part, name, node);
    return [node, 1];
  };
  const join = (part: readonly (readonly [Ref, number])[], name: string, into: Ref): void => {
    if (part.length === 0) return;
    if (part.length === 1) {
      const [ref, w] = part[0] as readonly [Ref, number];
      b.edge(ref, into, 0, w);
      return;
    }
    const half = Math.ceil(part.length / 2);
    const [l, lw] = build(part.slice(0, half), `${name}.0`);
    const [r, rw] = build(part.slice(half), `${name}.1`);
    b.edge(l, into, 0, lw);
    b.edge(r, into, 1, rw);
  };
  join(terms, id, root);
}

export interface LifOptions {
  threshold: number;
  /** A constant input every tick (a tonic drive: it also makes every tick count down the refractory period). */
  bias: number;
  /** lambda, the potential's decay per tick, in [0, 1]. */
  decay: number;
  refractory: number;
}

/** A leaky integrate-and-fire neuron's options: an add node (the root of its input tree) that integrates and emits spikes. */
export function lif(o: LifOptions): NodeOptions {
  return { policy: { kind: 'integrate', threshold: o.threshold, decay: o.decay, reset: 0 }, refractory: o.refractory, emit: 'spike' };
}

/**
 * A pair-based STDP pairing term with traces: u = A+ x_pre z_post - A- y_post(t-1) s_pre (one sub
 * node of two products). Returns u.
 */
export function stdpPairing(b: LearnerBuilder, id: string, pre: Ref, preTrace: Ref, post: Ref, postTrace: Ref, aPlus: number, aMinus: number): Ref {
  const ltp = b.node(`${id}.ltp`, 'mul');
  b.edge(preTrace, ltp, 0);
  b.edge(post, ltp, 1);
  const ltd = b.node(`${id}.ltd`, 'mul');
  b.edge(postTrace, ltd, 0, 1, 1);
  b.edge(pre, ltd, 1);
  const u = b.node(`${id}.stdp`, 'sub');
  b.edge(ltp, u, 0, aPlus);
  b.edge(ltd, u, 1, aMinus);
  return u;
}

/** A synapse's transmission w(t-1) s(t). */
export function transmit(b: LearnerBuilder, id: string, w: Ref, pre: Ref): Ref {
  const p = b.node(`${id}.out`, 'mul');
  b.edge(w, p, 0, 1, 1);
  b.edge(pre, p, 1);
  return p;
}

export interface StdpParams extends LifOptions {
  /** Engine ticks per task step. */
  ticks: number;
  aPlus: number;
  aMinus: number;
  preDecay: number;
  postDecay: number;
  w0: number;
  wMax: number;
}

export const STDP_DEFAULTS: StdpParams = {
  ticks: 6, threshold: 1, bias: -0.01, decay: 0.9, refractory: 2, aPlus: 0.02, aMinus: 0.04, preDecay: 0.8, postDecay: 0.8, w0: 0.3, wMax: 0.6,
};

/** Pair-based STDP onto one LIF neuron (output0) from every observation channel (see the header). */
export function stdpLearner(params: Partial<StdpParams> = {}): Genome {
  const p = { ...STDP_DEFAULTS, ...params };
  const b = new LearnerBuilder('stdp');
  const post = b.outputNode(0, 'add', lif(p));
  const postTrace = trace(b, 'post.trace', post, p.postDecay);
  const terms: [Ref, number][] = [];
  b.observations.forEach((s, i) => {
    const id = `syn${i}`;
    const preTrace = trace(b, `pre${i}.trace`, s, p.preDecay);
    const w = boundedWeight(b, `${id}.w`, p.w0, 0, p.wMax);
    b.edge(stdpPairing(b, id, s, preTrace, post, postTrace, p.aPlus, p.aMinus), w);
    terms.push([transmit(b, id, w, s), 1]);
  });
  if (p.bias !== 0) terms.push([b.constant(1), p.bias]);
  sumTree(b, 'post.in', terms, post);
  return withCoding(b.build(), spikeCoding(p.ticks, 'latency', 1));
}

export interface RstdpParams extends LifOptions {
  ticks: number;
  /** Observation channels wired to the action neurons (1 .. LEARNER_CHANNELS). */
  channels: number;
  aPlus: number;
  aMinus: number;
  preDecay: number;
  postDecay: number;
  eligibilityDecay: number;
  eta: number;
  baseline: number;
  w0: number;
  wMin: number;
  wMax: number;
  /** The weight of each action neuron's spike onto the other's input one tick later (subtracted). */
  inhibition: number;
  /** The probability of a background spike per tick and neuron (0: none), and its weight. */
  noise: number;
  noiseWeight: number;
}

export const RSTDP_DEFAULTS: RstdpParams = {
  ticks: 6, channels: 4, threshold: 1, bias: -0.01, decay: 0.8, refractory: 0,
  aPlus: 1, aMinus: 0.5, preDecay: 0.5, postDecay: 0.5, eligibilityDecay: 0.8,
  eta: 0.4, baseline: 0.5, w0: 0.7, wMin: 0, wMax: 1, inhibition: 3, noise: 0.1, noiseWeight: 1,
};

/** The two action neurons' noise sources, by action (their node ids; the reference reads their keys). */
export const RSTDP_NOISE_IDS = ['noise0', 'noise1'] as const;

/** Reward-modulated STDP with eligibility traces, two action neurons (see the header). */
export function rstdpLearner(params: Partial<RstdpParams> = {}): Genome {
  const p = { ...RSTDP_DEFAULTS, ...params };
  if (!(Number.isInteger(p.channels) && p.channels >= 1 && p.channels <= LEARNER_CHANNELS)) throw new RangeError(`channels must be an integer in [1, ${LEARNER_CHANNELS}] (got ${p.channels})`);
  const b = new LearnerBuilder('rstdp');
  // The reward signal: (r - baseline) at the clock's tick (the step's first), else 0.
  const d = b.node('dopamine', 'mul');
  b.edge(b.reward, d, 0);
  b.edge(b.constant(1), d, 0, -p.baseline);
  b.edge(b.one, d, 1);
  const neurons = [0, 1].map((k) => b.outputNode(k, 'add', lif(p)));
  const postTraces = neurons.map((z, k) => trace(b, `post${k}.trace`, z, p.postDecay));
  const pre = b.observations.slice(0, p.channels);
  const preTraces = pre.map((s, i) => trace(b, `pre${i}.trace`, s, p.preDecay));
  neurons.forEach((z, k) => {
    const terms: [Ref, number][] = [];
    pre.forEach((s, i) => {
      const id = `syn${i}.${k}`;
      const u = stdpPairing(b, id, s, preTraces[i] as Ref, z, postTraces[k] as Ref, p.aPlus, p.aMinus);
      const c = trace(b, `${id}.elig`, u, p.eligibilityDecay);
      const dw = b.node(`${id}.dw`, 'mul');
      b.edge(d, dw, 0);
      b.edge(c, dw, 1, 1, 1);
      const w = boundedWeight(b, `${id}.w`, p.w0, p.wMin, p.wMax);
      b.edge(dw, w, 0, p.eta);
      terms.push([transmit(b, id, w, s), 1]);
    });
    if (p.noise > 0) {
      const noise = b.node(RSTDP_NOISE_IDS[k] as string, 'const', { attrs: [1], policy: { kind: 'random', probability: p.noise }, emit: 'spike' });
      terms.push([noise, p.noiseWeight]);
    }
    if (p.bias !== 0) terms.push([b.constant(1), p.bias]);
    if (p.inhibition !== 0) {
      const other = neurons[1 - k] as Ref;
      const inh = b.node(`inhibit${k}`, 'identity');
      b.edge(other, inh, 0, 1, 1);
      terms.push([inh, -p.inhibition]);
    }
    sumTree(b, `post${k}.in`, terms, z);
  });
  return withCoding(b.build(), spikeCoding(p.ticks, 'rate', 2, { [LEARNER_SLOT.one]: 'latency' }));
}

/** The spiking seeds by name, each at its defaults. */
export const SPIKING_SEEDS: Readonly<Record<string, () => Genome>> = {
  stdp: () => stdpLearner(),
  rstdp: () => rstdpLearner(),
};
