// The schedule of the current graph (docs/engine.md, One tick and Lanes and groups): the sweep order
// (Kahn's algorithm over the enabled delay-0 edges with a min-key queue), the cost widths (least
// fixed point of the width rules), the storage widths, ring depths and reduction phases the
// execution modes lay their buffers out by, and the per-tick constants of the cost model.
//
// Storage widths differ from cost widths: a value is stored as narrow only if it is the same in
// all lanes (of a group). That holds for the cost width in a fresh graph, but not after the graph
// narrows a node that already has lane-varying state or history, and not for const, every and the
// reductions when a refractory count makes them fire lane by lane (a lane's counter drops only
// when its ports are nonzero). So storage widths never shrink while a node lives, and those ops
// take the sources' storage width when their refractory count or counters are nonzero.
//
// Mean outputs are computed only when some effect's amount reads them (source, product, modulated);
// the modulatory nodes are listed for the neuromodulator with each schedule (modulator.ts).

import {
  ROLE_INPUT, POLICY_RANDOM, POLICY_INTEGRATE, OP_CONST, OP_EVERY, OP_RSUM, OP_RRMS, OP_ROWMEAN,
  OP_COLMEAN, WIDTH_SCALAR, WIDTH_GROUP, WIDTH_LANE, AMOUNT_SOURCE, AMOUNT_PRODUCT,
  AMOUNT_MODULATED, F_AMOUNT_SOURCE, HEADER_WORDS, NODE_WORDS, EDGE_WORDS, EFFECT_WORDS,
} from './layout';
import {
  NodeRec, node, edge, capNodes, nodeCount, edgeCount, effTotal, inSlots, inWidth, i32At, setI32, L, G,
  effectPtr,
} from './tables';
import { alloc } from './memory';
import { allocModulator, clearModulators, noteModulator, sortModulators } from './modulator';

export let topo: usize = 0; // node slots in sweep order
export let topoCount: i32 = 0;
let heap: usize = 0;
let indeg: usize = 0;
let work: usize = 0;
let queued: usize = 0;
export let phaseCount: i32 = 1;
export let needMeans: bool = false;
export let needModulator: bool = false; // some effect's amount is modulated
export let evalsPerTick: f64 = 0; // node-lane evaluations of one tick
export let stateBytes: f64 = 0;
export let graphBytes: f64 = 0;

export function allocSchedule(): bool {
  const n = <u64>max(capNodes, 1) * 4;
  topo = alloc(n);
  heap = alloc(n);
  indeg = alloc(n);
  work = alloc(n);
  queued = alloc(n);
  return topo != 0 && heap != 0 && indeg != 0 && work != 0 && queued != 0 && allocModulator();
}

@inline export function isReducer(op: i32): bool {
  return op >= OP_RSUM && op <= OP_RRMS;
}
@inline export function isLine(op: i32): bool {
  return op == OP_ROWMEAN || op == OP_COLMEAN;
}
@inline export function widthCount(w: i32): f64 {
  return w == WIDTH_LANE ? <f64>L : w == WIDTH_GROUP ? <f64>G : 1;
}

@inline function keyOf(s: i32): i32 {
  return node(s).key;
}

function heapPush(size: i32, s: i32): i32 {
  let i = size;
  const k = keyOf(s);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = i32At(heap, parent);
    if (keyOf(p) <= k) break;
    setI32(heap, i, p);
    i = parent;
  }
  setI32(heap, i, s);
  return size + 1;
}

function heapPop(size: i32): i32 {
  const top = i32At(heap, 0);
  const last = i32At(heap, size - 1);
  const n = size - 1;
  const k = keyOf(last);
  let i = 0;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && keyOf(i32At(heap, c + 1)) < keyOf(i32At(heap, c))) c++;
    if (keyOf(i32At(heap, c)) >= k) break;
    setI32(heap, i, i32At(heap, c));
    i = c;
  }
  if (n > 0) setI32(heap, i, last);
  return top;
}

/** Computes the sweep order; returns false if the delay-0 edges close a cycle. */
export function order(): bool {
  let size = 0;
  for (let s = 0; s < capNodes; s++) {
    const n = node(s);
    if (!n.alive) continue;
    let d = 0;
    for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
      const r = edge(e);
      if (r.enabled && r.delay == 0) d++;
    }
    setI32(indeg, s, d);
    if (d == 0) size = heapPush(size, s);
  }
  topoCount = 0;
  while (size > 0) {
    const s = heapPop(size);
    size--;
    setI32(topo, topoCount++, s);
    for (let e = node(s).outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      if (!r.enabled || r.delay != 0) continue;
      const d = i32At(indeg, r.dst) - 1;
      setI32(indeg, r.dst, d);
      if (d == 0) size = heapPush(size, r.dst);
    }
  }
  return topoCount == nodeCount;
}

/** The key of a node on a delay-0 cycle (after order() failed): walk unordered predecessors. */
export function cycleNode(): i32 {
  let s = -1;
  for (let i = 0; i < capNodes; i++) {
    if (node(i).alive && i32At(indeg, i) > 0) { s = i; break; }
  }
  // Every unordered node has an unordered delay-0 predecessor; after capNodes steps back the walk
  // is on a cycle.
  for (let step = 0; step < capNodes && s >= 0; step++) {
    for (let e = node(s).inHead; e >= 0; e = edge(e).inNext) {
      const r = edge(e);
      if (r.enabled && r.delay == 0 && i32At(indeg, r.src) > 0) { s = r.src; break; }
    }
  }
  return s >= 0 ? node(s).key : -1;
}

/** The width a node's op, policy or role fixes, or -1 when its sources decide. */
function fixedWidth(s: i32): i32 {
  const n = node(s);
  if (n.role == ROLE_INPUT) return i32At(inWidth, n.slot);
  if (n.policy == POLICY_RANDOM) return WIDTH_LANE;
  if (n.op == OP_CONST || n.op == OP_EVERY) return WIDTH_SCALAR;
  if (isReducer(n.op)) return WIDTH_GROUP;
  if (isLine(n.op)) return WIDTH_LANE;
  return -1;
}

@inline function followsSources(s: i32, store: bool): bool {
  const n = node(s);
  return fixedWidth(s) < 0 || (store && (n.refr > 0 || n.rActive != 0));
}

@inline function widthOf(n: NodeRec, store: bool): i32 {
  return store ? n.storeW : n.costW;
}

/**
 * Least fixed point over the enabled edges: costW (store = false) or storeW (store = true). Widths
 * only grow, so each node pushes its width along its outgoing edges to the nodes that follow their
 * sources, and a node goes round again only when its own width grew (at most twice): linear in the
 * edges. (Recomputing a node from all its incoming edges whenever a source grew took seconds on a
 * few hundred nodes with 100,000 edges, and a schedule is rebuilt after every structural effect.)
 */
function widths(store: bool): void {
  let top = 0;
  // In reverse sweep order on the stack, so that they come off it in sweep order.
  for (let i = topoCount - 1; i >= 0; i--) {
    const s = i32At(topo, i);
    const n = node(s);
    if (store) n.storeW = max(max(fixedWidth(s), WIDTH_SCALAR), n.storeW);
    else n.costW = max(fixedWidth(s), WIDTH_SCALAR);
    setI32(work, top++, s);
    setI32(queued, s, 1);
  }
  while (top > 0) {
    const s = i32At(work, --top);
    setI32(queued, s, 0);
    const w = widthOf(node(s), store);
    for (let e = node(s).outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      if (!r.enabled || !followsSources(r.dst, store)) continue;
      const m = node(r.dst);
      if (widthOf(m, store) >= w) continue;
      if (store) m.storeW = w;
      else m.costW = w;
      if (!i32At(queued, r.dst)) {
        setI32(work, top++, r.dst);
        setI32(queued, r.dst, 1);
      }
    }
  }
}

/** Order, widths, depths, phases and cost constants; false on a delay-0 cycle. */
export function schedule(allLanes: bool): bool {
  if (!order()) return false;
  widths(false);
  if (allLanes) {
    for (let i = 0; i < topoCount; i++) node(i32At(topo, i)).storeW = WIDTH_LANE;
  } else {
    widths(true);
  }
  evalsPerTick = 0;
  stateBytes = 0;
  needMeans = false;
  needModulator = false;
  clearModulators();
  phaseCount = 1;
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const n = node(s);
    let depth = 0;
    let phase = 0;
    let fromSame = false;
    for (let e = n.outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      if (r.enabled) depth = max(depth, r.delay);
    }
    for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
      const r = edge(e);
      if (r.enabled && r.delay == 0) {
        phase = max(phase, node(r.src).phase);
        fromSame = true;
      }
    }
    if ((isReducer(n.op) || isLine(n.op)) && fromSame && n.role != ROLE_INPUT) phase++;
    n.phase = phase;
    phaseCount = max(phaseCount, phase + 1);
    n.depth = depth + 1;
    stateBytes += <f64>(4 * (depth + (n.policy == POLICY_INTEGRATE ? 1 : 0) + (n.refr > 0 ? 1 : 0)));
    if (n.role != ROLE_INPUT) evalsPerTick += widthCount(n.costW);
    for (let f = 0; f < n.effCount; f++) {
      const src = load<i32>(effectPtr(s, f) + (<usize>F_AMOUNT_SOURCE << 2));
      if (src == AMOUNT_SOURCE || src == AMOUNT_PRODUCT || src == AMOUNT_MODULATED) needMeans = true;
      if (src == AMOUNT_MODULATED) needModulator = true;
    }
    noteModulator(s);
  }
  sortModulators();
  graphBytes = <f64>(4 * (HEADER_WORDS + inSlots + nodeCount * NODE_WORDS + edgeCount * EDGE_WORDS +
    effTotal * EFFECT_WORDS));
  return true;
}
