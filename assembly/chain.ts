// Compiled chains (docs/engine.md, Compiled chains). In tiled mode a phase's lane nodes run pass
// after pass over a tile; a run of consecutive "plain" lane nodes (policy always, no refractory
// period, value emission, no effects, an elementwise op: chainOp) is instead handed to the host as
// a description, which the host compiles to a WebAssembly function (src/engine/chain-code.ts) that
// computes all of them for two 4-lane vectors at a time, keeping values in registers: loads,
// divisions and stores of the whole chain overlap, as in hand-fused code. The function does exactly
// the operations the tile kernels do (kern.ts, sums.ts), in the same order, so results are
// bit-identical; where the host cannot compile (or is told not to), the chain's nodes run through
// the kernels as before.
//
// Each tick, after the terms are built, every phase's chains are described again (a chain's shape
// can change: delayed edges come alive, weights become 1, ops change, ring planes rotate); a
// description that equals the one of the previous tick keeps its function, any other is sent to
// the host, which keeps a cache of the shapes it compiled. Plane addresses are part of the
// description; what changes from tile to tile or group to group (scratch pointers, weights, narrow
// values, cells, attributes) is written, per tile, into a parameter block the function reads.
//
//   description (i32): MAGIC nodeCount slotCount, then per node: op a0Slot a1Slot storeCount,
//                      per store: kind (slot | address) value, portCount, per port: mode termCount,
//                      per term: kind ref wSlot backupSlot (ref: a node of the chain, a slot or
//                      an address; backupSlot: where the fast pass copies a load the chain
//                      overwrites, or -1)
//   parameter block:   slotCount words (scratch pointers less the tile's byte offset, f32 values),
//                      then 16 bytes of flags per node
//                      (the running unsigned max of the values' bit patterns shifted left by one)
//   fill list:         per slot (kind, index): how to fill it for a tile

import {
  OP_IDENTITY, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG, OP_ABS, OP_SIGN, OP_SQUARE, OP_SQRT, OP_RSQRT,
  OP_RELU, OP_MIN, OP_MAX, OP_CLAMP, OP_GT, OP_GE, OP_EQ, OP_SELECT, POLICY_ALWAYS, EMIT_VALUE, ROLE_OUTPUT,
} from './layout';
import { NodeRec, node, edge, capNodes, capEdges, i32At, setI32, ptrAt, outBuf, L } from './tables';
import { alloc } from './memory';
import { needMeans } from './schedule';
import { tickAt } from './planes';
import {
  CLS_SCRATCH, CLS_PLANE, CLS_OUT, portModeAt, portStartAt, portCountAt, termSrcAt, termDelayAt,
  termBaseAt, termStepAt, termWAt, termConstAt, cellAt, PORT_ZERO, PORT_ALIAS, PORT_CANON, PORT_CELL,
  PORT_SCALED, PORT_SUM,
} from './ports';
import { flagsFrom } from './kern';

@external('env', 'chainCompile') declare function chainCompile(desc: usize, words: i32): i32;
@external('env', 'chainCall') declare function chainCall(fn: i32, block: usize, start: i32, bytes: i32, rem: i32): void;

const MAGIC: i32 = 0x6c326331;
// Term kinds in a description.
const TERM_REG: i32 = 0; // an earlier node of the chain: its value in a register
const TERM_MEM: i32 = 1; // a scratch tile: a pointer slot (the tile's start minus the lanes' offset)
const TERM_NARROW: i32 = 2; // a narrow term's product: an f32 slot
const TERM_CELL: i32 = 3; // a port of narrow terms only: its f32 sum
const TERM_ADDR: i32 = 4; // a plane, input or output buffer: its address at lane 0, a constant of the code
// Store kinds.
const STORE_SLOT: i32 = 0; // a scratch tile, through a pointer slot as TERM_MEM
const STORE_ADDR: i32 = 1; // a plane or an output buffer at a constant address
// Fill kinds: how a slot gets its value for a tile.
const FILL_TERM_PTR: i32 = 0;
const FILL_TERM_W: i32 = 1;
const FILL_TERM_CONST: i32 = 2;
const FILL_CELL: i32 = 3;
const FILL_ATTR0: i32 = 4;
const FILL_ATTR1: i32 = 5;
const FILL_SCRATCH: i32 = 6;
const FILL_BACKUP: i32 = 7;

let enabled: bool = true;
let descCur: usize = 0; // this tick's descriptions
let descPrev: usize = 0; // the previous tick's
let fills: usize = 0; // (kind, index) per slot, this tick
let block: usize = 0;
// Per segment j: start and end (lane-list positions), description offset and length (words) in
// the current arena, fill offset, slot count, function (-1: run the kernels).
let segStart: usize = 0;
let segEnd: usize = 0;
let segDesc: usize = 0;
let segLen: usize = 0;
let segFill: usize = 0;
let segSlots: usize = 0;
let segFn: usize = 0;
let prevDesc: usize = 0; // the previous tick's segments: description offset, length, start, function
let prevLen: usize = 0;
let prevStart: usize = 0;
let prevFn: usize = 0;
let segCount: i32 = 0;
let prevCount: i32 = 0;
let segAtPos: usize = 0; // lane-list position -> segment starting there, or -1
let inSeg: usize = 0; // node slot -> segment this tick, or -1
let segIndex: usize = 0; // node slot -> index within its segment
let descTop: i32 = 0;
let fillTop: i32 = 0;

// Chains pay for their compilation only where a tick has many lanes: below `minLanes` (and with
// chains off) every node runs through the kernels, and nothing is compiled.
let minLanes: i32 = 0;

export function setChains(on: bool, fewestLanes: i32): void {
  enabled = on;
  minLanes = fewestLanes;
}

/** Backup tiles per chain: a chain that needs more runs through the kernels. */
const BACKUPS: i32 = 8;
let backups: usize = 0; // BACKUPS tiles
let backupBytes: usize = 0;
// The segment being described: its store addresses (lane 0, or a scratch tile), and the loads
// given a backup tile (address, backup index), so that each array gets one.
let storeAt: usize = 0;
let storeCount: i32 = 0;
let backupOf: usize = 0;
let backupCount: i32 = 0;
let tooMany: bool = false;

export function allocChains(tile: i32): bool {
  backupBytes = (<usize>tile << 2) + 16;
  backups = alloc(<u64>backupBytes * <u64>BACKUPS);
  storeAt = alloc(<u64>max(capNodes, 1) * 8 + 8);
  backupOf = alloc(<u64>BACKUPS * 8 + 8);
  if (backups == 0 || storeAt == 0 || backupOf == 0) return false;
  const cn = <u64>max(capNodes, 1);
  const ce = <u64>max(capEdges, 1);
  const descWords = cn * 16 + ce * 3 + 16;
  const fillWords = (cn * 7 + ce * 2 + 8) * 2;
  descCur = alloc(descWords * 4);
  descPrev = alloc(descWords * 4);
  fills = alloc(fillWords * 4);
  block = alloc((cn * 7 + ce * 2 + 8) * 4 + cn * 16 + 32);
  segStart = alloc(cn * 4);
  segEnd = alloc(cn * 4);
  segDesc = alloc(cn * 4);
  segLen = alloc(cn * 4);
  segFill = alloc(cn * 4);
  segSlots = alloc(cn * 4);
  segFn = alloc(cn * 4);
  prevDesc = alloc(cn * 4);
  prevLen = alloc(cn * 4);
  prevStart = alloc(cn * 4);
  prevFn = alloc(cn * 4);
  segAtPos = alloc(cn * 4);
  inSeg = alloc(cn * 4);
  segIndex = alloc(cn * 4);
  segCount = 0;
  prevCount = 0;
  return descCur != 0 && descPrev != 0 && fills != 0 && block != 0 && segStart != 0 &&
    segEnd != 0 && segDesc != 0 && segLen != 0 && segFill != 0 && segSlots != 0 && segFn != 0 &&
    prevDesc != 0 && prevLen != 0 && prevStart != 0 && prevFn != 0 && segAtPos != 0 && inSeg != 0 &&
    segIndex != 0;
}

function chainOp(op: i32): bool {
  switch (op) {
    case OP_IDENTITY: case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_NEG: case OP_ABS:
    case OP_SIGN: case OP_SQUARE: case OP_SQRT: case OP_RSQRT: case OP_RELU: case OP_MIN: case OP_MAX:
    case OP_CLAMP: case OP_GT: case OP_GE: case OP_EQ: case OP_SELECT:
      return true;
  }
  return false;
}

/** The ports op reads (tiled.ts portsNeeded for plain nodes). */
function chainPorts(op: i32): i32 {
  if (op == OP_SELECT) return 3;
  if (op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV || op == OP_MIN || op == OP_MAX ||
    op == OP_GT || op == OP_GE || op == OP_EQ) return 2;
  return 1;
}

@inline function plain(n: NodeRec): bool {
  return n.policy == POLICY_ALWAYS && n.rPlane == 0 && n.emit == EMIT_VALUE && n.effCount == 0 && chainOp(n.op);
}

@inline function putDesc(v: i32): void {
  setI32(descCur, descTop++, v);
}

/** A new slot filled by (kind, index); returns its number within the segment. */
function slot(j: i32, kind: i32, index: i32): i32 {
  setI32(fills, 2 * fillTop, kind);
  setI32(fills, 2 * fillTop + 1, index);
  fillTop++;
  const s = i32At(segSlots, j);
  setI32(segSlots, j, s + 1);
  return s;
}

/** The pointer slot of scratch term k: one slot per distinct tile, so the function loads it once. */
function pointerSlot(j: i32, k: i32): i32 {
  const f0 = i32At(segFill, j);
  const base = termBaseAt(k);
  const step = termStepAt(k);
  for (let q = 0; q < i32At(segSlots, j); q++) {
    if (i32At(fills, 2 * (f0 + q)) != FILL_TERM_PTR) continue;
    const other = i32At(fills, 2 * (f0 + q) + 1);
    if (termBaseAt(other) == base && termStepAt(other) == step) return q;
  }
  return slot(j, FILL_TERM_PTR, k);
}

/** Whether a delay-0 reader outside segment j reads node slot s (then its values are stored). */
function readOutside(s: i32, j: i32): bool {
  for (let e = node(s).outHead; e >= 0; e = edge(e).outNext) {
    const r = edge(e);
    if (r.enabled && r.delay == 0 && i32At(inSeg, r.dst) != j) return true;
  }
  return false;
}

function describeNode(j: i32, s: i32): void {
  const n = node(s);
  putDesc(n.op);
  putDesc(n.op == OP_CLAMP ? slot(j, FILL_ATTR0, s) : -1);
  putDesc(n.op == OP_CLAMP ? slot(j, FILL_ATTR1, s) : -1);
  // Addresses of planes enter the description: a shape is compiled once per set of planes (a ring
  // of M planes gives at most M), and its code reaches every plane without address arithmetic.
  if (n.cls == CLS_PLANE) {
    putDesc(n.role == ROLE_OUTPUT ? 2 : 1);
    putDesc(STORE_ADDR);
    putDesc(<i32>ptrAt(n.ring, tickAt));
    if (n.role == ROLE_OUTPUT) {
      putDesc(STORE_ADDR);
      putDesc(<i32>ptrAt(outBuf, n.slot));
    }
  } else if (n.cls == CLS_OUT) {
    putDesc(1);
    putDesc(STORE_ADDR);
    putDesc(<i32>ptrAt(outBuf, n.slot));
  } else if (n.cls == CLS_SCRATCH && readOutside(s, j)) {
    putDesc(1);
    putDesc(STORE_SLOT);
    putDesc(slot(j, FILL_SCRATCH, s));
  } else {
    putDesc(0);
  }
  const ports = chainPorts(n.op);
  putDesc(ports);
  for (let p = 0; p < ports; p++) {
    const at = 3 * s + p;
    const mode = portModeAt(at);
    const k0 = portStartAt(at);
    const count = portCountAt(at);
    putDesc(mode);
    if (mode == PORT_ZERO) {
      putDesc(0);
      continue;
    }
    if (mode == PORT_CELL) {
      putDesc(1);
      putDesc(TERM_CELL);
      putDesc(slot(j, FILL_CELL, at));
      putDesc(-1);
      putDesc(-1);
      continue;
    }
    putDesc(count);
    for (let k = k0; k < k0 + count; k++) {
      const src = termSrcAt(k);
      const w = termWAt(k);
      // ALIAS and CANON read weight-1 terms as they are; SCALED always multiplies; a sum multiplies
      // exactly the terms whose weight is not 1 (sums.ts).
      const times = mode == PORT_SCALED || (mode == PORT_SUM && w != 1);
      if (termBaseAt(k) == 0) {
        putDesc(TERM_NARROW);
        putDesc(slot(j, FILL_TERM_CONST, k));
        putDesc(-1);
        putDesc(-1);
      } else if (termDelayAt(k) == 0 && i32At(inSeg, src) == j) {
        putDesc(TERM_REG);
        putDesc(i32At(segIndex, src));
        putDesc(times ? slot(j, FILL_TERM_W, k) : -1);
        putDesc(-1);
      } else if (termStepAt(k) != 0) {
        putDesc(TERM_ADDR);
        putDesc(<i32>termBaseAt(k));
        putDesc(times ? slot(j, FILL_TERM_W, k) : -1);
        putDesc(backupSlot(j, termBaseAt(k)));
      } else {
        putDesc(TERM_MEM);
        putDesc(pointerSlot(j, k));
        putDesc(times ? slot(j, FILL_TERM_W, k) : -1);
        putDesc(backupSlot(j, termBaseAt(k)));
      }
    }
  }
}

/** Where node s stores this tick (lane 0 of a plane or output, a scratch tile), up to 2. */
function noteStores(s: i32, j: i32): void {
  const n = node(s);
  if (n.cls == CLS_PLANE) {
    noteStore(ptrAt(n.ring, tickAt));
    if (n.role == ROLE_OUTPUT) noteStore(ptrAt(outBuf, n.slot));
  } else if (n.cls == CLS_OUT) {
    noteStore(ptrAt(outBuf, n.slot));
  } else if (n.cls == CLS_SCRATCH && readOutside(s, j)) {
    noteStore(n.scratch);
  }
}

@inline function noteStore(p: usize): void {
  store<usize>(storeAt + (<usize>storeCount << 2), p);
  storeCount++;
}

/**
 * A backup slot for a load of the array at `base` that the chain also stores to (an in-place
 * plane, a scratch tile reused within the chain), or -1: the fast pass copies what it loads there,
 * so that a tile can be computed again from what it first read.
 */
function backupSlot(j: i32, base: usize): i32 {
  let stored = false;
  for (let i = 0; i < storeCount; i++) if (load<usize>(storeAt + (<usize>i << 2)) == base) stored = true;
  if (!stored) return -1;
  let b = -1;
  for (let i = 0; i < backupCount; i++) if (load<usize>(backupOf + (<usize>i << 3)) == base) b = load<i32>(backupOf + (<usize>i << 3), 4);
  if (b < 0) {
    if (backupCount == BACKUPS) {
      tooMany = true;
      return -1;
    }
    store<usize>(backupOf + (<usize>backupCount << 3), base);
    b = slot(j, FILL_BACKUP, backupCount);
    store<i32>(backupOf + (<usize>backupCount << 3), b, 4);
    backupCount++;
  }
  return b;
}

/** Whether the current description of segment j equals the previous tick's segment jp. */
function sameAsPrev(j: i32, jp: i32): bool {
  const len = i32At(segLen, j);
  if (jp >= prevCount || i32At(prevLen, jp) != len || i32At(prevStart, jp) != i32At(segStart, j)) return false;
  return memory.compare(descCur + (<usize>i32At(segDesc, j) << 2), descPrev + (<usize>i32At(prevDesc, jp) << 2), <usize>len << 2) == 0;
}

/**
 * Finds this tick's chains among the lane lists of phases [0, phases) and gets their functions.
 * `lanes` is the lane list; `laneAt` the phase starts in it.
 */
export function planChains(lanes: usize, laneAt: usize, phases: i32): void {
  memory.fill(segAtPos, 0xff, <usize>max(capNodes, 1) << 2);
  memory.fill(inSeg, 0xff, <usize>max(capNodes, 1) << 2);
  // Keep the previous tick's descriptions: swap the arenas and the segment tables.
  const d = descPrev;
  descPrev = descCur;
  descCur = d;
  prevCount = segCount;
  memory.copy(prevDesc, segDesc, <usize>segCount << 2);
  memory.copy(prevLen, segLen, <usize>segCount << 2);
  memory.copy(prevStart, segStart, <usize>segCount << 2);
  memory.copy(prevFn, segFn, <usize>segCount << 2);
  segCount = 0;
  descTop = 0;
  fillTop = 0;
  if (!enabled || needMeans || L < minLanes) return;
  for (let k = 0; k < phases; k++) {
    const to = i32At(laneAt, k + 1);
    let i = i32At(laneAt, k);
    while (i < to) {
      if (!plain(node(i32At(lanes, i)))) {
        i++;
        continue;
      }
      let end = i;
      while (end < to && plain(node(i32At(lanes, end)))) end++;
      const j = segCount++;
      setI32(segStart, j, i);
      setI32(segEnd, j, end);
      setI32(segAtPos, i, j);
      for (let p = i; p < end; p++) {
        setI32(inSeg, i32At(lanes, p), j);
        setI32(segIndex, i32At(lanes, p), p - i);
      }
      setI32(segDesc, j, descTop);
      setI32(segFill, j, fillTop);
      setI32(segSlots, j, 0);
      putDesc(MAGIC);
      putDesc(end - i);
      const slotsAt = descTop;
      putDesc(0);
      storeCount = 0;
      backupCount = 0;
      tooMany = false;
      for (let p = i; p < end; p++) noteStores(i32At(lanes, p), j);
      for (let p = i; p < end; p++) describeNode(j, i32At(lanes, p));
      setI32(descCur, slotsAt, i32At(segSlots, j));
      setI32(segLen, j, descTop - i32At(segDesc, j));
      // Segments come in the same order every tick while the schedule stands: compare by index.
      const fn = tooMany ? -1 : sameAsPrev(j, j) ? i32At(prevFn, j) : chainCompile(descCur + (<usize>i32At(segDesc, j) << 2), i32At(segLen, j));
      setI32(segFn, j, fn);
      i = end;
    }
  }
}

/** The compiled segment starting at lane-list position i, or -1. */
export function chainAt(i: i32): i32 {
  const j = i32At(segAtPos, i);
  return j >= 0 && i32At(segFn, j) >= 0 ? j : -1;
}

export function chainEnd(j: i32): i32 {
  return i32At(segEnd, j);
}

/** Runs segment j over tile lanes [off, off + cnt); its nodes' flags go to record(n, flags). */
export function runChain(j: i32, off: i32, cnt: i32): void {
  const slots = i32At(segSlots, j);
  const f0 = i32At(segFill, j);
  const o = <usize>off << 2;
  for (let q = 0; q < slots; q++) {
    const kind = i32At(fills, 2 * (f0 + q));
    const x = i32At(fills, 2 * (f0 + q) + 1);
    const at = block + (<usize>q << 2);
    switch (kind) {
      case FILL_TERM_PTR: store<usize>(at, termBaseAt(x) - o); break;
      case FILL_TERM_W: store<f32>(at, termWAt(x)); break;
      case FILL_TERM_CONST: store<f32>(at, termConstAt(x)); break;
      case FILL_CELL: store<f32>(at, cellAt(x)); break;
      case FILL_ATTR0: store<f32>(at, node(x).attr0); break;
      case FILL_ATTR1: store<f32>(at, node(x).attr1); break;
      case FILL_BACKUP: store<usize>(at, backups + <usize>x * backupBytes - o); break;
      default: store<usize>(at, node(x).scratch - o); break; // FILL_SCRATCH
    }
  }
  chainCall(i32At(segFn, j), block, <i32>o, (cnt & ~3) << 2, cnt & 3);
}

/** The flags of the k-th node of the segment that last ran. */
export function chainFlags(j: i32, k: i32): i32 {
  const flagsAt = block + ((<usize>i32At(segSlots, j) * 4 + 15) & ~15);
  return flagsFrom(v128.load(flagsAt + (<usize>k << 4)));
}
