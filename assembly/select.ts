// Edge selection for effects (docs/engine.md, Effects, Selection): the enabled edges within
// `radius` hops of the acting node along (out) or against (in) edge direction, sorted by key, then
// ordered by the selection policy, the first k taken and stamped chosen = t. Also the far ends of
// a selection, for node kinds with target `edges`.

import {
  DIR_OUT, SEL_ALL, SEL_NEWEST, SEL_OLDEST, SEL_MOST_USED, SEL_LEAST_USED, SEL_MOST_RECENT,
  SEL_LEAST_RECENT, SEL_RANDOM, F_DIRECTION, F_RADIUS, F_SELECT, F_K,
} from './layout';
import { node, edge, capNodes, capEdges, seedMix, i32At, setI32 } from './tables';
import { addCost, C_EFFECT_SEARCH } from './costs';
import { alloc } from './memory';
import { sortPairs, key2, ord } from './sort';
import { hash } from './rng';
import { flushUsage } from './event';

export let picked: usize = 0; // selected edge slots, in selection order
export let pickedKeys: usize = 0; // and their keys (to notice edges removed meanwhile)
export let ends: usize = 0; // far-end node slots
let sortKeys: usize = 0;
let nodeMark: usize = 0;
let edgeMark: usize = 0;
let frontier: usize = 0;
let nextFrontier: usize = 0;
let stamp: i32 = 0;

export function allocSelect(): bool {
  const ce = <u64>max(capEdges, 1);
  const cn = <u64>max(capNodes, 1);
  picked = alloc(ce * 4);
  pickedKeys = alloc(ce * 4);
  sortKeys = alloc(ce * 8);
  edgeMark = alloc(ce * 4);
  ends = alloc(cn * 4);
  nodeMark = alloc(cn * 4);
  frontier = alloc(cn * 4);
  nextFrontier = alloc(cn * 4);
  stamp = 0;
  return picked != 0 && pickedKeys != 0 && sortKeys != 0 && edgeMark != 0 && ends != 0 &&
    nodeMark != 0 && frontier != 0 && nextFrontier != 0;
}

function nextStamp(): i32 {
  if (++stamp == i32.MAX_VALUE) {
    memory.fill(nodeMark, 0, <usize>max(capNodes, 1) * 4);
    memory.fill(edgeMark, 0, <usize>max(capEdges, 1) * 4);
    stamp = 1;
  }
  return stamp;
}

/**
 * Candidates within radius hops into `picked`; returns their count. Every edge the search examines
 * (each edge leaving, or for `in` entering, a node of the frontier, enabled or not) is effect search.
 */
function candidates(s: i32, out: bool, radius: i32): i32 {
  const st = nextStamp();
  let count = 0;
  let size = 1;
  let examined = 0;
  setI32(frontier, 0, s);
  setI32(nodeMark, s, st);
  for (let hop = 0; hop < radius && size > 0; hop++) {
    let next = 0;
    for (let i = 0; i < size; i++) {
      const u = node(i32At(frontier, i));
      for (let e = out ? u.outHead : u.inHead; e >= 0; e = out ? edge(e).outNext : edge(e).inNext) {
        examined++;
        const r = edge(e);
        if (!r.enabled || i32At(edgeMark, e) == st) continue;
        setI32(edgeMark, e, st);
        setI32(picked, count++, e);
        const far = out ? r.dst : r.src;
        if (i32At(nodeMark, far) != st) {
          setI32(nodeMark, far, st);
          setI32(nextFrontier, next++, far);
        }
      }
    }
    memory.copy(frontier, nextFrontier, <usize>next << 2);
    size = next;
  }
  addCost(C_EFFECT_SEARCH, <f64>examined);
  return count;
}

function policyKey(policy: i32, e: i32): u64 {
  const r = edge(e);
  switch (policy) {
    case SEL_NEWEST: return key2(~r.born, ~r.key);
    case SEL_OLDEST: return key2(r.born, r.key);
    case SEL_MOST_USED: return key2(~r.usage, r.key);
    case SEL_LEAST_USED: return key2(r.usage, r.key);
    case SEL_MOST_RECENT: return key2(~r.chosen, r.key);
    case SEL_LEAST_RECENT: return key2(r.chosen, r.key);
  }
  return ord(r.key);
}

/** ceil(log2 m) for m >= 1: the cost of ordering m candidates is m of it (docs/engine.md, Costs). */
@inline function ceilLog2(m: i32): i32 {
  return m <= 1 ? 0 : 32 - clz(m - 1);
}

/**
 * Selects edges for effect record `fx` (at position `pos` of node s's list) at tick t into
 * `picked` and stamps them chosen = t; returns how many.
 */
export function selectEdges(s: i32, fx: usize, pos: i32, t: i32): i32 {
  const out = load<i32>(fx + (<usize>F_DIRECTION << 2)) == DIR_OUT;
  const radius = load<i32>(fx + (<usize>F_RADIUS << 2));
  const policy = load<i32>(fx + (<usize>F_SELECT << 2));
  const k = load<i32>(fx + (<usize>F_K << 2));
  const m = candidates(s, out, radius);
  addCost(C_EFFECT_SEARCH, <f64>m * <f64>ceilLog2(m));
  const take = k == 0 ? m : min(k, m);
  // Key order first for `all` and `random`; the other policies' sort keys end in the edge key, so
  // one sort by them gives the same order.
  if (policy == SEL_ALL || policy == SEL_RANDOM) {
    for (let i = 0; i < m; i++) store<u64>(sortKeys + (<usize>i << 3), ord(edge(i32At(picked, i)).key));
    sortPairs(sortKeys, picked, m);
  }
  if (policy == SEL_RANDOM) {
    const key = <u32>node(s).key;
    for (let j = 0; j < take; j++) {
      const h = hash(seedMix, <u32>t, key, <u32>(65536 + pos), <u32>j);
      const r = j + <i32>(h % <u32>(m - j));
      const a = i32At(picked, j);
      setI32(picked, j, i32At(picked, r));
      setI32(picked, r, a);
    }
  } else if (policy != SEL_ALL) {
    if (policy == SEL_MOST_USED || policy == SEL_LEAST_USED) flushUsage();
    for (let i = 0; i < m; i++) store<u64>(sortKeys + (<usize>i << 3), policyKey(policy, i32At(picked, i)));
    sortPairs(sortKeys, picked, m);
  }
  for (let i = 0; i < take; i++) {
    const r = edge(i32At(picked, i));
    r.chosen = t;
    setI32(pickedKeys, i, r.key);
  }
  return take;
}

/** The far ends of the first n picked edges, without repeats, into `ends`; returns how many. */
export function farEnds(n: i32, fx: usize): i32 {
  const out = load<i32>(fx + (<usize>F_DIRECTION << 2)) == DIR_OUT;
  const st = nextStamp();
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = edge(i32At(picked, i));
    const far = out ? r.dst : r.src;
    if (i32At(nodeMark, far) == st) continue;
    setI32(nodeMark, far, st);
    setI32(ends, count++, far);
  }
  return count;
}
