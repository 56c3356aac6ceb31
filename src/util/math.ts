// Elementary functions that give the same double on every JavaScript engine. The language leaves
// Math.exp, Math.log, Math.sin, Math.cos, Math.tanh, Math.pow and their kin to the engine, and V8
// changed them: Node 20 and a current Chromium differ in the last bit for a few percent of inputs
// (docs/browser.md, Determinism). A run's data, mutations and losses go through these instead, so the
// same seed gives the same run in Node of any version and in a browser. They use only what IEEE 754
// fixes exactly (+, -, *, /, sqrt, rounding to integers, parsing of decimal literals), with the
// classic argument reductions (Cody and Waite, "Software Manual for the Elementary Functions", 1980;
// the split constants of ln 2 and pi/2 are those of fdlibm) and Taylor polynomials long enough for
// about one ulp. test/util/math.test.ts holds them to Math.* within a few ulp and to exact values.

const LN2_HI = 6.93147180369123816490e-1; // ln 2 to 32 bits: k * LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.90821492927058770002e-10;
const LOG2E = 1.4426950408889634;
const LN10 = 2.302585092994046;
const SQRT2 = 1.4142135623730951;
// pi/2 in three parts of 33 bits each: k * PIO2_1 and k * PIO2_2 are exact for |k| < 2^20.
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624879595063154e-21;
const TWO_OVER_PI = 0.6366197723675814;

const bits = new DataView(new ArrayBuffer(8));

/** 2^k exactly, for an integer k in [-1022, 1023]. */
function pow2(k: number): number {
  bits.setUint32(0, (k + 1023) << 20);
  bits.setUint32(4, 0);
  return bits.getFloat64(0);
}

/** x * 2^k for an integer k, exact unless the result is subnormal (then rounded once). */
function scale2(x: number, k: number): number {
  if (k > 1023) return x * pow2(1023) * pow2(k - 1023);
  if (k < -1022) return x * pow2(k + 1022) * pow2(-1022);
  return x * pow2(k);
}

/** 1/n! for n = 0..17. */
const INVERSE_FACTORIAL: number[] = [1];
for (let n = 1, f = 1; n <= 17; n++) {
  f *= n;
  INVERSE_FACTORIAL.push(1 / f);
}
const invFact = (n: number): number => INVERSE_FACTORIAL[n] as number;

/** e^x. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * LOG2E);
  // |r| <= ln(2)/2: the Taylor series to r^13/13! leaves under 1e-17.
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = invFact(13);
  for (let n = 12; n >= 2; n--) p = invFact(n) + r * p;
  const e = 1 + (r + r * r * p);
  return scale2(e, k);
}

/** The natural logarithm of x. */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  let e = 0;
  let m = x;
  if (m < pow2(-1022)) {
    m *= pow2(54);
    e -= 54;
  }
  bits.setFloat64(0, m);
  const exponent = ((bits.getUint32(0) >>> 20) & 0x7ff) - 1023;
  m /= pow2(exponent);
  e += exponent;
  if (m > SQRT2) {
    m /= 2;
    e += 1;
  }
  // m in [sqrt(1/2), sqrt(2)]: f = m - 1 is exact, and log(1 + f) = 2 atanh(s) with s = f / (2 + f).
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  // R = 2 atanh(s) / s - 2 = sum over n >= 1 of 2 s^(2n) / (2n + 1), |s| < 0.172: to n = 11.
  let r = 2 / 23;
  for (let n = 10; n >= 1; n--) r = 2 / (2 * n + 1) + z * r;
  r *= z;
  const hfsq = 0.5 * f * f;
  return e * LN2_HI + (f - (hfsq - s * (hfsq + r)) + e * LN2_LO);
}

/** log(1 + x), accurate for small x (Kahan's correction of the rounded 1 + x). */
export function log1p(x: number): number {
  const u = 1 + x;
  if (u === 1) return x;
  if (u === Infinity) return u;
  return (log(u) * x) / (u - 1);
}

/** e^x - 1, accurate for small x (Kahan's correction). */
export function expm1(x: number): number {
  const u = exp(x);
  if (u === 1) return x;
  const um1 = u - 1;
  if (um1 === -1) return -1;
  if (u === Infinity) return u;
  return (um1 * x) / log(u);
}

/** tanh(x). */
export function tanh(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a > 22) return x > 0 ? 1 : -1;
  if (a < 3.725290298461914e-9) return x; // 2^-28: tanh(x) rounds to x
  const t = expm1(2 * a);
  const y = t / (t + 2);
  return x < 0 ? -y : y;
}

/** sin(r) and cos(r) for |r| <= pi/4 (Taylor series to r^17 and r^16). */
function sinPoly(r: number): number {
  const z = r * r;
  let p = invFact(17);
  for (let n = 15; n >= 3; n -= 2) p = ((n - 1) / 2) % 2 === 0 ? invFact(n) + z * p : -invFact(n) + z * p;
  return r + r * z * p;
}

function cosPoly(r: number): number {
  const z = r * r;
  let p = invFact(16);
  for (let n = 14; n >= 4; n -= 2) p = (n / 2) % 2 === 0 ? invFact(n) + z * p : -invFact(n) + z * p;
  return 1 - (0.5 * z - z * z * p);
}

/** The quadrant of x (k mod 4) and x - k pi/2. */
function reduce(x: number): [number, number] {
  const k = Math.round(x * TWO_OVER_PI);
  const r = x - k * PIO2_1 - k * PIO2_2 - k * PIO2_3;
  return [((k % 4) + 4) % 4, r];
}

/** sin(x); |x| up to about 1e6 keeps the reduction to within an ulp of r. */
export function sin(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (Math.abs(x) < 7.450580596923828e-9) return x; // 2^-27: sin(x) rounds to x
  const [q, r] = reduce(x);
  return q === 0 ? sinPoly(r) : q === 1 ? cosPoly(r) : q === 2 ? -sinPoly(r) : -cosPoly(r);
}

/** cos(x). */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const [q, r] = reduce(x);
  return q === 0 ? cosPoly(r) : q === 1 ? -sinPoly(r) : q === 2 ? -cosPoly(r) : sinPoly(r);
}

/** b^n for an integer n >= 0, by squaring (the same products on every engine). */
export function powInt(b: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`powInt: n must be a non-negative integer (got ${n})`);
  let result = 1;
  let base = b;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result *= base;
    base *= base;
  }
  return result;
}

/** 10^y: exactly the double nearest 10^y for an integer y (decimal parsing is exact), else e^(y ln 10). */
export function pow10(y: number): number {
  if (Number.isInteger(y) && Math.abs(y) <= 400) return Number(`1e${y}`);
  return exp(y * LN10);
}
