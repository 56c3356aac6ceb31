// Port values in tiled mode: P = 0, then P = f32(P + f32(w_e * x_e)) for the live edges into port
// p in ascending key order (docs/engine.md, Numbers). Each tick the live edges (enabled, t - d >= 1,
// t - d > born) become terms: a lane term reads a tile of its source at base + off * 4 (or a
// scratch tile); a narrow term is one value per group, its product refreshed when the group
// changes. A port is then read in place (one weight-1 term), from a splat cell (only narrow
// terms: their f32 sum), or computed into a buffer in f32x4 (sums.ts): one term times its weight,
// or the first two terms added in one pass and each further term in a pass of its own.
//
//   terms (per tick): tSrc tDelay tW f32 | tBase usize (0: narrow) | tStep (4: plane, 0: scratch) |
//                     tConst f32 (narrow: f32(w * value) in the current group)
//   ports (node slot s, port p at 3s + p): pStart pCount pMode | pCell (16-byte splat cell)

import {
  ROLE_INPUT, WIDTH_LANE, WIDTH_GROUP, EMIT_SPIKE, OP_ABS, OP_SIGN, OP_SQUARE, OP_SQRT, OP_RSQRT,
  OP_POW, OP_EXP, OP_LOG, OP_SIGMOID, OP_RELU, OP_GT, OP_GE, OP_EQ, OP_EVERY, OP_RSUM, OP_RNORM,
  OP_RMAXABS, OP_RRMS, OP_RMEAN, OP_ROWMEAN, OP_COLMEAN, OP_SELECT, OP_DIV, OP_CONST, OP_NEG, OP_MUL,
  OP_CLAMP,
} from './layout';
import { NodeRec, node, edge, capNodes, capEdges, i32At, setI32, ptrAt, inBuf, inWidth, outBuf } from './tables';
import { alloc } from './memory';
import { topo, topoCount, isReducer, isLine } from './schedule';
import { tickAt, back } from './planes';
import { KIND_LANE, KIND_CANON, KIND_CELL } from './kern';
import { allocSums, scaled, sumPair, sumMore, sumBuf } from './sums';

export const CLS_SCRATCH: i32 = 0; // lane values in a scratch tile, alive within one tile
export const CLS_PLANE: i32 = 1; // lane values in ring planes (read across ticks or phases)
export const CLS_OUT: i32 = 2; // lane values written straight into the output slot's buffer
export const CLS_NARROW: i32 = 3; // one value per group or per tick, in small ring planes
export const CLS_INPUT: i32 = 4; // an input node: its slot's buffer, and ring planes if read later

const MODE_ZERO: i32 = 0;
const MODE_ALIAS: i32 = 1; // one weight-1 lane term read in place
const MODE_CANON: i32 = 2; // the same, read as x + 0 (its source may hold -0)
const MODE_CELL: i32 = 3; // narrow terms only
const MODE_SCALED: i32 = 4; // one lane term
const MODE_SUM: i32 = 5; // two or more terms
export const PORT_ZERO = MODE_ZERO;
export const PORT_ALIAS = MODE_ALIAS;
export const PORT_CANON = MODE_CANON;
export const PORT_CELL = MODE_CELL;
export const PORT_SCALED = MODE_SCALED;
export const PORT_SUM = MODE_SUM;

let tSrc: usize = 0;
let tDelay: usize = 0;
let tW: usize = 0;
let tBase: usize = 0;
let tStep: usize = 0;
let tConst: usize = 0;
let pStart: usize = 0;
let pCount: usize = 0;
let pMode: usize = 0;
let cells: usize = 0;
let narrowTerms: usize = 0; // (term index, target's phase) of the narrow terms of lane nodes
let narrowCount: i32 = 0;
let cellPorts: usize = 0; // (3s + p, target's phase) of the one-narrow-term ports
let cellCount: i32 = 0;
export let zeroCell: usize = 0;
// The operand a port resolved to for the current tile: a pointer and a kind (kern.ts KIND_*).
export let portPtr: usize = 0;
export let portKind: i32 = KIND_LANE;

export function allocPorts(tile: i32): bool {
  const ce = <u64>max(capEdges, 1);
  const cp = <u64>max(capNodes, 1) * 3;
  tSrc = alloc(ce * 4);
  tDelay = alloc(ce * 4);
  tW = alloc(ce * 4);
  tBase = alloc(ce * 4);
  tStep = alloc(ce * 4);
  tConst = alloc(ce * 4);
  narrowTerms = alloc(ce * 8);
  cellPorts = alloc(cp * 8);
  pStart = alloc(cp * 4);
  pCount = alloc(cp * 4);
  pMode = alloc(cp * 4);
  cells = alloc(cp * 16);
  zeroCell = alloc(16);
  return tSrc != 0 && tDelay != 0 && tW != 0 && tBase != 0 && tStep != 0 && tConst != 0 &&
    narrowTerms != 0 && cellPorts != 0 && pStart != 0 && pCount != 0 && pMode != 0 &&
    cells != 0 && zeroCell != 0 && allocSums(tile);
}

@inline function wAt(k: i32): f32 {
  return load<f32>(tW + (<usize>k << 2));
}
@inline function constAt(k: i32): f32 {
  return load<f32>(tConst + (<usize>k << 2));
}

/**
 * Whether a node's output is never -0, so that a weight-1 port may read it in place. Ports are
 * never -0 (their sums start at +0, and a sum of floats that is zero is +0 unless all are -0).
 */
function zeroCanonical(n: NodeRec): bool {
  if (n.role == ROLE_INPUT) return false;
  if (n.emit == EMIT_SPIKE) return true;
  // Ops that make -0 from ports that are not -0 (inputs and attributes may be -0).
  switch (n.op) {
    case OP_NEG: case OP_MUL: case OP_DIV: case OP_CLAMP: case OP_CONST: return false;
  }
  return true;
}

/** Whether op's result is the same for -0 and +0 in port p. */
function zeroBlind(op: i32, p: i32): bool {
  switch (op) {
    case OP_ABS: case OP_SIGN: case OP_SQUARE: case OP_SQRT: case OP_RSQRT: case OP_POW: case OP_EXP:
    case OP_LOG: case OP_SIGMOID: case OP_RELU: case OP_GT: case OP_GE: case OP_EQ: case OP_EVERY:
    case OP_CONST: case OP_RSUM: case OP_RMEAN: case OP_RNORM: case OP_RMAXABS: case OP_RRMS:
    case OP_ROWMEAN: case OP_COLMEAN:
      return true;
    case OP_SELECT: return p == 0;
    case OP_DIV: return p == 1;
  }
  return false;
}

/** The lane plane of source n at tick t - d (add off * 4), its scratch tile, or 0 if narrow. */
function laneBase(n: NodeRec, d: i32, t: i32): usize {
  if (d > 0) return n.planeW == WIDTH_LANE ? ptrAt(n.ring, n.inPlace ? tickAt : back(d)) : 0;
  if (n.role == ROLE_INPUT) return i32At(inWidth, n.slot) == WIDTH_LANE ? ptrAt(inBuf, n.slot) : 0;
  if (n.cls == CLS_SCRATCH) return n.scratch;
  if (n.cls == CLS_PLANE) return ptrAt(n.ring, tickAt);
  if (n.cls == CLS_OUT) return ptrAt(outBuf, n.slot);
  return 0;
}

/** The value of narrow source `n` at tick t - d in group g. */
export function narrowValue(n: NodeRec, d: i32, t: i32, g: i32): f32 {
  if (d == 0 && n.role == ROLE_INPUT) return load<f32>(ptrAt(inBuf, n.slot));
  const plane = ptrAt(n.ring, back(d));
  return load<f32>(plane + (n.planeW == WIDTH_GROUP ? <usize>g << 2 : 0));
}

/** The live edges of tick t as terms, per node and port in key order, and each port's mode. */
export function buildTerms(t: i32): void {
  let k = 0;
  narrowCount = 0;
  cellCount = 0;
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const n = node(s);
    if (n.role == ROLE_INPUT) continue;
    // Terms read per tile: those of lane nodes and of reductions (their pass over the group).
    const lane = n.storeW == WIDTH_LANE || isReducer(n.op) || isLine(n.op);
    for (let p = 0; p < 3; p++) {
      const k0 = k;
      for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
        const r = edge(e);
        const at = t - r.delay;
        if (r.port != p || !r.enabled || at < 1 || at <= r.born) continue;
        const src = node(r.src);
        const base = laneBase(src, r.delay, t);
        setI32(tSrc, k, r.src);
        setI32(tDelay, k, r.delay);
        store<f32>(tW + (<usize>k << 2), r.weight);
        store<usize>(tBase + (<usize>k << 2), base);
        setI32(tStep, k, src.cls == CLS_SCRATCH && r.delay == 0 && src.role != ROLE_INPUT ? 0 : 4);
        if (base == 0 && lane) {
          setI32(narrowTerms, 2 * narrowCount, k);
          setI32(narrowTerms, 2 * narrowCount++ + 1, n.phase);
        }
        k++;
      }
      const at = 3 * s + p;
      const count = k - k0;
      setI32(pStart, at, k0);
      setI32(pCount, at, count);
      let narrowOnly = true;
      for (let j = k0; j < k; j++) if (load<usize>(tBase + (<usize>j << 2)) != 0) narrowOnly = false;
      let mode = MODE_SUM;
      if (count == 0) mode = MODE_ZERO;
      else if (narrowOnly) mode = MODE_CELL;
      else if (count == 1) {
        if (wAt(k0) != 1) mode = MODE_SCALED;
        else mode = zeroCanonical(node(i32At(tSrc, k0))) || zeroBlind(n.op, p) ? MODE_ALIAS : MODE_CANON;
      }
      setI32(pMode, at, mode);
      if (mode == MODE_CELL && lane) {
        setI32(cellPorts, 2 * cellCount, at);
        setI32(cellPorts, 2 * cellCount++ + 1, n.phase);
      }
    }
  }
}

/** The narrow terms of phase k's lane nodes in group g (after its narrow nodes ran), and cells. */
export function refreshTerms(t: i32, g: i32, k: i32): void {
  for (let i = 0; i < narrowCount; i++) {
    if (i32At(narrowTerms, 2 * i + 1) != k) continue;
    const j = i32At(narrowTerms, 2 * i);
    const v = narrowValue(node(i32At(tSrc, j)), i32At(tDelay, j), t, g);
    store<f32>(tConst + (<usize>j << 2), wAt(j) * v);
  }
  for (let i = 0; i < cellCount; i++) {
    if (i32At(cellPorts, 2 * i + 1) != k) continue;
    const at = i32At(cellPorts, 2 * i);
    const k0 = i32At(pStart, at);
    let sum: f32 = 0;
    for (let j = k0; j < k0 + i32At(pCount, at); j++) sum += constAt(j);
    v128.store(cells + (<usize>at << 4), f32x4.splat(sum));
  }
}

/** One narrow node's port value in group g: P = 0, P = f32(P + f32(w x)) in key order. */
export function narrowPort(s: i32, p: i32, t: i32, g: i32): f32 {
  const k0 = i32At(pStart, 3 * s + p);
  const k1 = k0 + i32At(pCount, 3 * s + p);
  let sum: f32 = 0;
  for (let k = k0; k < k1; k++) {
    sum += wAt(k) * narrowValue(node(i32At(tSrc, k)), i32At(tDelay, k), t, g);
  }
  return sum;
}

@inline function lanePtr(k: i32, off: i32): usize {
  return load<usize>(tBase + (<usize>k << 2)) + <usize>(i32At(tStep, k) * off);
}

/**
 * Port p of lane node s over tile lanes [off, off + n): sets portPtr and portKind. A computed port
 * goes to `buf` and its flags are returned; -1 when it is read in place. With `into`, a port read
 * as x + 0 is computed into `buf` as well.
 */
export function lanePort(s: i32, p: i32, off: i32, n: i32, buf: usize, into: bool): i32 {
  const at = 3 * s + p;
  const mode = i32At(pMode, at);
  const k0 = i32At(pStart, at);
  portKind = KIND_LANE;
  if (mode == MODE_ZERO || mode == MODE_CELL) {
    portPtr = mode == MODE_ZERO ? zeroCell : cells + (<usize>at << 4);
    portKind = KIND_CELL;
    return -1;
  }
  if (mode == MODE_ALIAS || (mode == MODE_CANON && !into)) {
    portPtr = lanePtr(k0, off);
    if (mode == MODE_CANON) portKind = KIND_CANON;
    return -1;
  }
  portPtr = buf;
  if (mode == MODE_SCALED || mode == MODE_CANON) return scaled(buf, lanePtr(k0, off), wAt(k0), n);
  const last = k0 + i32At(pCount, at) - 1;
  const first = last == k0 + 1 ? buf : sumBuf;
  const flags = sumPair(first, termPtr(k0, off), wAt(k0), constAt(k0), termPtr(k0 + 1, off), wAt(k0 + 1), constAt(k0 + 1), n);
  if (last == k0 + 1) return flags;
  for (let k = k0 + 2; k < last; k++) sumMore(sumBuf, sumBuf, termPtr(k, off), wAt(k), constAt(k), n);
  return sumMore(buf, sumBuf, termPtr(last, off), wAt(last), constAt(last), n);
}

/** A term's lane pointer over the tile at off, or 0 for a narrow term. */
@inline function termPtr(k: i32, off: i32): usize {
  return load<usize>(tBase + (<usize>k << 2)) != 0 ? lanePtr(k, off) : 0;
}

// Read access for compiled chains (chain.ts): a port's mode and terms, a term's parts, a cell.
export function portModeAt(at: i32): i32 { return i32At(pMode, at); }
export function portStartAt(at: i32): i32 { return i32At(pStart, at); }
export function portCountAt(at: i32): i32 { return i32At(pCount, at); }
export function termSrcAt(k: i32): i32 { return i32At(tSrc, k); }
export function termDelayAt(k: i32): i32 { return i32At(tDelay, k); }
export function termBaseAt(k: i32): usize { return load<usize>(tBase + (<usize>k << 2)); }
export function termStepAt(k: i32): i32 { return i32At(tStep, k); }
export function termWAt(k: i32): f32 { return wAt(k); }
export function termConstAt(k: i32): f32 { return constAt(k); }
export function cellAt(at: i32): f32 { return load<f32>(cells + (<usize>at << 4)); }
