import { describe, expect, it } from 'vitest';
import { cos, exp, expm1, log, log1p, pow10, powInt, sin, tanh } from '../../src/util/math.ts';
import { createRng } from '../../src/util/rng.ts';

/** The distance in ulps between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

/** Inputs over many magnitudes, both signs. */
function inputs(count: number, seed: number): number[] {
  const rng = createRng(seed);
  const magnitudes = [1e-12, 1e-6, 1e-3, 0.01, 0.1, 0.5, 1, 2, 5, 10, 50, 300, 1e4, 1e5];
  return Array.from({ length: count }, () => (rng.next() - 0.5) * 2 * (magnitudes[Math.floor(rng.next() * magnitudes.length)] as number));
}

describe('deterministic elementary functions', () => {
  const xs = inputs(20_000, 7);
  const cases: [string, (x: number) => number, (x: number) => number, (x: number) => boolean, number][] = [
    ['exp', exp, Math.exp, (x) => Math.abs(x) < 700, 2],
    ['log', (x) => log(Math.abs(x)), (x) => Math.log(Math.abs(x)), (x) => x !== 0, 2],
    ['log1p', (x) => log1p(Math.abs(x)), (x) => Math.log1p(Math.abs(x)), () => true, 3],
    ['expm1', expm1, Math.expm1, (x) => Math.abs(x) < 700, 3],
    ['tanh', tanh, Math.tanh, () => true, 3],
    ['sin', sin, Math.sin, (x) => Math.abs(x) < 1e5, 2],
    ['cos', cos, Math.cos, (x) => Math.abs(x) < 1e5, 2],
  ];
  for (const [name, ours, reference, domain, tolerance] of cases) {
    it(`${name} is within ${tolerance} ulp of Math.${name} over 20,000 inputs`, () => {
      let worst = 0;
      for (const x of xs.filter(domain)) {
        const a = ours(x);
        const b = reference(x);
        // Near a zero of sin or cos, compare absolutely (the reduction's error is absolute there).
        const d = Math.abs(b) < 1e-8 ? Math.abs(a - b) / 2 ** -52 : ulps(a, b);
        worst = Math.max(worst, d);
      }
      expect(worst).toBeLessThanOrEqual(tolerance);
    });
  }

  it('gives the exact values and the limits', () => {
    expect(exp(0)).toBe(1);
    expect(ulps(exp(1), Math.E)).toBeLessThanOrEqual(1);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(710)).toBe(Infinity);
    expect(exp(-800)).toBe(0);
    expect(exp(-740)).toBeGreaterThan(0);
    expect(Number.isNaN(exp(NaN))).toBe(true);
    expect(log(1)).toBe(0);
    expect(ulps(log(Math.E), 1)).toBeLessThanOrEqual(1);
    expect(log(0)).toBe(-Infinity);
    expect(log(Infinity)).toBe(Infinity);
    expect(Number.isNaN(log(-1))).toBe(true);
    expect(ulps(log(5e-324), Math.log(5e-324))).toBeLessThanOrEqual(1);
    expect(ulps(log(Number.MAX_VALUE), Math.log(Number.MAX_VALUE))).toBeLessThanOrEqual(1);
    expect(log1p(1e-300)).toBe(1e-300);
    expect(log1p(-1)).toBe(-Infinity);
    expect(expm1(1e-300)).toBe(1e-300);
    expect(expm1(-1000)).toBe(-1);
    expect(tanh(30)).toBe(1);
    expect(tanh(-30)).toBe(-1);
    expect(Object.is(tanh(-0), -0)).toBe(true);
    expect(sin(0)).toBe(0);
    expect(cos(0)).toBe(1);
    expect(Number.isNaN(sin(Infinity))).toBe(true);
    expect(ulps(sin(Math.PI / 6), 0.5)).toBeLessThanOrEqual(1);
    expect(powInt(0.9, 0)).toBe(1);
    expect(powInt(3, 5)).toBe(243);
    expect(powInt(0.9, 4)).toBe(0.9 * 0.9 * (0.9 * 0.9));
    expect(() => powInt(2, -1)).toThrow(RangeError);
    expect(pow10(-3)).toBe(0.001);
    expect(pow10(5)).toBe(100000);
    expect(ulps(pow10(0.5), Math.sqrt(10))).toBeLessThanOrEqual(2);
  });
});
