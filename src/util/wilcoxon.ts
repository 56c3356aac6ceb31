// Wilcoxon signed-rank test for paired samples: F. Wilcoxon, "Individual comparisons by ranking
// methods", Biometrics Bulletin 1(6), 1945, pp. 80-83. With d = x - y, zero differences are dropped
// (Wilcoxon's rule), the remaining |d| are ranked with mid-ranks for ties, and the statistic W+ is
// the sum of the ranks of the positive differences. Under H0 (d symmetric about 0) each of the 2^n
// sign patterns is equally likely, so:
// - with n <= 25 and no tied |d|, p is exact: the count of subsets of {1..n} with each sum, / 2^n;
// - otherwise W+ is taken as normal with mean n(n+1)/4 and the tie-corrected variance
//   n(n+1)(2n+1)/24 - sum(t^3 - t)/48 over groups of t tied |d| (= sum of squared ranks / 4, as in
//   W. J. Conover, "Practical Nonparametric Statistics", 3rd ed., Wiley 1999, ch. 5, the Wilcoxon
//   signed ranks test), with a continuity correction of 0.5 towards the mean.
// 'greater' is P(W+ >= w), 'less' is P(W+ <= w), two-sided is min(1, 2 * the smaller). Away from
// the mean (|w - n(n+1)/4| >= 0.5) this equals scipy.stats.wilcoxon(zero_method='wilcox').

import { rules } from './errors.ts';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface WilcoxonOptions {
  alternative?: Alternative;
  zeroMethod?: 'wilcox';
}

export interface WilcoxonResult {
  /** Pairs left after dropping zero differences. */
  n: number;
  zeros: number;
  /** W+: the sum of the ranks of the positive differences. */
  statistic: number;
  /** W-: the sum of the ranks of the negative differences (W+ + W- = n(n+1)/2). */
  wMinus: number;
  pValue: number;
  method: 'exact' | 'normal';
  alternative: Alternative;
  /** Over all pairs, zeros included; NaN for no pairs. */
  meanDifference: number;
  medianDifference: number;
}

/** Largest n for the exact distribution; its counts (at most 2^25) stay exact in doubles. */
export const EXACT_MAX_N = 25;

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

export const wilcoxonRules = {
  sameLength: (n: number) => `must have the same length as x (${n})`,
  alternative: rules.oneOf(ALTERNATIVES),
  zeroMethod: rules.oneOf(['wilcox']),
} as const;

function fail(field: string, rule: string, got: unknown): RangeError {
  return new RangeError(`${field} ${rule} (got ${typeof got === 'string' ? JSON.stringify(got) : String(got)})`);
}

function at(values: ArrayLike<number>, i: number): number {
  const v = values[i];
  if (v === undefined) throw new RangeError(`index ${i} is out of range (length ${values.length})`);
  return v;
}

/** Ranks from 1, ties given the average of the ranks they span, and sum(t^3 - t) over tie groups. */
function midRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => at(values, a) - at(values, b));
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    const first = at(values, at(order, start));
    let end = start + 1;
    while (end < order.length && at(values, at(order, end)) === first) end++;
    const t = end - start;
    for (let k = start; k < end; k++) ranks[at(order, k)] = (start + 1 + end) / 2;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/** Average ranks from 1 (tied values share the mean of the ranks they span). */
export function rankWithTies(values: readonly number[]): number[] {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw fail(`values[${i}]`, rules.finite, v);
  });
  return midRanks(values).ranks;
}

// Cody's rational Chebyshev approximations to erf and erfc, near-minimax to about 18 digits:
// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
// pp. 631-637; coefficients and intervals as in his CALERF (netlib specfun, 1990), the 18-digit
// coefficients written as the nearest doubles (the values the longer literals parse to).
const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-08,
];
const ERFC_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const ERFC_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378, 0.016315387137302097,
];
const ERFC_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
const INV_SQRT_PI = 0.5641895835477563;

/** Cody's nested form: num has one more coefficient than den; its last one leads. */
function rational(num: readonly number[], den: readonly number[], t: number): number {
  const m = den.length;
  let xnum = at(num, m) * t;
  let xden = t;
  for (let i = 0; i < m - 1; i++) {
    xnum = (xnum + at(num, i)) * t;
    xden = (xden + at(den, i)) * t;
  }
  return (xnum + at(num, m - 1)) / (xden + at(den, m - 1));
}

/** exp(-y^2), split at y rounded down to 1/16 so the square loses no digits (as in CALERF). */
function expMinusSquare(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  return Math.exp(-head * head) * Math.exp(-(y - head) * (y + head));
}

function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - x * rational(ERF_A, ERF_B, y * y);
  let r: number;
  if (y <= 4) r = rational(ERFC_C, ERFC_D, y) * expMinusSquare(y);
  else if (y >= 26.543) r = 0;
  else {
    const z = 1 / (y * y);
    r = ((INV_SQRT_PI - z * rational(ERFC_P, ERFC_Q, z)) / y) * expMinusSquare(y);
  }
  return x < 0 ? 2 - r : r;
}

/** P(Z >= z) for a standard normal Z, accurate in both tails. */
export function standardNormalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(W+ >= w) and P(W+ <= w) under H0 for untied ranks 1..n, by counting subsets per sum. */
function exactTails(n: number, w: number): { greater: number; less: number } {
  const counts = new Float64Array((n * (n + 1)) / 2 + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s] = at(counts, s) + at(counts, s - k);
  }
  let greater = 0;
  let less = 0;
  for (let s = 0; s < counts.length; s++) {
    if (s >= w) greater += at(counts, s);
    if (s <= w) less += at(counts, s);
  }
  const total = 2 ** n;
  return { greater: greater / total, less: less / total };
}

function normalTails(n: number, w: number, tieTerm: number): { greater: number; less: number } {
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  return { greater: standardNormalSf((w - mean - 0.5) / sd), less: standardNormalSf((mean - w - 0.5) / sd) };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? at(sorted, mid) : (at(sorted, mid - 1) + at(sorted, mid)) / 2;
}

/** The Wilcoxon signed-rank test of d = x - y (see the file header). */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[], options: WilcoxonOptions = {}): WilcoxonResult {
  const { alternative = 'two-sided', zeroMethod = 'wilcox' } = options;
  if (!ALTERNATIVES.includes(alternative)) throw fail('options.alternative', wilcoxonRules.alternative, alternative);
  if (zeroMethod !== 'wilcox') throw fail('options.zeroMethod', wilcoxonRules.zeroMethod, zeroMethod);
  if (y.length !== x.length) throw fail('y', wilcoxonRules.sameLength(x.length), y.length);
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = at(x, i);
    const yi = at(y, i);
    if (!Number.isFinite(xi)) throw fail(`x[${i}]`, rules.finite, xi);
    if (!Number.isFinite(yi)) throw fail(`y[${i}]`, rules.finite, yi);
    if (!Number.isFinite(xi - yi)) throw fail(`x[${i}] - y[${i}]`, rules.finite, xi - yi);
    d.push(xi - yi);
  }
  const nonZero = d.filter((v) => v !== 0);
  const n = nonZero.length;
  const { ranks, tieTerm } = midRanks(nonZero.map(Math.abs));
  let statistic = 0;
  for (let i = 0; i < n; i++) if (at(nonZero, i) > 0) statistic += at(ranks, i);
  const method = n <= EXACT_MAX_N && tieTerm === 0 ? 'exact' : 'normal';
  const tails = method === 'exact' ? exactTails(n, statistic) : normalTails(n, statistic, tieTerm);
  const pValue =
    alternative === 'greater' ? tails.greater
    : alternative === 'less' ? tails.less
    : Math.min(1, 2 * Math.min(tails.greater, tails.less));
  let sum = 0;
  for (const v of d) sum += v;
  return {
    n,
    zeros: d.length - n,
    statistic,
    wMinus: (n * (n + 1)) / 2 - statistic,
    pValue,
    method,
    alternative,
    meanDifference: d.length === 0 ? NaN : sum / d.length,
    medianDifference: median(d),
  };
}
