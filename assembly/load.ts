// load(): validates every word of the packed genome in the staging area and the lane groups behind
// it (assembly/layout.ts, docs/engine.md Graph), then builds the runtime tables. Nothing in the
// input is trusted: every index is range-checked before it is used, so a corrupted buffer yields
// a status and never a trap. Checks run in table order (header, slots, groups, nodes, edges,
// effects), then the rules that relate records: unique keys, nextKey, slot holders, cycles.

import {
  MAGIC, LAYOUT_VERSION, HEADER_WORDS, NODE_WORDS, EDGE_WORDS, EFFECT_WORDS, H_MAGIC, H_VERSION,
  H_NODE_COUNT, H_EDGE_COUNT, H_EFFECT_COUNT, H_IN_SLOTS, H_OUT_SLOTS, H_CAP_NODES, H_CAP_EDGES,
  H_CAP_EFFECTS_PER_NODE, H_CAP_APPLICATIONS, H_MAX_DELAY, H_NEXT_KEY, MAX_NODES, MAX_EDGES,
  MAX_EFFECTS_PER_NODE, MAX_APPLICATIONS_PER_TICK, MAX_DELAY, MAX_IN_SLOTS, MAX_OUT_SLOTS,
  MAX_GROUPS, MAX_LANES, MAX_PORTS, MAX_REFRACTORY, WIDTH_LANE, WIDTH_SCALAR, ROLE_HIDDEN,
  ROLE_INPUT, ROLE_OUTPUT, OP_COUNT, POLICY_COUNT, N_KEY, N_ROLE, N_SLOT, N_OP, N_POLICY, N_EMIT,
  N_REFRACTORY, N_EFFECT_START, N_EFFECT_COUNT, N_ATTR0, N_THRESHOLD, N_DECAY, N_RESET,
  N_PROBABILITY, E_KEY, E_SOURCE, E_TARGET, E_PORT, E_WEIGHT, E_DELAY, E_ENABLED, F_KIND,
  F_ENABLED, F_CHANGE, F_AMOUNT_SOURCE, F_AMOUNT_SCALE, F_TARGET, F_DIRECTION, F_RADIUS, F_SELECT,
  F_K, FX_COUNT, CH_COUNT, AMOUNT_COUNT, SEL_COUNT,
} from './layout';
import {
  OK, BAD_MAGIC, BAD_VERSION, BAD_HEADER, BAD_IN_SLOT, BAD_NODE, BAD_EDGE, BAD_EFFECT,
  DUPLICATE_KEY, CYCLE, BAD_LANES, BAD_GROUPS, OUT_OF_MEMORY, BAD_SLOTS,
} from './status';
import {
  node, effectPtr, configure, allocTables, newNode, newEdge, setEdgeOrder, addEffects,
  setStatus, i32At, setI32, setPtr, gStart, gRows, gCols, inWidth, inBuf, inHolder, outBuf,
  outHolder, EFFECT_BYTES,
} from './tables';
import { stagingPtr, reserveStaging, alloc } from './memory';
import { sortPairs, ord } from './sort';
import { seedHash } from './rng';
import { order, cycleNode, allocSchedule } from './schedule';

let base: usize = 0;

@inline function w(i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
@inline function f(i: i32): f32 {
  return load<f32>(base + (<usize>i << 2));
}
@inline function within(x: i32, lo: i32, hi: i32): bool {
  return x >= lo && x <= hi;
}

function fail(status: i32, detail: i32, field: i32): i32 {
  setStatus(detail, field, 0);
  return status;
}

/** Validates the header; returns OK or the status. */
function header(words: i32): i32 {
  if (words < 1 || w(H_MAGIC) != MAGIC) return fail(BAD_MAGIC, H_MAGIC, -1);
  if (words < 2 || w(H_VERSION) != LAYOUT_VERSION) return fail(BAD_VERSION, H_VERSION, -1);
  if (words < HEADER_WORDS) return fail(BAD_HEADER, words, -1);
  if (!within(w(H_CAP_NODES), 0, MAX_NODES)) return fail(BAD_HEADER, H_CAP_NODES, -1);
  if (!within(w(H_CAP_EDGES), 0, MAX_EDGES)) return fail(BAD_HEADER, H_CAP_EDGES, -1);
  if (!within(w(H_CAP_EFFECTS_PER_NODE), 0, MAX_EFFECTS_PER_NODE)) return fail(BAD_HEADER, H_CAP_EFFECTS_PER_NODE, -1);
  if (!within(w(H_CAP_APPLICATIONS), 0, MAX_APPLICATIONS_PER_TICK)) return fail(BAD_HEADER, H_CAP_APPLICATIONS, -1);
  if (!within(w(H_MAX_DELAY), 0, MAX_DELAY)) return fail(BAD_HEADER, H_MAX_DELAY, -1);
  if (!within(w(H_IN_SLOTS), 0, MAX_IN_SLOTS)) return fail(BAD_HEADER, H_IN_SLOTS, -1);
  if (!within(w(H_OUT_SLOTS), 0, MAX_OUT_SLOTS)) return fail(BAD_HEADER, H_OUT_SLOTS, -1);
  if (!within(w(H_NODE_COUNT), 0, w(H_CAP_NODES))) return fail(BAD_HEADER, H_NODE_COUNT, -1);
  if (!within(w(H_EDGE_COUNT), 0, w(H_CAP_EDGES))) return fail(BAD_HEADER, H_EDGE_COUNT, -1);
  if (!within(w(H_EFFECT_COUNT), 0, w(H_CAP_NODES) * w(H_CAP_EFFECTS_PER_NODE))) return fail(BAD_HEADER, H_EFFECT_COUNT, -1);
  const size = HEADER_WORDS + w(H_IN_SLOTS) + w(H_NODE_COUNT) * NODE_WORDS + w(H_EDGE_COUNT) * EDGE_WORDS +
    w(H_EFFECT_COUNT) * EFFECT_WORDS;
  if (size != words) return fail(BAD_HEADER, H_EFFECT_COUNT, -1);
  return OK;
}

/** Validates the groups after the genome; sets *lanes. Returns OK or the status. */
function groups(at: i32, count: i32): i32 {
  if (!within(count, 1, MAX_GROUPS)) return fail(BAD_GROUPS, count, -1);
  let lanes: i64 = 0;
  for (let g = 0; g < count; g++) {
    const rows = w(at + 2 * g);
    const cols = w(at + 2 * g + 1);
    if (rows < 1) return fail(BAD_GROUPS, g, 0);
    if (cols < 1) return fail(BAD_GROUPS, g, 1);
    const size = <i64>rows * <i64>cols;
    if (size > <i64>MAX_LANES) return fail(BAD_LANES, g, -1);
    lanes += size;
  }
  if (lanes > <i64>MAX_LANES) return fail(BAD_LANES, count, -1);
  groupLanes = <i32>lanes;
  return OK;
}
let groupLanes: i32 = 0;

function nodeRecord(i: i32, o: i32, inSlots: i32, outSlots: i32, effects: i32, capEff: i32): i32 {
  const role = w(o + N_ROLE);
  if (!within(role, 0, 2)) return N_ROLE;
  const slot = w(o + N_SLOT);
  if (role == ROLE_HIDDEN ? slot != -1 : !within(slot, 0, (role == ROLE_INPUT ? inSlots : outSlots) - 1)) return N_SLOT;
  if (!within(w(o + N_OP), 0, OP_COUNT - 1)) return N_OP;
  if (!within(w(o + N_POLICY), 0, POLICY_COUNT - 1)) return N_POLICY;
  if (!within(w(o + N_EMIT), 0, 1)) return N_EMIT;
  if (!within(w(o + N_REFRACTORY), 0, MAX_REFRACTORY)) return N_REFRACTORY;
  const count = w(o + N_EFFECT_COUNT);
  if (!within(count, 0, capEff)) return N_EFFECT_COUNT;
  if (!within(w(o + N_EFFECT_START), 0, effects - count)) return N_EFFECT_START;
  for (let a = 0; a < 4; a++) if (!isFinite(f(o + N_ATTR0 + a))) return N_ATTR0 + a;
  if (!isFinite(f(o + N_THRESHOLD))) return N_THRESHOLD;
  const decay = f(o + N_DECAY);
  if (!(decay >= 0 && decay <= 1)) return N_DECAY;
  if (!isFinite(f(o + N_RESET))) return N_RESET;
  const p = f(o + N_PROBABILITY);
  if (!(p >= 0 && p <= 1)) return N_PROBABILITY;
  return -1;
}

function edgeRecord(o: i32, nodes: i32, at: i32, maxDelay: i32): i32 {
  const src = w(o + E_SOURCE);
  if (!within(src, 0, nodes - 1)) return E_SOURCE;
  const dst = w(o + E_TARGET);
  if (!within(dst, 0, nodes - 1) || w(at + dst * NODE_WORDS + N_ROLE) == ROLE_INPUT) return E_TARGET;
  if (!within(w(o + E_PORT), 0, MAX_PORTS - 1)) return E_PORT;
  if (!isFinite(f(o + E_WEIGHT))) return E_WEIGHT;
  if (!within(w(o + E_DELAY), 0, maxDelay)) return E_DELAY;
  if (!within(w(o + E_ENABLED), 0, 1)) return E_ENABLED;
  return -1;
}

function effectRecord(o: i32): i32 {
  if (!within(w(o + F_KIND), 0, FX_COUNT - 1)) return F_KIND;
  if (!within(w(o + F_ENABLED), 0, 1)) return F_ENABLED;
  if (!within(w(o + F_CHANGE), 0, CH_COUNT - 1)) return F_CHANGE;
  if (!within(w(o + F_AMOUNT_SOURCE), 0, AMOUNT_COUNT - 1)) return F_AMOUNT_SOURCE;
  if (!isFinite(f(o + F_AMOUNT_SCALE))) return F_AMOUNT_SCALE;
  if (!within(w(o + F_TARGET), 0, 1)) return F_TARGET;
  if (!within(w(o + F_DIRECTION), 0, 1)) return F_DIRECTION;
  if (!within(w(o + F_RADIUS), 1, 8)) return F_RADIUS;
  if (!within(w(o + F_SELECT), 0, SEL_COUNT - 1)) return F_SELECT;
  if (w(o + F_K) < 0) return F_K;
  return -1;
}

/** Index of a record whose key repeats an earlier one's, or -1 (n records, key at o + i * stride). */
function duplicateKey(o: i32, n: i32, stride: i32, keys: usize, vals: usize): i32 {
  for (let i = 0; i < n; i++) {
    store<u64>(keys + (<usize>i << 3), (ord(w(o + i * stride)) << 32) | <u64>i);
    setI32(vals, i, i);
  }
  sortPairs(keys, vals, n);
  for (let i = 1; i < n; i++) {
    if ((load<u64>(keys + (<usize>i << 3)) >> 32) == (load<u64>(keys + (<usize>(i - 1) << 3)) >> 32)) {
      return i32At(vals, i);
    }
  }
  return -1;
}

/**
 * Validates and builds the graph: the packed genome at staging[0 .. words), groups behind it.
 * Returns a status; on OK the tables, slots and groups are ready for scheduling.
 */
export function loadGraph(words: i32, groupCount: i32, seedLo: u32, seedHi: u32): i32 {
  base = stagingPtr;
  let status = header(words);
  if (status != OK) return status;
  const nodes = w(H_NODE_COUNT);
  const edges = w(H_EDGE_COUNT);
  const effects = w(H_EFFECT_COUNT);
  const ins = w(H_IN_SLOTS);
  const outs = w(H_OUT_SLOTS);
  const capNodes = w(H_CAP_NODES);
  const capEdges = w(H_CAP_EDGES);
  const capEff = w(H_CAP_EFFECTS_PER_NODE);
  const maxDelay = w(H_MAX_DELAY);
  status = groups(words, groupCount);
  if (status != OK) return status;
  for (let s = 0; s < ins; s++) {
    const width = w(HEADER_WORDS + s);
    if (width != WIDTH_LANE && width != WIDTH_SCALAR) return fail(BAD_IN_SLOT, s, -1);
  }
  const nodeAt = HEADER_WORDS + ins;
  const edgeAt = nodeAt + nodes * NODE_WORDS;
  const effAt = edgeAt + edges * EDGE_WORDS;
  for (let i = 0; i < nodes; i++) {
    const field = nodeRecord(i, nodeAt + i * NODE_WORDS, ins, outs, effects, capEff);
    if (field >= 0) return fail(BAD_NODE, i, field);
  }
  for (let i = 0; i < edges; i++) {
    const field = edgeRecord(edgeAt + i * EDGE_WORDS, nodes, nodeAt, maxDelay);
    if (field >= 0) return fail(BAD_EDGE, i, field);
  }
  for (let i = 0; i < effects; i++) {
    const field = effectRecord(effAt + i * EFFECT_WORDS);
    if (field >= 0) return fail(BAD_EFFECT, i, field);
  }
  // The dump of any graph within the caps fits the staging area; the arena starts behind it.
  const dumpWords = HEADER_WORDS + ins + capNodes * NODE_WORDS + capEdges * EDGE_WORDS +
    capNodes * capEff * EFFECT_WORDS;
  if (!reserveStaging(max(dumpWords, words + 2 * groupCount))) return fail(OUT_OF_MEMORY, -1, -1);
  const keys = alloc(<u64>max(nodes, edges) * 8 + 8);
  const vals = alloc(<u64>max(nodes, edges) * 4 + 4);
  if (keys == 0 || vals == 0) return fail(OUT_OF_MEMORY, -1, -1);
  let dup = duplicateKey(nodeAt + N_KEY, nodes, NODE_WORDS, keys, vals);
  if (dup >= 0) return fail(DUPLICATE_KEY, dup, N_KEY);
  dup = duplicateKey(edgeAt + E_KEY, edges, EDGE_WORDS, keys, vals);
  if (dup >= 0) return fail(DUPLICATE_KEY, dup, E_KEY);
  const nextKey = w(H_NEXT_KEY);
  for (let i = 0; i < nodes; i++) if (w(nodeAt + i * NODE_WORDS + N_KEY) >= nextKey) return fail(BAD_HEADER, H_NEXT_KEY, -1);
  for (let i = 0; i < edges; i++) if (w(edgeAt + i * EDGE_WORDS + E_KEY) >= nextKey) return fail(BAD_HEADER, H_NEXT_KEY, -1);
  for (let role = ROLE_INPUT; role <= ROLE_OUTPUT; role++) {
    const slots = role == ROLE_INPUT ? ins : outs;
    for (let s = 0; s < slots; s++) {
      let holders = 0;
      for (let i = 0; i < nodes; i++) {
        const o = nodeAt + i * NODE_WORDS;
        if (w(o + N_ROLE) == role && w(o + N_SLOT) == s) holders++;
      }
      if (holders != 1) return fail(BAD_SLOTS, s, role);
    }
  }
  // Build. The sort scratch above stays in the arena (a few KiB) until the next load.
  configure(capNodes, capEdges, capEff, w(H_CAP_APPLICATIONS), maxDelay, nextKey, ins, outs, groupLanes,
    groupCount, seedHash(seedLo, seedHi));
  if (!allocTables() || !allocSchedule()) return fail(OUT_OF_MEMORY, -1, -1);
  let start = 0;
  for (let g = 0; g < groupCount; g++) {
    setI32(gStart, g, start);
    setI32(gRows, g, w(words + 2 * g));
    setI32(gCols, g, w(words + 2 * g + 1));
    start += w(words + 2 * g) * w(words + 2 * g + 1);
  }
  for (let i = 0; i < nodes; i++) {
    const o = nodeAt + i * NODE_WORDS;
    const s = newNode(w(o + N_KEY), 0);
    const n = node(s);
    n.role = w(o + N_ROLE);
    n.slot = w(o + N_SLOT);
    n.op = w(o + N_OP);
    n.policy = w(o + N_POLICY);
    n.emit = w(o + N_EMIT);
    n.refr = w(o + N_REFRACTORY);
    n.attr0 = f(o + N_ATTR0);
    n.attr1 = f(o + N_ATTR0 + 1);
    n.attr2 = f(o + N_ATTR0 + 2);
    n.attr3 = f(o + N_ATTR0 + 3);
    n.threshold = f(o + N_THRESHOLD);
    n.decay = f(o + N_DECAY);
    n.reset = f(o + N_RESET);
    n.prob = f(o + N_PROBABILITY);
    const count = w(o + N_EFFECT_COUNT);
    const first = w(o + N_EFFECT_START);
    for (let k = 0; k < count; k++) {
      memory.copy(effectPtr(s, k), base + (<usize>(effAt + (first + k) * EFFECT_WORDS) << 2), EFFECT_BYTES);
    }
    addEffects(s, count);
    if (n.role == ROLE_INPUT) setI32(inHolder, n.slot, s);
    if (n.role == ROLE_OUTPUT) setI32(outHolder, n.slot, s);
  }
  // Edges go into the adjacency lists in key order, so that every list is sorted by key.
  for (let i = 0; i < edges; i++) {
    store<u64>(keys + (<usize>i << 3), ord(w(edgeAt + i * EDGE_WORDS + E_KEY)));
    setI32(vals, i, i);
  }
  sortPairs(keys, vals, edges);
  for (let j = 0; j < edges; j++) {
    const i = i32At(vals, j);
    const o = edgeAt + i * EDGE_WORDS;
    const e = newEdge(w(o + E_KEY), w(o + E_SOURCE), w(o + E_TARGET), w(o + E_PORT), f(o + E_WEIGHT),
      w(o + E_DELAY), w(o + E_ENABLED), 0);
    setEdgeOrder(e, i);
  }
  for (let s = 0; s < ins; s++) {
    const width = w(HEADER_WORDS + s);
    setI32(inWidth, s, width);
    const buf = alloc(width == WIDTH_LANE ? <u64>groupLanes * 4 + 16 : 16);
    if (buf == 0) return fail(OUT_OF_MEMORY, -1, -1);
    setPtr(inBuf, s, buf);
  }
  for (let s = 0; s < outs; s++) {
    const buf = alloc(<u64>groupLanes * 4 + 16);
    if (buf == 0) return fail(OUT_OF_MEMORY, -1, -1);
    setPtr(outBuf, s, buf);
  }
  if (!order()) return fail(CYCLE, cycleNode(), -1);
  return OK;
}
