// Where node values and state live: planes of one storage width (L lanes, G groups or 1 value)
// taken from the pools of memory.ts. After every schedule each node's ring of output planes is
// made to hold exactly the ticks its delayed readers can still ask for, and its planes are widened
// when its storage width grew (a narrow value is the same in every lane of its group, so widening
// broadcasts it). Ring entry t % M holds the output of tick t; rotate() reuses the oldest plane
// for the new tick.

import { WIDTH_LANE, WIDTH_GROUP, POLICY_INTEGRATE } from './layout';
import { NodeRec, L, G, M, gStart, i32At, groupSize, ptrAt, setPtr } from './tables';
import { poolTake, poolGive, POOL_LANE, POOL_GROUP, POOL_UNIT, POOL_STATE, POOL_LINE } from './memory';

@inline export function poolOf(w: i32): i32 {
  return w == WIDTH_LANE ? POOL_LANE : w == WIDTH_GROUP ? POOL_GROUP : POOL_UNIT;
}
@inline export function unitsOf(w: i32): i32 {
  return w == WIDTH_LANE ? L : w == WIDTH_GROUP ? G : 1;
}
@inline export function ringIndex(t: i32): i32 {
  const i = t % M;
  return i < 0 ? i + M : i;
}

// The current tick's ring entry, set once a tick, so that the hot loops index rings without a
// division: back(d) is the entry of tick t - d and ahead(d) that of t + d (0 <= d < M).
export let tickAt: i32 = 0;

export function setTick(t: i32): void {
  tickAt = ringIndex(t);
}

@inline export function back(d: i32): i32 {
  const i = tickAt - d;
  return i < 0 ? i + M : i;
}

@inline export function ahead(d: i32): i32 {
  const i = tickAt + d;
  return i >= M ? i - M : i;
}

/** A plane of width `to` holding `from`'s width-`fw` values broadcast (32-bit words). */
function widen(from: usize, fw: i32, to: i32): usize {
  const p = poolTake(poolOf(to));
  if (p == 0) return 0;
  if (fw == to) {
    memory.copy(p, from, <usize>unitsOf(to) << 2);
  } else if (fw == WIDTH_GROUP) {
    for (let g = 0; g < G; g++) {
      const v = load<u32>(from + (<usize>g << 2));
      const start = <usize>i32At(gStart, g) << 2;
      const end = start + (<usize>groupSize(g) << 2);
      for (let i = start; i < end; i += 4) store<u32>(p + i, v);
    }
  } else {
    const v = load<u32>(from);
    const end = <usize>unitsOf(to) << 2;
    for (let i: usize = 0; i < end; i += 4) store<u32>(p + i, v);
  }
  poolGive(poolOf(fw), from);
  return p;
}

function allZero(p: usize, units: i32): bool {
  const end = <usize>units << 2;
  for (let i: usize = 0; i < end; i += 4) if (load<i32>(p + i) != 0) return false;
  return true;
}

/** Drops refractory counters that have all run out on a node whose count is now 0. */
export function settleCounters(n: NodeRec): void {
  if (n.rPlane != 0 && n.refr == 0 && allZero(n.rPlane, unitsOf(n.planeW))) {
    if (n.state == 0) poolGive(poolOf(n.planeW), n.rPlane);
    n.rPlane = 0;
  }
  n.rActive = n.rPlane != 0 ? 1 : 0;
}

/**
 * Makes n's planes match its schedule after tick t: width n.storeW, `want` ring entries (ticks
 * t - want + 1 .. t), a potential plane if it integrates and counters if it has a refractory count.
 * Returns false when memory cannot grow.
 */
export function reconcile(n: NodeRec, t: i32, want: i32): bool {
  const w = n.storeW;
  const fw = n.planeW;
  const ring = n.ring;
  if (w != fw) {
    for (let k = 0; k < n.ringN; k++) {
      const i = ringIndex(t - k);
      const p = widen(ptrAt(ring, i), fw, w);
      if (p == 0) return false;
      setPtr(ring, i, p);
    }
    if (n.vPlane != 0 && (n.vPlane = widen(n.vPlane, fw, w)) == 0) return false;
    if (n.rPlane != 0 && (n.rPlane = widen(n.rPlane, fw, w)) == 0) return false;
    n.planeW = w;
  }
  for (let k = n.ringN; k < want; k++) {
    const p = poolTake(poolOf(w));
    if (p == 0) return false;
    setPtr(ring, ringIndex(t - k), p);
    n.ringN = k + 1;
  }
  for (let k = want; k < n.ringN; k++) {
    const i = ringIndex(t - k);
    poolGive(poolOf(w), ptrAt(ring, i));
    setPtr(ring, i, 0);
  }
  n.ringN = min(n.ringN, want);
  if (n.policy == POLICY_INTEGRATE && n.vPlane == 0 && (n.vPlane = poolTake(poolOf(w))) == 0) return false;
  if (n.refr > 0 && n.rPlane == 0 && (n.rPlane = poolTake(poolOf(w))) == 0) return false;
  n.rActive = n.rPlane != 0 ? 1 : 0;
  return true;
}

/** Gives back all of a node's planes (the node is being deleted). */
export function releasePlanes(n: NodeRec, t: i32): void {
  poolGive(POOL_LINE, n.line);
  n.line = 0;
  if (n.state != 0) {
    poolGive(POOL_STATE, n.state);
    n.state = 0;
    n.vPlane = 0;
    n.rPlane = 0;
    return;
  }
  const pool = poolOf(n.planeW);
  for (let k = 0; k < n.ringN; k++) {
    const i = ringIndex(t - k);
    poolGive(pool, ptrAt(n.ring, i));
    setPtr(n.ring, i, 0);
  }
  n.ringN = 0;
  poolGive(pool, n.vPlane);
  poolGive(pool, n.rPlane);
  n.vPlane = 0;
  n.rPlane = 0;
}

/** At the start of a tick: the plane of tick t - ringN (no longer read) becomes tick t's. */
@inline export function rotate(n: NodeRec): usize {
  const ring = n.ring;
  const to = tickAt;
  const from = n.ringN == M ? tickAt : back(n.ringN);
  const p = ptrAt(ring, from);
  if (from != to) {
    setPtr(ring, to, p);
    setPtr(ring, from, 0);
  }
  return p;
}
