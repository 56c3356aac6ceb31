// Sequence forecasting: one-step-ahead prediction of a time series drawn from a seed (docs/tasks.md,
// Sequence).
//
// The series is the classical decomposition of a stationary series into a deterministic periodic
// part and a stochastic ARMA part (Wold's decomposition; Box and Jenkins, "Time Series Analysis:
// Forecasting and Control", 1970, ch. 3 for AR(2) and its stationary variance; Brockwell and
// Davis, "Introduction to Time Series and Forecasting", 2002, sec. 1.5). Every number comes from the
// SplitMix32 stream of the data seed, in the order written here:
//
//   sines      K = 2 or 3 sinusoids a_k sin(2 pi t / P_k + phi_k): for each, period P_k ~ U(3, 16)
//              steps, amplitude a_k ~ U(0.5, 1.5), phase phi_k ~ U(0, 2 pi);
//   AR(2)      r_t = phi1 r_{t-1} + phi2 r_{t-2} + e_t with a complex pair of roots of modulus
//              rho ~ U(0.5, 0.9) and angle theta ~ U(0, pi) (phi1 = 2 rho cos theta, phi2 = -rho^2:
//              stationary, a damped oscillation); e_t ~ N(0, sigma^2), sigma chosen so that r has
//              stationary variance SEQUENCE.arVariance; started at 0, SEQUENCE.burnIn steps discarded;
//   series     x_t = sum_k a_k sin(...) + r_t + N(0, SEQUENCE.noise^2), t = 0 .. W + samples - 1,
//              drawing e_t then the observation noise at each t.
//
// Sample i is the window x_i .. x_{i+W-1} (oldest first) and its target x_{i+W}. The split is a
// forecasting split: the first 80% of the windows, in time order, train and the last 20% validate,
// so every validation target lies after every training target (a random split would let the model
// interpolate between neighbours it has seen). The series is standardised with the mean and sd of
// the values the training split sees (x_0 .. x_{W+train-1}), never with the future's.

import { gaussian } from '../optimizer/problems.ts';
import { createRng, type Rng } from '../util/rng.ts';
import { splitAt, VALIDATION_SHARE, type Splits } from './data.ts';
import type { Dataset } from './types.ts';
import { cos, sin } from '../util/math.ts';

export const SEQUENCE = {
  /** Past values per window (the model's inputs). */
  window: 12,
  /** Windows (samples); the series has window + samples values. */
  samples: 400,
  sines: [2, 3],
  period: [3, 16],
  amplitude: [0.5, 1.5],
  rho: [0.5, 0.9],
  /** The AR component's stationary variance; each sine's is a_k^2 / 2, about 0.54 on average. */
  arVariance: 0.5,
  burnIn: 100,
  noise: 0.1,
} as const;

/** The variants of `sequence`: the first is the default. */
export const SEQUENCE_MODELS = ['mlp', 'linear'] as const;

export interface Sine {
  period: number;
  amplitude: number;
  phase: number;
}

export interface SequenceProcess {
  sines: Sine[];
  phi1: number;
  phi2: number;
  /** The innovations' sd. */
  sigma: number;
}

/**
 * The stationary variance of an AR(2) process with unit innovations (Box and Jenkins 1970, eq.
 * 3.2.27): (1 - phi2) / ((1 + phi2) ((1 - phi2)^2 - phi1^2)).
 */
export function ar2Variance(phi1: number, phi2: number): number {
  return (1 - phi2) / ((1 + phi2) * ((1 - phi2) ** 2 - phi1 ** 2));
}

/** The process of a seed: the first draws of its stream. */
export function drawProcess(rng: Rng): SequenceProcess {
  const [lo, hi] = SEQUENCE.sines;
  const count = lo + rng.int(hi - lo + 1);
  const sines: Sine[] = [];
  for (let k = 0; k < count; k++) {
    const period = rng.uniform(SEQUENCE.period[0], SEQUENCE.period[1]);
    const amplitude = rng.uniform(SEQUENCE.amplitude[0], SEQUENCE.amplitude[1]);
    sines.push({ period, amplitude, phase: rng.uniform(0, 2 * Math.PI) });
  }
  const rho = rng.uniform(SEQUENCE.rho[0], SEQUENCE.rho[1]);
  const theta = rng.uniform(0, Math.PI);
  const phi1 = 2 * rho * cos(theta);
  const phi2 = -rho * rho;
  // Fixing the AR part's variance rather than its innovations' keeps the share of the series that
  // is noise about the same from seed to seed, whatever rho draws.
  const sigma = Math.sqrt(SEQUENCE.arVariance / ar2Variance(phi1, phi2));
  return { sines, phi1, phi2, sigma };
}

/** `length` values of `process`, continuing the stream `rng` (burn-in, then innovation and noise per t). */
export function drawSeries(process: SequenceProcess, rng: Rng, length: number): Float64Array {
  let r1 = 0; // r_{t-1}
  let r2 = 0; // r_{t-2}
  const step = (): number => {
    const r = process.phi1 * r1 + process.phi2 * r2 + process.sigma * gaussian(rng);
    r2 = r1;
    r1 = r;
    return r;
  };
  for (let t = 0; t < SEQUENCE.burnIn; t++) step();
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    let v = step();
    for (const s of process.sines) v += s.amplitude * sin((2 * Math.PI * t) / s.period + s.phase);
    out[t] = v + SEQUENCE.noise * gaussian(rng);
  }
  return out;
}

export interface SequenceData extends Splits {
  process: SequenceProcess;
  /** The standardised series the windows were cut from. */
  series: Float64Array;
  /** Windows in the training split. */
  trainCount: number;
}

/** The forecasting data set of `seed`: windows of the standardised series, split in time order. */
export function sequenceData(seed: number): SequenceData {
  const rng = createRng(seed);
  const process = drawProcess(rng);
  const w = SEQUENCE.window;
  const n = SEQUENCE.samples;
  const series = drawSeries(process, rng, w + n);
  const trainCount = n - Math.floor(n * VALIDATION_SHARE);
  const seen = w + trainCount;
  let mean = 0;
  for (let t = 0; t < seen; t++) mean += (series[t] as number) / seen;
  let variance = 0;
  for (let t = 0; t < seen; t++) variance += ((series[t] as number) - mean) ** 2 / seen;
  const sd = Math.sqrt(variance);
  for (let t = 0; t < series.length; t++) series[t] = ((series[t] as number) - mean) / sd;
  const x = new Float32Array(n * w);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(series.subarray(i, i + w), i * w);
    y[i] = series[i + w] as number;
  }
  const data: Dataset = { count: n, features: w, targets: 1, x, y };
  return { ...splitAt(data, trainCount), process, series, trainCount };
}
