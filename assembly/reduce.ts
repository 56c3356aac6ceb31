// Reductions over a group (rsum, rmean, rnorm, rmaxabs, rrms) and over its rows or columns (rowmean,
// colmean). Sums go lane by lane in lane order in f64 and are rounded once, as the reference does,
// so a pass may be split into consecutive spans (tiles) without changing the result.

import { OP_RSUM, OP_RMEAN, OP_RNORM, OP_RMAXABS, OP_ROWMEAN, OP_COLMEAN } from './layout';
import { G, gStart, gRows, gCols, i32At } from './tables';
import { alloc } from './memory';

let sum: f64 = 0;
let squares: f64 = 0;
let maxAbs: f32 = 0;
let lineSums: usize = 0; // f64 per row or column

export function allocReduce(lines: i32): bool {
  lineSums = alloc(<u64>max(lines, 1) * 8);
  return lineSums != 0;
}

export function redReset(): void {
  sum = 0;
  squares = 0;
  maxAbs = 0;
}

export function redAdd(p: usize, n: i32): void {
  const end = <usize>n << 2;
  let s = sum;
  let q = squares;
  let m = maxAbs;
  for (let i: usize = 0; i < end; i += 4) {
    const v = <f64>load<f32>(p + i);
    s += v;
    q += v * v;
    m = max(m, abs(load<f32>(p + i)));
  }
  sum = s;
  squares = q;
  maxAbs = m;
}

/** The reduction's value over the `count` lanes added since redReset. */
export function redValue(op: i32, count: i32): f32 {
  switch (op) {
    case OP_RSUM: return <f32>sum;
    case OP_RMEAN: return <f32>(sum / <f64>count);
    case OP_RNORM: return <f32>Math.sqrt(squares);
    case OP_RMAXABS: return maxAbs;
  }
  return <f32>Math.sqrt(squares / <f64>count);
}

export function lineReset(lines: i32): void {
  memory.fill(lineSums, 0, <usize>lines << 3);
}

/** Adds n lanes starting at index `at` within a group of `cols` columns to the row or column sums. */
export function lineAdd(op: i32, p: usize, n: i32, at: i32, cols: i32): void {
  let row = at / cols;
  let col = at % cols;
  const byRow = op == OP_ROWMEAN;
  for (let i = 0; i < n; i++) {
    const slot = lineSums + (<usize>(byRow ? row : col) << 3);
    store<f64>(slot, load<f64>(slot) + <f64>load<f32>(p + (<usize>i << 2)));
    if (++col == cols) {
      col = 0;
      row++;
    }
  }
}

/** f32 means of the row (column) sums into out[0..lines). */
export function lineValues(out: usize, lines: i32, divisor: i32): void {
  for (let i = 0; i < lines; i++) {
    store<f32>(out + (<usize>i << 2), <f32>(load<f64>(lineSums + (<usize>i << 3)) / <f64>divisor));
  }
}

/** A[i] = the value of lane at + i's row (column) from the per-line values. */
export function lineSpread(op: i32, A: usize, line: usize, n: i32, at: i32, cols: i32): void {
  let row = at / cols;
  let col = at % cols;
  const byRow = op == OP_ROWMEAN;
  for (let i = 0; i < n; i++) {
    store<f32>(A + (<usize>i << 2), load<f32>(line + (<usize>(byRow ? row : col) << 2)));
    if (++col == cols) {
      col = 0;
      row++;
    }
  }
}

/**
 * Event mode's whole-group pass: `op` (a reduction, rowmean or colmean) over each group of `src`
 * (L lanes), its values spread over the group's lanes of `dst`; `scratch` holds max(rows, cols) f32.
 */
export function reduceGroups(op: i32, src: usize, dst: usize, scratch: usize): void {
  for (let g = 0; g < G; g++) {
    const start = i32At(gStart, g);
    const rows = i32At(gRows, g);
    const cols = i32At(gCols, g);
    const at = <usize>start << 2;
    if (op != OP_ROWMEAN && op != OP_COLMEAN) {
      redReset();
      redAdd(src + at, rows * cols);
      const v = redValue(op, rows * cols);
      for (let l = 0; l < rows * cols; l++) store<f32>(dst + at + (<usize>l << 2), v);
    } else {
      const lines = op == OP_ROWMEAN ? rows : cols;
      lineReset(lines);
      lineAdd(op, src + at, rows * cols, 0, cols);
      lineValues(scratch, lines, op == OP_ROWMEAN ? cols : rows);
      lineSpread(op, dst + at, scratch, rows * cols, 0, cols);
    }
  }
}
