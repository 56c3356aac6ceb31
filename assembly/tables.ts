// The runtime graph: node, edge and effect records in the arena, the run's globals, and the few
// operations every other module builds on (adjacency lists, slot reuse, node and edge creation and
// removal). Records live in slots that deleted nodes and edges give back; per-node in- and
// out-edge lists are doubly linked through the edge records and stay sorted by key, because keys
// of new edges always exceed every existing key.
//
//   nodes:   capNodes x NodeRec         edges: capEdges x EdgeRec
//   effects: capNodes x capEffectsPerNode x EFFECT_WORDS i32 (node slot s owns block s, in list order)
//   ring:    capNodes x (maxDelay + 1) usize: plane of the node's output at tick t in entry t % M

import { EFFECT_WORDS, ROLE_HIDDEN, OP_IDENTITY, POLICY_ALWAYS, EMIT_VALUE } from './layout';
import { alloc } from './memory';

// Fields a sweep touches for every node come first (the first two cache lines).
@unmanaged export class NodeRec {
  role: i32;
  op: i32;
  policy: i32;
  emit: i32;
  refr: i32;
  key: i32;
  effCount: i32;
  nzMask: i32; // bit (t % M): output nonzero in some lane at tick t
  threshold: f32; // threshold, decay, reset, prob: in PARAM order (effects.ts)
  decay: f32;
  reset: f32;
  prob: f32;
  state: usize; // event mode: the node's block of output ring, potentials, counters, accumulators
  vPlane: usize;
  rPlane: usize;
  attr0: f32;
  attr1: f32;
  attr2: f32;
  attr3: f32;
  nonFinite: i32;
  ringN: i32; // live ring entries: ticks t - ringN + 1 .. t
  costW: i32;
  slot: i32;
  fired: f64; // lanes fired this tick
  actSum: f64;
  meanSum: f64;
  mean: f32;
  act: f32;
  alive: i32;
  order: i32; // position in dumps: load order, then creation order
  outHead: i32;
  outTail: i32;
  inHead: i32;
  inTail: i32;
  born: i32; // the tick in whose effects step the node was created (0: loaded)
  storeW: i32;
  depth: i32; // ring depth: largest delay of the enabled out-edges + 1
  phase: i32;
  cls: i32; // tiled storage class (ports.ts)
  inPlace: i32; // tiled: the node's one plane holds tick t - 1 until it is overwritten with tick t
  scratch: usize; // tiled: scratch tile, when the node lives in one
  scratchSlot: i32; // tiled: the scratch tile's index
  ring: usize;
  rActive: i32; // the refractory counters may be nonzero
  line: usize; // rowmean / colmean: per-row or per-column values of the current group
  redVal: f32; // a reduction's value for the current group
  planeW: i32; // the width the ring, potential and counter planes are stored at
}

@unmanaged export class EdgeRec {
  alive: i32;
  key: i32;
  src: i32;
  dst: i32;
  port: i32;
  weight: f32;
  delay: i32;
  enabled: i32;
  born: i32;
  usage: i32;
  chosen: i32;
  order: i32;
  outNext: i32;
  outPrev: i32;
  inNext: i32;
  inPrev: i32;
  csr: i32; // event mode: index of this edge's entry in the out-CSR, -1 if none
}

export const NODE_BYTES: usize = offsetof<NodeRec>();
export const EDGE_BYTES: usize = offsetof<EdgeRec>();
export const EFFECT_BYTES: usize = <usize>EFFECT_WORDS << 2;

// The run's configuration (set by load).
export let capNodes: i32 = 0;
export let capEdges: i32 = 0;
export let capEff: i32 = 0;
export let capApps: i32 = 0;
export let maxDelay: i32 = 0;
export let M: i32 = 1; // ring modulus: maxDelay + 1
export let nextKey: i32 = 0;
export let inSlots: i32 = 0;
export let outSlots: i32 = 0;
export let L: i32 = 0;
export let G: i32 = 0;
export let maxRows: i32 = 0;
export let maxCols: i32 = 0;
export let seedMix: u32 = 0;

// Status details of the last load or run (index.ts exports them).
export let statusDetail: i32 = 0;
export let statusField: i32 = -1;
export let statusTick: i32 = 0;
export function setStatus(detail: i32, field: i32, tick: i32): void {
  statusDetail = detail;
  statusField = field;
  statusTick = tick;
}

// Live counts and dump order counters.
export let nodeCount: i32 = 0;
export let edgeCount: i32 = 0;
export let effTotal: i32 = 0;
let nodeOrder: i32 = 0;
let edgeOrder: i32 = 0;

export let nodesBase: usize = 0;
export let edgesBase: usize = 0;
export let effBase: usize = 0;
let ringBase: usize = 0;
let freeNodes: usize = 0; // i32 stack of free node slots
let freeNodeTop: i32 = 0;
let freeEdges: usize = 0;
let freeEdgeTop: i32 = 0;

// Groups: start lane, rows, cols (i32 each).
export let gStart: usize = 0;
export let gRows: usize = 0;
export let gCols: usize = 0;

// Slots: per input slot its width, lane buffer (or scalar cell) and holder; per output slot its
// L-lane buffer and holder.
export let inWidth: usize = 0;
export let inBuf: usize = 0;
export let inHolder: usize = 0;
export let outBuf: usize = 0;
export let outHolder: usize = 0;

@inline export function node(i: i32): NodeRec {
  return changetype<NodeRec>(nodesBase + <usize>i * NODE_BYTES);
}
@inline export function edge(i: i32): EdgeRec {
  return changetype<EdgeRec>(edgesBase + <usize>i * EDGE_BYTES);
}
@inline export function effectPtr(n: i32, i: i32): usize {
  return effBase + (<usize>n * <usize>capEff + <usize>i) * EFFECT_BYTES;
}
@inline export function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
@inline export function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
@inline export function ptrAt(base: usize, i: i32): usize {
  return load<usize>(base + (<usize>i << 2));
}
@inline export function setPtr(base: usize, i: i32, v: usize): void {
  store<usize>(base + (<usize>i << 2), v);
}
@inline export function groupSize(g: i32): i32 {
  return i32At(gRows, g) * i32At(gCols, g);
}

export function configure(
  cn: i32, ce: i32, cf: i32, ca: i32, md: i32, nk: i32, ins: i32, outs: i32, lanes: i32, groups: i32,
  mix0: u32,
): void {
  capNodes = cn;
  capEdges = ce;
  capEff = cf;
  capApps = ca;
  maxDelay = md;
  M = md + 1;
  nextKey = nk;
  inSlots = ins;
  outSlots = outs;
  L = lanes;
  G = groups;
  seedMix = mix0;
  nodeCount = 0;
  edgeCount = 0;
  effTotal = 0;
  nodeOrder = 0;
  edgeOrder = 0;
}

/** Allocates the record tables (after configure); false when memory cannot grow. */
export function allocTables(): bool {
  const cn = <u64>max(capNodes, 1);
  const ce = <u64>max(capEdges, 1);
  nodesBase = alloc(cn * <u64>NODE_BYTES);
  edgesBase = alloc(ce * <u64>EDGE_BYTES);
  effBase = alloc(cn * <u64>max(capEff, 1) * <u64>EFFECT_BYTES);
  ringBase = alloc(cn * <u64>M * 4);
  freeNodes = alloc(cn * 4);
  freeEdges = alloc(ce * 4);
  gStart = alloc(<u64>G * 4 + 4);
  gRows = alloc(<u64>G * 4 + 4);
  gCols = alloc(<u64>G * 4 + 4);
  inWidth = alloc(<u64>inSlots * 4 + 4);
  inBuf = alloc(<u64>inSlots * 4 + 4);
  inHolder = alloc(<u64>inSlots * 4 + 4);
  outBuf = alloc(<u64>outSlots * 4 + 4);
  outHolder = alloc(<u64>outSlots * 4 + 4);
  if (nodesBase == 0 || edgesBase == 0 || effBase == 0 || ringBase == 0 || freeNodes == 0 ||
    freeEdges == 0 || gStart == 0 || gRows == 0 || gCols == 0 || inWidth == 0 || inBuf == 0 ||
    inHolder == 0 || outBuf == 0 || outHolder == 0) return false;
  freeNodeTop = 0;
  for (let i = capNodes - 1; i >= 0; i--) {
    node(i).ring = ringBase + <usize>i * <usize>M * 4;
    setI32(freeNodes, freeNodeTop++, i);
  }
  freeEdgeTop = 0;
  for (let i = capEdges - 1; i >= 0; i--) setI32(freeEdges, freeEdgeTop++, i);
  return true;
}

/** Largest rows and cols over the groups (rowmean and colmean buffers). */
export function measureGroups(): void {
  maxRows = 0;
  maxCols = 0;
  for (let g = 0; g < G; g++) {
    maxRows = max(maxRows, i32At(gRows, g));
    maxCols = max(maxCols, i32At(gCols, g));
  }
}

/** Takes a key for a new node or edge; -1 when the key space is exhausted. */
export function takeKey(): i32 {
  if (nextKey == i32.MAX_VALUE) return -1;
  return nextKey++;
}

/** A node slot initialised as the hidden identity node edge-split creates; -1 at the cap. */
export function newNode(key: i32, born: i32): i32 {
  if (freeNodeTop == 0 || nodeCount >= capNodes) return -1;
  const s = i32At(freeNodes, --freeNodeTop);
  const n = node(s);
  const ring = n.ring;
  memory.fill(changetype<usize>(n), 0, NODE_BYTES);
  n.ring = ring;
  memory.fill(ring, 0, <usize>M * 4);
  n.alive = 1;
  n.key = key;
  n.role = ROLE_HIDDEN;
  n.slot = -1;
  n.op = OP_IDENTITY;
  n.policy = POLICY_ALWAYS;
  n.emit = EMIT_VALUE;
  n.decay = 1;
  n.prob = 1;
  n.order = nodeOrder++;
  n.outHead = -1;
  n.outTail = -1;
  n.inHead = -1;
  n.inTail = -1;
  n.born = born;
  n.phase = 0;
  nodeCount++;
  return s;
}

/** Frees a node slot whose edges are gone and whose planes were given back. */
export function freeNode(s: i32): void {
  const n = node(s);
  effTotal -= n.effCount;
  n.alive = 0;
  n.effCount = 0;
  nodeCount--;
  setI32(freeNodes, freeNodeTop++, s);
}

/** Creates an edge and links it at the tails of its ends' lists; -1 at the cap. */
export function newEdge(key: i32, src: i32, dst: i32, port: i32, weight: f32, delay: i32, enabled: i32, born: i32): i32 {
  if (freeEdgeTop == 0 || edgeCount >= capEdges) return -1;
  const s = i32At(freeEdges, --freeEdgeTop);
  const e = edge(s);
  e.alive = 1;
  e.key = key;
  e.src = src;
  e.dst = dst;
  e.port = port;
  e.weight = weight;
  e.delay = delay;
  e.enabled = enabled;
  e.born = born;
  e.usage = 0;
  e.chosen = 0;
  e.order = edgeOrder++;
  e.csr = -1;
  const a = node(src);
  e.outNext = -1;
  e.outPrev = a.outTail;
  if (a.outTail >= 0) edge(a.outTail).outNext = s;
  else a.outHead = s;
  a.outTail = s;
  const b = node(dst);
  e.inNext = -1;
  e.inPrev = b.inTail;
  if (b.inTail >= 0) edge(b.inTail).inNext = s;
  else b.inHead = s;
  b.inTail = s;
  edgeCount++;
  return s;
}

export function removeEdge(s: i32): void {
  const e = edge(s);
  const a = node(e.src);
  if (e.outPrev >= 0) edge(e.outPrev).outNext = e.outNext;
  else a.outHead = e.outNext;
  if (e.outNext >= 0) edge(e.outNext).outPrev = e.outPrev;
  else a.outTail = e.outPrev;
  const b = node(e.dst);
  if (e.inPrev >= 0) edge(e.inPrev).inNext = e.inNext;
  else b.inHead = e.inNext;
  if (e.inNext >= 0) edge(e.inNext).inPrev = e.inPrev;
  else b.inTail = e.inPrev;
  e.alive = 0;
  edgeCount--;
  setI32(freeEdges, freeEdgeTop++, s);
}

export function setEdgeOrder(s: i32, order: i32): void {
  edge(s).order = order;
  edgeOrder = max(edgeOrder, order + 1);
}

export function addEffects(s: i32, count: i32): void {
  node(s).effCount = count;
  effTotal += count;
}
