// Kendall's rank correlation tau-b (M. G. Kendall, "The treatment of ties in ranking problems",
// Biometrika 33(3), 1945), in O(n log n) by W. R. Knight's method ("A computer method for
// calculating Kendall's tau with ungrouped data", JASA 61(314), 1966): sort the pairs by x (ties
// broken by y), then merge-sort the y sequence, each element a merge moves past counting the
// discordant pairs it forms. With
//   n0 = n(n-1)/2,  n1 = sum over groups of tied x of t(t-1)/2,  n2 = the same for y,
//   n3 = the same for pairs tied in both, S = the discordant pairs (the merge sort's swaps),
//   tau_b = (n0 - n1 - n2 + n3 - 2 S) / sqrt((n0 - n1)(n0 - n2)),
// since concordant minus discordant = (n0 - n1 - n2 + n3 - S) - S. It is NaN when either side is
// constant (the denominator is zero). The surrogate's fitness predictor is judged by it (issue 13:
// tau >= 0.5 on the next generation).

function fail(message: string): RangeError {
  return new RangeError(`kendallTau: ${message}`);
}

/** The pairs within runs of equal neighbours over positions 0..n-1 (same(i): i equals i - 1). */
function tiedPairs(n: number, same: (i: number) => boolean): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i < n; i++) {
    if (same(i)) {
      run++;
    } else {
      pairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return pairs + (run * (run - 1)) / 2;
}

/** Sorts `values` ascending in place (stable bottom-up merge sort); returns the inversions. */
function sortCountingInversions(values: Float64Array): number {
  const n = values.length;
  let from: Float64Array = values;
  let to: Float64Array = new Float64Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const left = from[i] as number;
        const right = from[j] as number;
        if (left <= right) {
          to[k++] = left;
          i++;
        } else {
          to[k++] = right;
          j++;
          inversions += mid - i; // right is below every element left in the left run
        }
      }
      while (i < mid) to[k++] = from[i++] as number;
      while (j < hi) to[k++] = from[j++] as number;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from !== values) values.set(from);
  return inversions;
}

/**
 * Kendall's tau-b of paired samples x and y, ties accounted for; NaN if x or y is constant. Throws
 * a RangeError if the lengths differ, there are fewer than 2 pairs, or a value is NaN.
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw fail(`x and y must have the same length (got ${n} and ${y.length})`);
  if (n < 2) throw fail(`needs at least 2 pairs (got ${n})`);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) throw fail(`x[${i}] is NaN`);
    if (Number.isNaN(y[i])) throw fail(`y[${i}] is NaN`);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const xa = x[a] as number;
    const xb = x[b] as number;
    if (xa !== xb) return xa < xb ? -1 : 1;
    const ya = y[a] as number;
    const yb = y[b] as number;
    return ya === yb ? 0 : ya < yb ? -1 : 1;
  });
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = order[i] as number;
    xs[i] = x[at] as number;
    ys[i] = y[at] as number;
  }
  const n0 = (n * (n - 1)) / 2;
  const n1 = tiedPairs(n, (i) => xs[i] === xs[i - 1]);
  const n3 = tiedPairs(n, (i) => xs[i] === xs[i - 1] && ys[i] === ys[i - 1]);
  const discordant = sortCountingInversions(ys);
  const n2 = tiedPairs(n, (i) => ys[i] === ys[i - 1]);
  const denominator = Math.sqrt((n0 - n1) * (n0 - n2));
  if (denominator === 0) return NaN;
  const tau = (n0 - n1 - n2 + n3 - 2 * discordant) / denominator;
  return Math.max(-1, Math.min(1, tau)); // rounding of the root must not leave [-1, 1]
}
