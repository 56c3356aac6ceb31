// Plain float32 implementations of the spiking seed learners' equations (src/learner/seeds-spiking.ts
// header), tick by tick, with no engine: what test/learner/spiking.test.ts holds the genomes to.
// Every value is rounded to float32 after each operation, as the engine does (docs/engine.md,
// Numbers); a neuron's input is summed as the genome sums it, a balanced tree of pairs. Also a
// harness that drives a genome through an environment as runLearner does (src/learner/run.ts) and
// can read chosen hidden nodes through the free output slots (probes), and the reward signal's
// clock and background spikes as the engine makes them (docs/engine.md, Random numbers).

import { Engine } from '../../../src/engine/engine.ts';
import { keyOf } from '../../../src/genome/builder.ts';
import { parseGenome } from '../../../src/genome/parse.ts';
import type { Genome } from '../../../src/genome/types.ts';
import { codingOf, decode, encode } from '../../../src/learner/coding.ts';
import { argmax, type LearnerEnv } from '../../../src/learner/env.ts';
import { LEARNER_CHANNELS, LEARNER_INPUTS, LEARNER_OUTPUTS, LEARNER_SLOT } from '../../../src/learner/role.ts';
import { RSTDP_NOISE_IDS, type RstdpParams, type StdpParams } from '../../../src/learner/seeds-spiking.ts';
import { Hash } from '../../engine/reference/hash.ts';

const f = Math.fround;


/** A balanced pairwise float32 sum, split as sumTree splits (the first ceil(n / 2) terms on the left); with the two halves of the root. */
export function treeSum(terms: readonly number[]): { sum: number; left: number; right: number } {
  const sum = (xs: readonly number[]): number => {
    if (xs.length === 1) return xs[0] as number;
    const h = Math.ceil(xs.length / 2);
    return f(sum(xs.slice(0, h)) + sum(xs.slice(h)));
  };
  if (terms.length === 0) return { sum: 0, left: 0, right: 0 };
  if (terms.length === 1) return { sum: terms[0] as number, left: terms[0] as number, right: 0 };
  const h = Math.ceil(terms.length / 2);
  const left = sum(terms.slice(0, h));
  const right = sum(terms.slice(h));
  return { sum: f(left + right), left, right };
}

/** A leaky integrate-and-fire neuron as the engine's integrate policy runs it (docs/engine.md, One tick). */
export class Lif {
  v = 0;
  r = 0;
  constructor(readonly threshold: number, readonly decay: number, readonly refractory: number) {}

  /** One tick with input sum `a` whose root ports held `left` and `right`; 1 if it spikes. */
  tick(a: number, left: number, right: number): number {
    if (this.r > 0) {
      if (left !== 0 || right !== 0) this.r--;
      return 0;
    }
    this.v = f(f(f(this.decay) * this.v) + a);
    if (this.v >= f(this.threshold)) {
      this.v = 0;
      this.r = this.refractory;
      return 1;
    }
    return 0;
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, f(lo)), f(hi));

/** What a reference run records: per step the decoded outputs and the action; per tick chosen values. */
export interface ReferenceRun {
  actions: number[];
  outputs: number[][];
  /** Per tick, the values named by the run (spikes, weights, traces). */
  ticks: Record<string, number>[];
}

/** Pair-based STDP (stdpLearner) through `env`: output0 is its spike count share per step. */
export function stdpReference(p: StdpParams, env: LearnerEnv, record = true): ReferenceRun {
  const n = LEARNER_CHANNELS;
  const w = new Array<number>(n).fill(0);
  const x = new Array<number>(n).fill(0);
  let y = 0;
  const lif = new Lif(p.threshold, p.decay, p.refractory);
  const s = new Array<number>(n).fill(0);
  const run: ReferenceRun = { actions: [], outputs: [], ticks: [] };
  let t = 0;
  while (!env.done) {
    const o = env.observe();
    let spikes = 0;
    for (let i = 0; i < p.ticks; i++) {
      t++;
      for (let c = 0; c < n; c++) s[c] = c < env.channels ? encode('latency', o.channels[c] as number, i, p.ticks) : 0;
      const terms = s.map((sc, c) => f((w[c] as number) * sc));
      if (p.bias !== 0) terms.push(f(p.bias));
      const input = treeSum(terms);
      const z = lif.tick(input.sum, input.left, input.right);
      spikes += z;
      const yPrev = y;
      y = f(f(f(p.postDecay) * y) + z);
      for (let c = 0; c < n; c++) {
        const sc = s[c] as number;
        x[c] = f(f(f(p.preDecay) * (x[c] as number)) + sc);
        const u = f(f(f(p.aPlus) * f((x[c] as number) * z)) - f(f(p.aMinus) * f(yPrev * sc)));
        w[c] = clamp(t === 1 ? f(u + f(p.w0)) : f((w[c] as number) + u), 0, p.wMax);
      }
      if (record) {
        const row: Record<string, number> = { z, y };
        for (let c = 0; c < n; c++) {
          row[`w${c}`] = w[c] as number;
          row[`x${c}`] = x[c] as number;
        }
        run.ticks.push(row);
      }
    }
    const out = [f(spikes / p.ticks)];
    run.outputs.push(out);
    run.actions.push(0);
    env.act(0, Float32Array.from(out));
  }
  return run;
}

/** Reward-modulated STDP (rstdpLearner) through `env`, with the engine's background spikes for run seed `seed` and the noise nodes' keys. */
export function rstdpReference(p: RstdpParams, env: LearnerEnv, seed = 0, record = true): ReferenceRun {
  const C = p.channels;
  const hash = new Hash(seed);
  const noiseKeys = RSTDP_NOISE_IDS.map((id) => keyOf(`node:${id}`));
  const w = [0, 1].map(() => new Array<number>(C).fill(0));
  const c = [0, 1].map(() => new Array<number>(C).fill(0));
  const x = new Array<number>(C).fill(0);
  const y = [0, 0];
  const z = [0, 0];
  const lifs = [0, 1].map(() => new Lif(p.threshold, p.decay, p.refractory));
  const run: ReferenceRun = { actions: [], outputs: [], ticks: [] };
  let t = 0;
  while (!env.done) {
    const o = env.observe();
    const counts = [0, 0];
    for (let i = 0; i < p.ticks; i++) {
      t++;
      const clock = encode('latency', 1, i, p.ticks);
      const d = f(f(f(o.reward) + f(-f(p.baseline))) * clock);
      const s = Array.from({ length: C }, (_, ch) => (ch < env.channels ? encode('rate', o.channels[ch] as number, i, p.ticks) : 0));
      const zPrev = [...z];
      const yPrev = [...y];
      for (let k = 0; k < 2; k++) {
        const wk = w[k] as number[];
        const terms = s.map((sc, ch) => f((wk[ch] as number) * sc));
        if (p.noise > 0) terms.push(f(f(p.noiseWeight) * (hash.hash01(t, noiseKeys[k] as number, 0) < f(p.noise) ? 1 : 0)));
        if (p.bias !== 0) terms.push(f(p.bias));
        if (p.inhibition !== 0) terms.push(f(-f(p.inhibition) * (zPrev[1 - k] as number)));
        const input = treeSum(terms);
        z[k] = (lifs[k] as Lif).tick(input.sum, input.left, input.right);
        counts[k] = (counts[k] as number) + (z[k] as number);
        y[k] = f(f(f(p.postDecay) * (y[k] as number)) + (z[k] as number));
      }
      const row: Record<string, number> = { z0: z[0] as number, z1: z[1] as number, d };
      for (let ch = 0; ch < C; ch++) x[ch] = f(f(f(p.preDecay) * (x[ch] as number)) + (s[ch] as number));
      for (let k = 0; k < 2; k++) {
        for (let ch = 0; ch < C; ch++) {
          const sc = s[ch] as number;
          const u = f(f(f(p.aPlus) * f((x[ch] as number) * (z[k] as number))) - f(f(p.aMinus) * f((yPrev[k] as number) * sc)));
          const cPrev = (c[k] as number[])[ch] as number;
          const dw = f(d * cPrev);
          const wPrev = (w[k] as number[])[ch] as number;
          (w[k] as number[])[ch] = clamp(t === 1 ? f(f(f(p.eta) * dw) + f(p.w0)) : f(wPrev + f(f(p.eta) * dw)), p.wMin, p.wMax);
          (c[k] as number[])[ch] = f(f(f(p.eligibilityDecay) * cPrev) + u);
          row[`w${ch}.${k}`] = (w[k] as number[])[ch] as number;
          row[`c${ch}.${k}`] = (c[k] as number[])[ch] as number;
        }
      }
      if (record) run.ticks.push(row);
    }
    const out = counts.map((n) => f(n / p.ticks));
    run.outputs.push(out);
    const a = argmax(out.slice(0, env.actions));
    run.actions.push(a);
    env.act(a, Float32Array.from(out.slice(0, env.actions)));
  }
  return run;
}

/**
 * `genome` with hidden nodes `probes` (ids) routed to output slots `from`, `from` + 1, ...: each
 * such output node gets one edge from its probe (they must be free: identity nodes with no edges).
 */
export function withProbes(genome: Genome, probes: readonly string[], from: number): Genome {
  const outKey = (slot: number): number => LEARNER_INPUTS.length + slot;
  let key = 2 ** 30;
  const edges = probes.map((id, j) => ({ key: key++, source: keyOf(`node:${id}`), target: outKey(from + j), port: 0, weight: 1, delay: 0, enabled: true }));
  return parseGenome({ ...genome, edges: [...genome.edges, ...edges] });
}

/** What the engine harness records: per step the decoded outputs (float32, as runLearner keeps them) and the action; per tick all four output slots. */
export interface EngineRun {
  actions: number[];
  outputs: number[][];
  ticks: number[][];
}

/** Drives `genome` through `env` as runLearner does (src/learner/run.ts), recording every output slot at every tick. */
export function runTicks(engine: Engine, genome: Genome, env: LearnerEnv, seed = 0): EngineRun {
  const coding = codingOf(genome);
  const T = coding.ticks;
  engine.load(genome, [{ rows: 1, cols: 1 }], { seed });
  const run: EngineRun = { actions: [], outputs: [], ticks: [] };
  const slotValues = new Float64Array(LEARNER_INPUTS.length);
  const errors = new Float32Array(LEARNER_OUTPUTS);
  while (!env.done) {
    const o = env.observe();
    for (let ch = 0; ch < LEARNER_CHANNELS; ch++) slotValues[LEARNER_SLOT.channel + ch] = ch < env.channels ? (o.channels[ch] as number) : 0;
    slotValues[LEARNER_SLOT.reward] = o.reward;
    for (let k = 0; k < LEARNER_OUTPUTS; k++) slotValues[LEARNER_SLOT.error + k] = errors[k] as number;
    slotValues[LEARNER_SLOT.learning] = o.learning;
    slotValues[LEARNER_SLOT.trialStart] = o.trialStart;
    slotValues[LEARNER_SLOT.one] = 1;
    const perTick = Array.from({ length: LEARNER_OUTPUTS }, () => new Float32Array(T));
    for (let i = 0; i < T; i++) {
      for (let slot = 0; slot < LEARNER_INPUTS.length; slot++) {
        (engine.input(slot) as Float32Array)[0] = encode(coding.encoders[slot] ?? 'value', slotValues[slot] as number, i, T);
      }
      const result = engine.run(1);
      if (result.status !== 'ok') throw new Error(`the learner stopped: ${result.status}`);
      const row: number[] = [];
      for (let k = 0; k < LEARNER_OUTPUTS; k++) {
        const v = engine.output(k)[0] as number;
        (perTick[k] as Float32Array)[i] = v;
        row.push(v);
      }
      run.ticks.push(row);
    }
    const out = perTick.map((ys, k) => f(decode(coding.decoders[k] ?? 'value', ys)));
    errors.fill(0);
    if (o.targets !== null) for (let k = 0; k < env.actions; k++) errors[k] = f((o.targets[k] as number) - (out[k] as number));
    const a = argmax(out.slice(0, env.actions));
    run.actions.push(a);
    run.outputs.push(out);
    env.act(a, Float32Array.from(out.slice(0, env.actions)));
  }
  return run;
}
