// Tiled mode (docs/engine.md, Execution modes): scalar-width nodes run once per tick, then group by
// group and phase by phase, group-width nodes once per group and lane nodes tile by tile (tiles of
// `tile` lanes never cross a group). A reduction ends a phase: the nodes after it see its value
// only once all the group's lanes of its input are known, so its input is kept for all lanes and
// reduced in a pass over the group before the phase's tiles. Lane values that no later tick or
// phase reads live in scratch tiles, reused as soon as their last reader in the tile has run.
//
//   lists per phase k (topo order): reducers redList[redAt[k] ..], group nodes grpList[..],
//   lane nodes laneList[..]; scalar nodes scalarList; scratch tiles scratchBufs[i] (tile f32)

import {
  ROLE_INPUT, ROLE_OUTPUT, WIDTH_LANE, WIDTH_GROUP, WIDTH_SCALAR, POLICY_ALWAYS, POLICY_RANDOM,
  EMIT_VALUE, OP_CONST, OP_EVERY, OP_SELECT, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_MIN, OP_MAX,
  OP_GT, OP_GE, OP_EQ, OP_ROWMEAN, OP_IDENTITY, OP_MODULATE,
} from './layout';
import {
  NodeRec, node, edge, capNodes, L, G, i32At, setI32, ptrAt, setPtr, gStart, gRows, gCols,
  inBuf, inWidth, outBuf, seedMix, groupSize,
} from './tables';
import { alloc, poolTake, POOL_LINE } from './memory';
import { topo, topoCount, phaseCount, needMeans, isReducer, isLine } from './schedule';
import { reconcile, tickAt, rotate, unitsOf } from './planes';
import { opUnit } from './ops';
import { opRun, fillScan, valueFlags, KIND_CELL } from './kern';
import { fireSpan, fireUnit, scan, anyNonzero, sumInto, repeatedAdd, FLAG_NONZERO, FLAG_NONFINITE } from './firing';
import { redReset, redAdd, redValue, lineReset, lineAdd, lineValues, lineSpread } from './reduce';
import { hashPrefix } from './rng';
import {
  CLS_SCRATCH, CLS_PLANE, CLS_OUT, CLS_NARROW, CLS_INPUT, allocPorts, buildTerms, refreshTerms, lanePort, narrowPort,
  zeroCell, portPtr, portKind,
} from './ports';
import { allocChains, planChains, chainAt, chainEnd, runChain, chainFlags } from './chain';

let tile: i32 = 0;
let lists: usize = 0; // redList | grpList | laneList | scalarList | inputList, capNodes each
let redAt: usize = 0; // phase starts, capNodes + 2 each
let grpAt: usize = 0;
let laneAt: usize = 0;
let scalarCount: i32 = 0;
let inputCount: i32 = 0;
let lastUse: usize = 0;
let freeScratch: usize = 0;
let scratchBufs: usize = 0;
let scratchMade: i32 = 0;
let portBufs: usize = 0; // 3 tiles
let aBuf: usize = 0;

@inline function list(which: i32): usize {
  return lists + <usize>which * <usize>max(capNodes, 1) * 4;
}

export function allocTiled(tileLanes: i32): bool {
  tile = tileLanes;
  const cn = <u64>max(capNodes, 1);
  lists = alloc(cn * 4 * 5);
  redAt = alloc((cn + 2) * 4);
  grpAt = alloc((cn + 2) * 4);
  laneAt = alloc((cn + 2) * 4);
  lastUse = alloc(cn * 4);
  freeScratch = alloc(cn * 4);
  scratchBufs = alloc(cn * 4);
  scratchMade = 0;
  portBufs = alloc(<u64>tile * 12 + 48);
  aBuf = alloc(<u64>tile * 4 + 16);
  return lists != 0 && redAt != 0 && grpAt != 0 && laneAt != 0 && lastUse != 0 && freeScratch != 0 &&
    scratchBufs != 0 && portBufs != 0 && aBuf != 0 && allocPorts(tile) && allocChains(tile);
}

/** Sorts the phase's nodes of one kind into list `which` by phase (stable: topo order within). */
function bucket(which: i32, at: usize, kind: i32): void {
  memory.fill(at, 0, <usize>(phaseCount + 1) << 2);
  for (let i = 0; i < topoCount; i++) {
    const n = node(i32At(topo, i));
    if (kindOf(n) == kind) setI32(at, n.phase + 1, i32At(at, n.phase + 1) + 1);
  }
  for (let k = 1; k <= phaseCount; k++) setI32(at, k, i32At(at, k) + i32At(at, k - 1));
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const n = node(s);
    if (kindOf(n) != kind) continue;
    const k = i32At(at, n.phase);
    setI32(list(which), k, s);
    setI32(at, n.phase, k + 1);
  }
  for (let k = phaseCount; k > 0; k--) setI32(at, k, i32At(at, k - 1));
  setI32(at, 0, 0);
}

const KIND_REDUCER: i32 = 0;
const KIND_GROUP: i32 = 1;
const KIND_LANE: i32 = 2;

@inline function kindOf(n: NodeRec): i32 {
  if (n.role == ROLE_INPUT || n.storeW == WIDTH_SCALAR) return -1;
  return n.storeW == WIDTH_GROUP ? KIND_GROUP : KIND_LANE;
}

function bucketReducers(): void {
  memory.fill(redAt, 0, <usize>(phaseCount + 1) << 2);
  let k = 0;
  for (let phase = 0; phase < phaseCount; phase++) {
    setI32(redAt, phase, k);
    for (let i = 0; i < topoCount; i++) {
      const s = i32At(topo, i);
      const n = node(s);
      if (n.role != ROLE_INPUT && n.phase == phase && (isReducer(n.op) || isLine(n.op))) setI32(list(KIND_REDUCER), k++, s);
    }
  }
  setI32(redAt, phaseCount, k);
}

/** Greedy scratch tiles for one phase's lane list: a node's tile is free after its last reader. */
function assignScratch(k: i32): bool {
  const from = i32At(laneAt, k);
  const to = i32At(laneAt, k + 1);
  const lanes = list(KIND_LANE);
  for (let i = from; i < to; i++) setI32(lastUse, i32At(lanes, i), i);
  for (let i = from; i < to; i++) {
    const n = node(i32At(lanes, i));
    for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
      const r = edge(e);
      const src = node(r.src);
      if (r.enabled && r.delay == 0 && src.cls == CLS_SCRATCH && src.phase == k) setI32(lastUse, r.src, i);
    }
  }
  let free = 0;
  let made = 0;
  for (let i = from; i < to; i++) {
    const s = i32At(lanes, i);
    const n = node(s);
    if (n.cls == CLS_SCRATCH) {
      const slot = free > 0 ? i32At(freeScratch, --free) : made++;
      if (slot >= scratchMade) {
        const buf = alloc(<u64>tile * 4 + 16);
        if (buf == 0) return false;
        setPtr(scratchBufs, slot, buf);
        scratchMade = slot + 1;
      }
      n.scratch = ptrAt(scratchBufs, slot);
      n.scratchSlot = slot;
    }
    // Release the tiles whose last reader is this node (its own, if nothing reads it).
    for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
      const r = edge(e);
      if (r.enabled && r.delay == 0 && releasable(r.src, i)) setI32(freeScratch, free++, node(r.src).scratchSlot);
    }
    if (releasable(s, i)) setI32(freeScratch, free++, n.scratchSlot);
  }
  return true;
}

/** Whether node s's scratch tile is free after position i (once: a source read twice is freed once). */
@inline function releasable(s: i32, i: i32): bool {
  if (node(s).cls != CLS_SCRATCH || i32At(lastUse, s) != i) return false;
  setI32(lastUse, s, -1);
  return true;
}

export function prepareTiled(t: i32): bool {
  for (let i = 0; i < topoCount; i++) {
    const n = node(i32At(topo, i));
    let cross = false;
    let selfOnly = true; // the node is its own only delayed reader
    for (let e = n.outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      if (r.enabled && r.delay == 0 && node(r.dst).phase > n.phase) cross = true;
      if (r.enabled && r.delay > 0 && r.dst != i32At(topo, i)) selfOnly = false;
    }
    let want = n.depth;
    n.inPlace = 0;
    if (n.role == ROLE_INPUT) {
      n.cls = CLS_INPUT;
      if (want < 2) want = 0;
    } else if (n.storeW != WIDTH_LANE) {
      n.cls = CLS_NARROW;
    } else if (n.depth >= 2 || cross) {
      n.cls = CLS_PLANE;
      // A node that alone reads its previous output (as m_t = b m_{t-1} + ...) overwrites it in
      // place: each lane is read before it is written, and one plane is streamed instead of two.
      if (n.depth == 2 && selfOnly) {
        n.inPlace = 1;
        want = 1;
      }
    } else {
      n.cls = n.role == ROLE_OUTPUT ? CLS_OUT : CLS_SCRATCH;
      want = 0;
    }
    if (!reconcile(n, t, want)) return false;
    if (isLine(n.op) && n.line == 0 && (n.line = poolTake(POOL_LINE)) == 0) return false;
  }
  bucketReducers();
  bucket(KIND_GROUP, grpAt, KIND_GROUP);
  bucket(KIND_LANE, laneAt, KIND_LANE);
  scalarCount = 0;
  inputCount = 0;
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const n = node(s);
    if (n.role == ROLE_INPUT) setI32(list(4), inputCount++, s);
    else if (n.storeW == WIDTH_SCALAR) setI32(list(3), scalarCount++, s);
  }
  for (let k = 0; k < phaseCount; k++) if (!assignScratch(k)) return false;
  return true;
}

/** Ports a node's op and firing read: all three when refractory counters need "touched". */
function portsNeeded(n: NodeRec): i32 {
  if (n.rPlane != 0) return 3;
  const op = n.op;
  if (op == OP_CONST || op == OP_EVERY || isReducer(op) || isLine(op)) return 0;
  if (op == OP_SELECT) return 3;
  if (op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV || op == OP_POW || op == OP_MIN ||
    op == OP_MAX || op == OP_GT || op == OP_GE || op == OP_EQ) return 2;
  return 1;
}

@inline function record(n: NodeRec, flags: i32, bit: i32): void {
  if (flags & FLAG_NONFINITE) n.nonFinite = 1;
  if (flags & FLAG_NONZERO) n.nzMask |= bit;
}

/** A scalar- or group-width node in group g (g = 0 for scalar), standing for `mult` lanes. */
function evalNarrow(s: i32, t: i32, g: i32, mult: i32, bit: i32): void {
  const n = node(s);
  const ports = portsNeeded(n);
  const x = ports > 0 ? narrowPort(s, 0, t, g) : 0;
  const y = ports > 1 ? narrowPort(s, 1, t, g) : 0;
  const z = ports > 2 ? narrowPort(s, 2, t, g) : 0;
  const a = isReducer(n.op) ? n.redVal : opUnit(n.op, x, y, z, n.attr0, n.attr1, t);
  const idx = n.planeW == WIDTH_GROUP ? <usize>g << 2 : 0;
  const r = n.rPlane != 0 ? n.rPlane + idx : 0;
  const fired = fireUnit(n, a, r != 0 && (x != 0 || y != 0 || z != 0), n.vPlane + idx, r, 0, 0);
  const o: f32 = fired ? (n.emit == EMIT_VALUE ? a : 1) : 0;
  store<f32>(ptrAt(n.ring, tickAt) + idx, o);
  if (fired) {
    n.fired += <f64>mult;
    if (n.effCount > 0) n.actSum = repeatedAdd(n.actSum, <f64>a, mult);
  }
  record(n, (valueFlags(a) & FLAG_NONFINITE) | (valueFlags(o) & FLAG_NONZERO), bit);
  if (needMeans) n.meanSum = repeatedAdd(n.meanSum, <f64>o, mult);
  if (n.role == ROLE_OUTPUT) {
    const start = n.planeW == WIDTH_GROUP ? i32At(gStart, g) : 0;
    fillScan(ptrAt(outBuf, n.slot) + (<usize>start << 2), o, mult);
  }
}

/** out = a copy of n values (or of a splat cell); returns out's flags. */
function copyScan(out: usize, from: usize, kind: i32, n: i32): i32 {
  if (kind == KIND_CELL) return fillScan(out, load<f32>(from), n);
  memory.copy(out, from, <usize>n << 2);
  return scan(out, n);
}

/**
 * A port as a lane array (a splat cell is spread into buf) for the readers that are blind to the
 * sign of zero: the refractory test and the reductions.
 */
function portArray(s: i32, p: i32, off: i32, cnt: i32, buf: usize): usize {
  lanePort(s, p, off, cnt, buf, false);
  if (portKind != KIND_CELL) return portPtr;
  fillScan(buf, load<f32>(portPtr), cnt);
  return buf;
}

/** A lane node over tile lanes [off, off + cnt) of group g. */
function evalLane(s: i32, t: i32, g: i32, off: i32, cnt: i32, bit: i32): void {
  const n = node(s);
  const o = <usize>off << 2;
  let out: usize;
  if (n.cls == CLS_SCRATCH) out = n.scratch;
  else if (n.cls == CLS_OUT) out = ptrAt(outBuf, n.slot) + o;
  else out = ptrAt(n.ring, tickAt) + o;
  const trivial = n.policy == POLICY_ALWAYS && n.rPlane == 0 && n.emit == EMIT_VALUE;
  let flags: i32;
  if (trivial && (n.op == OP_IDENTITY || n.op == OP_MODULATE)) {
    // The output is port 0 itself: computed straight into the output, or copied.
    flags = lanePort(s, 0, off, cnt, out, true);
    // Read in place: from a source, copied; from the node's own plane (an in-place hold), as is.
    if (flags < 0) flags = portPtr != out ? copyScan(out, portPtr, portKind, cnt) : scan(out, cnt);
  } else {
    const ports = portsNeeded(n);
    const b1 = portBufs + (<usize>tile << 2);
    const b2 = portBufs + (<usize>tile << 3);
    let p0 = zeroCell;
    let p1 = zeroCell;
    let p2 = zeroCell;
    let k0 = KIND_CELL;
    let k1 = KIND_CELL;
    let k2 = KIND_CELL;
    if (ports > 0) { lanePort(s, 0, off, cnt, portBufs, false); p0 = portPtr; k0 = portKind; }
    if (ports > 1) { lanePort(s, 1, off, cnt, b1, false); p1 = portPtr; k1 = portKind; }
    if (ports > 2) { lanePort(s, 2, off, cnt, b2, false); p2 = portPtr; k2 = portKind; }
    const a = trivial ? out : aBuf;
    if (isReducer(n.op)) {
      flags = fillScan(a, n.redVal, cnt);
    } else if (isLine(n.op)) {
      lineSpread(n.op, a, n.line, cnt, off - i32At(gStart, g), i32At(gCols, g));
      flags = scan(a, cnt);
    } else {
      flags = opRun(n.op, a, p0, k0, p1, k1, p2, k2, cnt, n.attr0, n.attr1, t);
    }
    if (!trivial) {
      // The refractory test reads the ports lane by lane.
      if (n.rPlane != 0) {
        p0 = portArray(s, 0, off, cnt, portBufs);
        p1 = portArray(s, 1, off, cnt, b1);
        p2 = portArray(s, 2, off, cnt, b2);
      }
      fireSpan(n, a, out, p0, p1, p2, n.vPlane != 0 ? n.vPlane + o : 0, n.rPlane != 0 ? n.rPlane + o : 0,
        cnt, off, 1, n.policy == POLICY_RANDOM ? hashPrefix(seedMix, <u32>t, <u32>n.key) : 0, n.effCount > 0);
      flags = (flags & FLAG_NONFINITE) | (scan(out, cnt) & FLAG_NONZERO);
    }
  }
  if (trivial) {
    n.fired += <f64>cnt;
    if (n.effCount > 0) n.actSum = sumInto(n.actSum, out, cnt, 1);
  }
  record(n, flags, bit);
  if (needMeans) n.meanSum = sumInto(n.meanSum, out, cnt, 1);
  if (n.cls == CLS_PLANE && n.role == ROLE_OUTPUT) memory.copy(ptrAt(outBuf, n.slot) + o, out, <usize>cnt << 2);
}

/** The reductions of phase k over group g: their port 0 over the group's lanes, tile by tile. */
function prepass(k: i32, t: i32, g: i32): void {
  const start = i32At(gStart, g);
  const size = groupSize(g);
  const rows = i32At(gRows, g);
  const cols = i32At(gCols, g);
  const reds = list(KIND_REDUCER);
  for (let i = i32At(redAt, k); i < i32At(redAt, k + 1); i++) {
    const s = i32At(reds, i);
    const n = node(s);
    const line = isLine(n.op);
    if (line) lineReset(n.op == OP_ROWMEAN ? rows : cols);
    else redReset();
    for (let off = start; off < start + size; off += tile) {
      const cnt = min(tile, start + size - off);
      const p0 = portArray(s, 0, off, cnt, portBufs);
      if (line) lineAdd(n.op, p0, cnt, off - start, cols);
      else redAdd(p0, cnt);
    }
    if (line) lineValues(n.line, n.op == OP_ROWMEAN ? rows : cols, n.op == OP_ROWMEAN ? cols : rows);
    else n.redVal = redValue(n.op, size);
  }
}

/** Input nodes at the start of tick t: ring copies, and scalar slots' statistics. */
function inputs(t: i32, bit: i32): void {
  for (let i = 0; i < inputCount; i++) {
    const n = node(i32At(list(4), i));
    const src = ptrAt(inBuf, n.slot);
    const lane = i32At(inWidth, n.slot) == WIDTH_LANE;
    if (n.ringN > 0) {
      const plane = ptrAt(n.ring, tickAt);
      if (lane) memory.copy(plane, src, <usize>L << 2);
      else fillScan(plane, load<f32>(src), unitsOf(n.planeW));
    }
    if (!lane) {
      record(n, scan(src, 1), bit);
      if (needMeans || n.effCount > 0) n.meanSum = repeatedAdd(0, <f64>load<f32>(src), L);
    }
  }
}

/** Lane input statistics over one tile. */
function inputTile(off: i32, cnt: i32, bit: i32): void {
  for (let i = 0; i < inputCount; i++) {
    const n = node(i32At(list(4), i));
    if (i32At(inWidth, n.slot) != WIDTH_LANE) continue;
    const p = ptrAt(inBuf, n.slot) + (<usize>off << 2);
    // Only "some lane nonzero" is wanted (inputs have no activation to check): once seen, done.
    if ((n.nzMask & bit) == 0 && anyNonzero(p, cnt)) n.nzMask |= bit;
    if (needMeans || n.effCount > 0) n.meanSum = sumInto(n.meanSum, p, cnt, 1);
  }
}

/** The sweep of tick t. */
export function sweepTiled(t: i32): void {
  const bit = 1 << tickAt;
  for (let i = 0; i < topoCount; i++) {
    const n = node(i32At(topo, i));
    if (n.ringN > 0) rotate(n);
  }
  buildTerms(t);
  planChains(list(KIND_LANE), laneAt, phaseCount);
  inputs(t, bit);
  for (let i = 0; i < scalarCount; i++) evalNarrow(i32At(list(3), i), t, 0, L, bit);
  const lanes = list(KIND_LANE);
  const groups = list(KIND_GROUP);
  for (let g = 0; g < G; g++) {
    const start = i32At(gStart, g);
    const end = start + groupSize(g);
    const size = end - start;
    for (let k = 0; k < phaseCount; k++) {
      refreshTerms(t, g, k);
      prepass(k, t, g);
      const narrow = i32At(grpAt, k + 1) > i32At(grpAt, k);
      for (let i = i32At(grpAt, k); i < i32At(grpAt, k + 1); i++) evalNarrow(i32At(groups, i), t, g, size, bit);
      if (narrow) refreshTerms(t, g, k);
      const from = i32At(laneAt, k);
      const to = i32At(laneAt, k + 1);
      if (from == to && (k > 0 || inputCount == 0)) continue;
      for (let off = start; off < end; off += tile) {
        const cnt = min(tile, end - off);
        if (k == 0) inputTile(off, cnt, bit);
        for (let i = from; i < to;) {
          const j = chainAt(i);
          if (j < 0) {
            evalLane(i32At(lanes, i), t, g, off, cnt, bit);
            i++;
            continue;
          }
          runChain(j, off, cnt);
          const end = chainEnd(j);
          for (let p = i; p < end; p++) {
            const n = node(i32At(lanes, p));
            n.fired += <f64>cnt;
            record(n, chainFlags(j, p - i), bit);
          }
          i = end;
        }
      }
    }
  }
}
