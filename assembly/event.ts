// Event mode (docs/engine.md, Execution modes): every node keeps all L lanes; a node whose output is
// nonzero pushes along its delay-0 out-edges at once, and queues (node, d) for tick t + d for each
// delay d it has. A delivery walks the node's current delay-d out-edges, skipping those born at or
// after t - d, with their current weights and the node's output of tick t - d: the same terms the
// pull semantics define, and a silent node costs nothing per edge. Out-edges sit in a CSR grouped
// by source and delay, rebuilt with the schedule; usage counts gather in the CSR and are flushed to
// the edges when someone reads them.
//
// Port sums are float32 in ascending edge-key order (docs/engine.md, Numbers), whatever the order
// of the pushes: each node's enabled in-edges (all ports) hold consecutive positions in key order.
// A push stores the product f32(w * x) (L lanes) in its edge's contribution slot and sets the
// position's bit; the target, when evaluated, walks the 64-bit words of its range in ascending
// position order (ctz), adds each contribution to its port's f32 sum, and clears its bits. Silent
// edges leave no term: a zero term never changes a sum from +0.
//
//   state:    per node, a block from POOL_STATE: | output ring M x L f32 (tick t at t % M) |
//             potentials L f32 | counters L i32 |
//   csrStart: capNodes x M + 1 i32 (entry range of (source s, delay d) at s * M + d)
//   entries:  16 bytes: in-position i32 | weight f32 | born i32 | usage i32
//   csrEdge:  the edge slot of each entry
//   queue:    M slots x (capNodes x maxDelay) entries of (node slot, node key, delay)
//   in-lists: inFrom / inTo (per node slot: its position range; inTo is negated when some in-edge
//             is not on port 0); per position: posPort u8, contrib L f32; bits: u64 words

import {
  ROLE_INPUT, ROLE_OUTPUT, WIDTH_LANE, C_EDGE_LANE_TRAVERSALS, OP_RMEAN, OP_IDENTITY, EMIT_VALUE,
  POLICY_RANDOM,
} from './layout';
import {
  NodeRec, node, edge, capNodes, capEdges, M, L, maxDelay, i32At, setI32, ptrAt, inBuf, inWidth,
  outBuf, seedMix, maxRows, maxCols,
} from './tables';
import { alloc, poolInit, poolTake, POOL_STATE } from './memory';
import { topo, topoCount, needMeans, isReducer, isLine, widthCount } from './schedule';
import { tickAt, back, ahead } from './planes';
import { beginNode, endNode, endUnit, noteNonFinite } from './stats';
import { opUnit } from './ops';
import { opRun, KIND_LANE } from './kern';
import { fireSpan, fireUnit, scan, sumInto, FLAG_NONZERO, FLAG_NONFINITE } from './firing';
import { redReset, redAdd, redValue, reduceGroups } from './reduce';
import { hashPrefix } from './rng';
import { addCost } from './costs';

const ENTRY: usize = 16;
let csrStart: usize = 0;
let entries: usize = 0;
let csrEdge: usize = 0;
let csrCount: i32 = 0;
let queue: usize = 0;
let queueCount: usize = 0;
let queueCap: i32 = 0;
let P0: usize = 0;
let P1: usize = 0;
let P2: usize = 0;
let A: usize = 0;
let lineBuf: usize = 0;
let traversals: f64 = 0;
let usagePending: bool = false; // usage counted in the CSR since the last flushUsage
let laneBytes: usize = 0;
let vAt: usize = 0;
let rAt: usize = 0;
let posCap: i32 = 0;
let inFrom: usize = 0;
let inTo: usize = 0;
let edgePos: usize = 0;
let posPort: usize = 0;
let contrib: usize = 0;
let bits: usize = 0;
let bitWords: i32 = 0; // words in use since the last rebuild (u64)

/** Forgets the previous load's CSR (flushUsage and setCsrWeight run in both modes). */
export function clearEvent(): void {
  entries = 0;
  csrCount = 0;
  usagePending = false;
}

export function allocEvent(): bool {
  laneBytes = <usize>L << 2;
  vAt = <usize>M * laneBytes;
  rAt = vAt + laneBytes;
  poolInit(POOL_STATE, <u64>rAt + <u64>laneBytes);
  const ce = <u64>max(capEdges, 1);
  csrStart = alloc(<u64>max(capNodes, 1) * <u64>M * 4 + 4);
  entries = alloc(ce * <u64>ENTRY);
  csrEdge = alloc(ce * 4);
  csrCount = 0;
  queueCap = max(capNodes, 1) * max(maxDelay, 1);
  queue = alloc(<u64>M * <u64>queueCap * 12);
  queueCount = alloc(<u64>M * 4);
  const lanes = <u64>L * 4 + 16;
  P0 = alloc(lanes);
  P1 = alloc(lanes);
  P2 = alloc(lanes);
  A = alloc(lanes);
  lineBuf = alloc(<u64>max(maxRows, maxCols) * 4 + 16);
  const cn = <u64>max(capNodes, 1);
  posCap = <i32>ce;
  inFrom = alloc(cn * 4);
  inTo = alloc(cn * 4);
  edgePos = alloc(ce * 4);
  posPort = alloc(<u64>posCap);
  contrib = alloc(<u64>posCap * <u64>L * 4);
  bits = alloc(<u64>(posCap >> 6) * 8 + 8);
  bitWords = 0;
  return csrStart != 0 && entries != 0 && csrEdge != 0 && queue != 0 && queueCount != 0 && P0 != 0 &&
    P1 != 0 && P2 != 0 && A != 0 && lineBuf != 0 && inFrom != 0 && inTo != 0 && edgePos != 0 &&
    posPort != 0 && contrib != 0 && bits != 0;
}

@inline function entry(k: i32): usize {
  return entries + <usize>k * ENTRY;
}

/** The node's output plane of tick t - d. */
@inline function plane(n: NodeRec, d: i32): usize {
  return n.state + <usize>back(d) * laneBytes;
}

export function setCsrWeight(e: i32): void {
  const r = edge(e);
  if (entries != 0 && r.csr >= 0) store<f32>(entry(r.csr), r.weight, 4);
}

/**
 * Moves the usage counted in the CSR to the edges (whose slots and keys it still names). A pass
 * over every edge, so only when a sweep has counted some since the last flush: selections by usage
 * call it once per effect, and many of them in one tick must not each pay for the whole graph.
 */
export function flushUsage(): void {
  if (!usagePending) return;
  usagePending = false;
  for (let k = 0; k < csrCount; k++) {
    const p = entry(k);
    const used = load<i32>(p, 12);
    if (used == 0) continue;
    const r = edge(i32At(csrEdge, k));
    if (r.alive && r.csr == k) r.usage += used;
    store<i32>(p, 0, 12);
  }
}

/** Planes, accumulators and the out-CSR for the schedule in force after tick t. */
export function prepareEvent(t: i32): bool {
  flushUsage();
  for (let i = 0; i < topoCount; i++) {
    const n = node(i32At(topo, i));
    if (n.state == 0) {
      n.state = poolTake(POOL_STATE);
      if (n.state == 0) return false;
      n.vPlane = n.state + vAt;
      n.planeW = WIDTH_LANE;
    }
    n.ringN = M;
    n.rPlane = n.refr > 0 || n.rActive ? n.state + rAt : 0;
  }
  // In-positions: each node's enabled in-edges in key order (the in-lists are kept in key order).
  let pos = 0;
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const from = pos;
    let mixed = false;
    for (let e = node(s).inHead; e >= 0; e = edge(e).inNext) {
      const r = edge(e);
      if (!r.enabled) continue;
      setI32(edgePos, e, pos);
      store<u8>(posPort + <usize>pos, <u8>r.port);
      if (r.port != 0) mixed = true;
      pos++;
    }
    setI32(inFrom, s, from);
    setI32(inTo, s, mixed ? -pos : pos);
  }
  const words = (pos + 63) >> 6;
  memory.fill(bits, 0, <usize>max(bitWords, words) << 3);
  bitWords = words;
  const slots = capNodes * M;
  memory.fill(csrStart, 0, <usize>(slots + 1) << 2);
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    for (let e = node(s).outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      r.csr = -1;
      if (r.enabled) setI32(csrStart, s * M + r.delay + 1, i32At(csrStart, s * M + r.delay + 1) + 1);
    }
  }
  for (let i = 1; i <= slots; i++) setI32(csrStart, i, i32At(csrStart, i) + i32At(csrStart, i - 1));
  csrCount = i32At(csrStart, slots);
  // Fill each range from its back, walking out-lists from their tails, so entries end up in key
  // order and each range's end has moved down to its start; then move the ends back.
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    for (let e = node(s).outTail; e >= 0; e = edge(e).outPrev) {
      const r = edge(e);
      if (!r.enabled) continue;
      const at = s * M + r.delay + 1;
      const k = i32At(csrStart, at) - 1;
      setI32(csrStart, at, k);
      r.csr = k;
      const p = entry(k);
      store<i32>(p, i32At(edgePos, e));
      store<f32>(p, r.weight, 4);
      store<i32>(p, r.born, 8);
      store<i32>(p, 0, 12);
      setI32(csrEdge, k, e);
    }
  }
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    for (let e = node(s).outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      if (r.enabled) setI32(csrStart, s * M + r.delay + 1, i32At(csrStart, s * M + r.delay + 1) + 1);
    }
  }
  return true;
}

@inline function mark(pos: i32): void {
  const at = bits + (<usize>(pos >> 6) << 3);
  store<u64>(at, load<u64>(at) | (<u64>1 << <u64>(pos & 63)));
}

/** The bits of positions [from, to) in word w, to be ANDed with the word. */
@inline function rangeMask(w: i32, from: i32, to: i32): u64 {
  let m: u64 = ~<u64>0;
  if (w == from >> 6) m <<= <u64>(from & 63);
  if (w == (to - 1) >> 6 && (to & 63) != 0) m &= (<u64>1 << <u64>(to & 63)) - 1;
  return m;
}

/** Stores f32(w * x) in the contribution slots of entries k0..k1, skipping edges born at or after `since`. */
function pushRange(k0: i32, k1: i32, x: usize, since: i32, mult: f64): void {
  let used = 0;
  if (L == 1) {
    const xv = load<f32>(x);
    for (let k = k0; k < k1; k++) {
      const p = entry(k);
      if (load<i32>(p, 8) >= since) continue;
      const pos = load<i32>(p);
      store<f32>(contrib + (<usize>pos << 2), load<f32>(p, 4) * xv);
      mark(pos);
      store<i32>(p, load<i32>(p, 12) + 1, 12);
      used++;
    }
  } else {
    for (let k = k0; k < k1; k++) {
      const p = entry(k);
      if (load<i32>(p, 8) >= since) continue;
      const pos = load<i32>(p);
      const c = contrib + <usize>pos * laneBytes;
      const w = load<f32>(p, 4);
      for (let l = 0; l < L; l++) {
        const f = <usize>l << 2;
        store<f32>(c + f, w * load<f32>(x + f));
      }
      mark(pos);
      store<i32>(p, load<i32>(p, 12) + 1, 12);
      used++;
    }
  }
  traversals += <f64>used * mult;
  if (used > 0) usagePending = true;
}

function deliver(t: i32): void {
  const q = tickAt;
  const count = i32At(queueCount, q);
  const base = queue + <usize>q * <usize>queueCap * 12;
  for (let i = 0; i < count; i++) {
    const p = base + <usize>i * 12;
    const s = load<i32>(p);
    const n = node(s);
    const d = load<i32>(p, 8);
    if (!n.alive || n.key != load<i32>(p, 4)) continue;
    const at = s * M + d;
    const k0 = i32At(csrStart, at);
    const k1 = i32At(csrStart, at + 1);
    if (k0 < k1) pushRange(k0, k1, plane(n, d), t - d, widthCount(n.costW));
  }
  setI32(queueCount, q, 0);
}

function push(s: i32, n: NodeRec, t: i32, x: usize): void {
  const base = s * M;
  const k0 = i32At(csrStart, base);
  const k1 = i32At(csrStart, base + 1);
  if (k1 > k0) pushRange(k0, k1, x, t, widthCount(n.costW));
  for (let d = 1; d < M; d++) {
    if (i32At(csrStart, base + d + 1) == i32At(csrStart, base + d)) continue;
    const q = ahead(d);
    const c = i32At(queueCount, q);
    const p = queue + (<usize>q * <usize>queueCap + <usize>c) * 12;
    store<i32>(p, s);
    store<i32>(p, n.key, 4);
    store<i32>(p, d, 8);
    setI32(queueCount, q, c + 1);
  }
}

/** The arrived positions of bit word w that lie in [from, to), cleared for the next tick. */
@inline function takeWord(w: i32, from: i32, to: i32): u64 {
  const at = bits + (<usize>w << 3);
  const word = load<u64>(at);
  const m = word & rangeMask(w, from, to);
  if (m != 0) store<u64>(at, word ^ m);
  return m;
}

/**
 * P0, P1, P2 of node slot s: from +0, each contribution added to its port's sum in ascending
 * position (edge key) order; the node's bits are cleared for the next tick.
 */
function takePorts(s: i32): void {
  memory.fill(P0, 0, laneBytes);
  memory.fill(P1, 0, laneBytes);
  memory.fill(P2, 0, laneBytes);
  const from = i32At(inFrom, s);
  const to = abs(i32At(inTo, s));
  if (from == to) return;
  for (let w = from >> 6; w <= (to - 1) >> 6; w++) {
    let m = takeWord(w, from, to);
    if (m == 0) continue;
    do {
      const pos = (w << 6) + <i32>ctz(m);
      const port = load<u8>(posPort + <usize>pos);
      const P = port == 0 ? P0 : port == 1 ? P1 : P2;
      const c = contrib + <usize>pos * laneBytes;
      for (let l = 0; l < L; l++) {
        const f = <usize>l << 2;
        store<f32>(P + f, load<f32>(P + f) + load<f32>(c + f));
      }
      m &= m - 1;
    } while (m != 0);
  }
}

/** A non-input node over all L lanes; returns its flags. */
function evalLanes(s: i32, n: NodeRec, t: i32, out: usize): i32 {
  takePorts(s);
  if (isReducer(n.op) || isLine(n.op)) reduceGroups(n.op, P0, A, lineBuf);
  else opRun(n.op, A, P0, KIND_LANE, P1, KIND_LANE, P2, KIND_LANE, L, n.attr0, n.attr1, t);
  fireSpan(n, A, out, P0, P1, P2, n.vPlane, n.rPlane, L, 0, 1,
    hashPrefix(seedMix, <u32>t, <u32>n.key), n.effCount > 0);
  if (needMeans) n.meanSum = sumInto(0, out, L, 1);
  return (scan(A, L) & FLAG_NONFINITE) | (scan(out, L) & FLAG_NONZERO);
}

/** A non-input node when L = 1: the same as evalLanes (and its bookkeeping), one value. */
@inline function evalUnit(s: i32, n: NodeRec, t: i32, out: usize, bit: i32): void {
  // The ports, as takePorts computes them, for one lane.
  let x: f32 = 0;
  let y: f32 = 0;
  let z: f32 = 0;
  const from = i32At(inFrom, s);
  const to = i32At(inTo, s);
  if (to == from) {
    // No in-edges.
  } else if (to > 0) {
    // Every in-edge on port 0: one sum.
    for (let w = from >> 6; w < (to + 63) >> 6; w++) {
      let m = takeWord(w, from, to);
      if (m == 0) continue;
      do {
        x += load<f32>(contrib + (<usize>((w << 6) + <i32>ctz(m)) << 2));
        m &= m - 1;
      } while (m != 0);
    }
  } else {
    for (let w = from >> 6; w < (63 - to) >> 6; w++) {
      let m = takeWord(w, from, -to);
      if (m == 0) continue;
      do {
        const pos = (w << 6) + <i32>ctz(m);
        const c = load<f32>(contrib + (<usize>pos << 2));
        const port = load<u8>(posPort + <usize>pos);
        if (port == 0) x += c;
        else if (port == 1) y += c;
        else z += c;
        m &= m - 1;
      } while (m != 0);
    }
  }
  const op = n.op;
  let a = x;
  if (isReducer(op) || isLine(op)) {
    store<f32>(P0, x);
    redReset();
    redAdd(P0, 1);
    a = redValue(isLine(op) ? OP_RMEAN : op, 1);
  } else if (op != OP_IDENTITY) {
    a = opUnit(op, x, y, z, n.attr0, n.attr1, t);
  }
  const prefix = n.policy == POLICY_RANDOM ? hashPrefix(seedMix, <u32>t, <u32>n.key) : 0;
  const r = n.rPlane;
  const fired = fireUnit(n, a, r != 0 && (x != 0 || y != 0 || z != 0), n.vPlane, r, 0, prefix);
  const o: f32 = fired ? (n.emit == EMIT_VALUE ? a : 1) : 0;
  store<f32>(out, o);
  if (n.role == ROLE_OUTPUT) store<f32>(ptrAt(outBuf, n.slot), o);
  n.nonFinite = 0;
  if (a - a != 0) noteNonFinite(s, n);
  endUnit(s, n, fired, a, o);
  n.nzMask &= ~bit;
  if (o != 0) {
    n.nzMask |= bit;
    push(s, n, t, out);
  }
}

/** The sweep of tick t. */
export function sweepEvent(t: i32): void {
  traversals = 0;
  deliver(t);
  const bit = 1 << tickAt;
  const offset = <usize>tickAt * laneBytes;
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const n = node(s);
    const out = n.state + offset;
    if (L == 1 && n.role != ROLE_INPUT) {
      evalUnit(s, n, t, out, bit);
      continue;
    }
    beginNode(n, ~bit);
    let flags: i32;
    if (n.role == ROLE_INPUT) {
      const src = ptrAt(inBuf, n.slot);
      if (i32At(inWidth, n.slot) == WIDTH_LANE) memory.copy(out, src, <usize>L << 2);
      else for (let l = 0; l < L; l++) store<f32>(out + (<usize>l << 2), load<f32>(src));
      flags = scan(out, L) & FLAG_NONZERO;
      if (needMeans || n.effCount > 0) n.meanSum = sumInto(0, out, L, 1);
    } else {
      flags = evalLanes(s, n, t, out);
      if (n.role == ROLE_OUTPUT) memory.copy(ptrAt(outBuf, n.slot), out, <usize>L << 2);
    }
    if (flags & FLAG_NONFINITE) n.nonFinite = 1;
    if (flags & FLAG_NONZERO) {
      n.nzMask |= bit;
      push(s, n, t, out);
    }
    endNode(s, n);
  }
  addCost(C_EDGE_LANE_TRAVERSALS, traversals);
}
