// dumpGraph(): the current graph in the packed layout of assembly/layout.ts, written to the staging
// area (which load sized for the largest graph the caps allow). Nodes and edges come in load order
// followed by creation order, so a dump right after load reproduces the loaded genome; each edge
// record carries its usage count in its reserved last word.

import {
  MAGIC, LAYOUT_VERSION, HEADER_WORDS, NODE_WORDS, EDGE_WORDS, EFFECT_WORDS, H_MAGIC, H_VERSION,
  H_NODE_COUNT, H_EDGE_COUNT, H_EFFECT_COUNT, H_IN_SLOTS, H_OUT_SLOTS, H_CAP_NODES, H_CAP_EDGES,
  H_CAP_EFFECTS_PER_NODE, H_CAP_APPLICATIONS, H_MAX_DELAY, H_NEXT_KEY, N_KEY, N_ROLE, N_SLOT, N_OP,
  N_POLICY, N_EMIT, N_REFRACTORY, N_EFFECT_START, N_EFFECT_COUNT, N_ATTR0, N_THRESHOLD, N_DECAY,
  N_RESET, N_PROBABILITY, E_KEY, E_SOURCE, E_TARGET, E_PORT, E_WEIGHT, E_DELAY, E_ENABLED,
} from './layout';
import {
  node, edge, effectPtr, capNodes, capEdges, capEff, capApps, maxDelay, nextKey, inSlots, outSlots,
  nodeCount, edgeCount, effTotal, inWidth, i32At, setI32, EFFECT_BYTES,
} from './tables';
import { stagingPtr, alloc } from './memory';
import { sortPairs, ord } from './sort';
import { flushUsage } from './event';

let keys: usize = 0;
let vals: usize = 0;
let index: usize = 0; // node slot -> position in the dump

export function allocDump(): bool {
  const n = <u64>max(max(capNodes, capEdges), 1);
  keys = alloc(n * 8);
  vals = alloc(n * 4);
  index = alloc(<u64>max(capNodes, 1) * 4);
  return keys != 0 && vals != 0 && index != 0;
}

@inline function put(i: i32, v: i32): void {
  store<i32>(stagingPtr + (<usize>i << 2), v);
}
@inline function putf(i: i32, v: f32): void {
  store<f32>(stagingPtr + (<usize>i << 2), v);
}

export function dump(): i32 {
  flushUsage();
  const nodeAt = HEADER_WORDS + inSlots;
  const edgeAt = nodeAt + nodeCount * NODE_WORDS;
  const effAt = edgeAt + edgeCount * EDGE_WORDS;
  memory.fill(stagingPtr, 0, <usize>(effAt + effTotal * EFFECT_WORDS) << 2);
  put(H_MAGIC, MAGIC);
  put(H_VERSION, LAYOUT_VERSION);
  put(H_NODE_COUNT, nodeCount);
  put(H_EDGE_COUNT, edgeCount);
  put(H_EFFECT_COUNT, effTotal);
  put(H_IN_SLOTS, inSlots);
  put(H_OUT_SLOTS, outSlots);
  put(H_CAP_NODES, capNodes);
  put(H_CAP_EDGES, capEdges);
  put(H_CAP_EFFECTS_PER_NODE, capEff);
  put(H_CAP_APPLICATIONS, capApps);
  put(H_MAX_DELAY, maxDelay);
  put(H_NEXT_KEY, nextKey);
  for (let s = 0; s < inSlots; s++) put(HEADER_WORDS + s, i32At(inWidth, s));
  let count = 0;
  for (let s = 0; s < capNodes; s++) {
    if (!node(s).alive) continue;
    store<u64>(keys + (<usize>count << 3), ord(node(s).order));
    setI32(vals, count++, s);
  }
  sortPairs(keys, vals, count);
  let effect = 0;
  for (let i = 0; i < count; i++) {
    const s = i32At(vals, i);
    const n = node(s);
    setI32(index, s, i);
    const o = nodeAt + i * NODE_WORDS;
    put(o + N_KEY, n.key);
    put(o + N_ROLE, n.role);
    put(o + N_SLOT, n.slot);
    put(o + N_OP, n.op);
    put(o + N_POLICY, n.policy);
    put(o + N_EMIT, n.emit);
    put(o + N_REFRACTORY, n.refr);
    put(o + N_EFFECT_START, effect);
    put(o + N_EFFECT_COUNT, n.effCount);
    putf(o + N_ATTR0, n.attr0);
    putf(o + N_ATTR0 + 1, n.attr1);
    putf(o + N_ATTR0 + 2, n.attr2);
    putf(o + N_ATTR0 + 3, n.attr3);
    putf(o + N_THRESHOLD, n.threshold);
    putf(o + N_DECAY, n.decay);
    putf(o + N_RESET, n.reset);
    putf(o + N_PROBABILITY, n.prob);
    for (let k = 0; k < n.effCount; k++) {
      memory.copy(stagingPtr + (<usize>(effAt + effect * EFFECT_WORDS) << 2), effectPtr(s, k), EFFECT_BYTES);
      effect++;
    }
  }
  count = 0;
  for (let e = 0; e < capEdges; e++) {
    if (!edge(e).alive) continue;
    store<u64>(keys + (<usize>count << 3), ord(edge(e).order));
    setI32(vals, count++, e);
  }
  sortPairs(keys, vals, count);
  for (let i = 0; i < count; i++) {
    const r = edge(i32At(vals, i));
    const o = edgeAt + i * EDGE_WORDS;
    put(o + E_KEY, r.key);
    put(o + E_SOURCE, i32At(index, r.src));
    put(o + E_TARGET, i32At(index, r.dst));
    put(o + E_PORT, r.port);
    putf(o + E_WEIGHT, r.weight);
    put(o + E_DELAY, r.delay);
    put(o + E_ENABLED, r.enabled);
    put(o + EDGE_WORDS - 1, r.usage);
  }
  return effAt + effTotal * EFFECT_WORDS;
}
