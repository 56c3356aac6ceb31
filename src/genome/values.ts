// Numeric genes under mutation: weights, attributes, policy parameters and effect scales. Every
// value a mutation writes goes through f32(): clipped to a limit, rounded to float32 (the engine
// computes in float32, and parseGenome rounds the same way) and never -0 (JSON writes -0 as 0, so a
// -0 would not survive a round trip and a genome would not equal its reloaded self).
//
// A perturbation is, with equal odds for a nonzero value, multiplicative (x * exp(logSigma * N),
// which keeps the sign and suits hyperparameters spread over decades, like a learning rate of 1e-3
// or an epsilon of 1e-8) or additive (x + sigma * N, which can cross zero and change the sign).
// A replacement draws a fresh value: random sign, magnitude log-uniform in [replaceMin, replaceMax].

import type { Rng } from '../util/rng.ts';
import { chance, gaussian, logUniform } from './sample.ts';
import { exp } from '../util/math.ts';

export interface ValueOptions {
  /** Standard deviation of an additive perturbation. */
  sigma: number;
  /** Standard deviation of the logarithm of a multiplicative perturbation. */
  logSigma: number;
  /** Probability that a changed value is replaced rather than perturbed. */
  replaceRate: number;
  /** The range of a replacement's magnitude (log-uniform). */
  replaceMin: number;
  replaceMax: number;
  /** Every value written is clipped to [-limit, limit]. */
  limit: number;
}

export const DEFAULT_VALUE_OPTIONS: Readonly<ValueOptions> = {
  sigma: 0.1,
  logSigma: 0.3,
  replaceRate: 0.1,
  replaceMin: 1e-4,
  replaceMax: 10,
  limit: 1e4,
};

/** x clipped to [-limit, limit], rounded to float32, with -0 and NaN written as 0. */
export function f32(x: number, limit = DEFAULT_VALUE_OPTIONS.limit): number {
  if (Number.isNaN(x)) return 0;
  const y = Math.fround(Math.min(limit, Math.max(-limit, x)));
  return y === 0 ? 0 : y;
}

/** x clipped to [lo, hi] and rounded to float32 (lo and hi float32 values), never -0. */
export function f32Between(x: number, lo: number, hi: number): number {
  if (Number.isNaN(x)) return lo === 0 ? 0 : lo;
  return f32(Math.min(hi, Math.max(lo, x)), Math.max(Math.abs(lo), Math.abs(hi)));
}

/** A small change of x (see the file's opening comment). */
export function perturb(rng: Rng, x: number, o: ValueOptions): number {
  const multiplicative = x !== 0 && chance(rng, 0.5);
  const y = multiplicative ? x * exp(o.logSigma * gaussian(rng)) : x + o.sigma * gaussian(rng);
  return f32(y, o.limit);
}

/** A fresh value: random sign, magnitude log-uniform in [replaceMin, replaceMax]. */
export function freshValue(rng: Rng, o: ValueOptions): number {
  const magnitude = logUniform(rng, o.replaceMin, o.replaceMax);
  return f32(chance(rng, 0.5) ? magnitude : -magnitude, o.limit);
}

/** Perturbs x, or with probability replaceRate replaces it. */
export function mutateValue(rng: Rng, x: number, o: ValueOptions): { value: number; replaced: boolean } {
  if (chance(rng, o.replaceRate)) return { value: freshValue(rng, o), replaced: true };
  return { value: perturb(rng, x, o), replaced: false };
}
