// The effects step (docs/engine.md, One tick step 2, and Effects): the nodes that fired and have
// effects walk their live effect lists in sweep order; each (effect, target) pair is one
// application within the tick's cap, and either succeeds or is a no-op counted by reason.
// Successful structural, categorical and effect-list changes are logged. An effect's record is
// copied when it starts, so an effect that rewrites itself finishes with its original targets and
// fields; the list itself is live for the positions after it.
//
// The edges an effect examines are costs too (C_EFFECT_SEARCH, docs/engine.md Costs): a selection's
// candidate search (select.ts), edge-create's duplicate and cycle checks, a deleted node's edges.
// They are what an effects step spends its time on (a selection over a large graph is far dearer
// than the one application it may lead to), so the work limit sees them: the step stops at the
// first selection or application after which the work since load passes the limit.
//
// Before the first effect the step computes the tick's neuromodulator M (modulator.ts), which amount
// `modulated` multiplies into `product`; M stays fixed for the whole step.

import {
  EFFECT_WORDS, F_KIND, F_ENABLED, F_CHANGE, F_AMOUNT_SOURCE, F_AMOUNT_SCALE, F_TARGET, F_A, F_B,
  FX_WEIGHT, FX_ATTR, FX_PARAM, FX_SET_OP, FX_SET_POLICY, FX_EFFECT_ENABLE, FX_EFFECT_DISABLE,
  FX_EFFECT_MOVE, FX_EFFECT_REPLACE, FX_EDGE_CREATE, FX_EDGE_DELETE, FX_EDGE_SPLIT, FX_NODE_DELETE,
  FX_REMAP_INPUT, CH_ADD, CH_SUB, CH_MUL, CH_DIV, CH_SET, CH_TANH,
  AMOUNT_ACTIVATION, AMOUNT_SOURCE, AMOUNT_PRODUCT, AMOUNT_MODULATED, TARGET_SELF, VALUE_LIMIT, MAX_PORTS,
  OP_COUNT, POLICY_COUNT, ROLE_INPUT, ROLE_OUTPUT, NOOP_NO_TARGET, NOOP_CAP_APPLICATIONS,
  NOOP_RANGE, NOOP_INDEX, NOOP_ROLE, NOOP_CAP_EDGES, NOOP_CAP_NODES, NOOP_DUPLICATE, NOOP_CYCLE,
  EV_EDGE_CREATE, EV_EDGE_DELETE, EV_NODE_CREATE, EV_NODE_DELETE, EV_SET_OP, EV_SET_POLICY,
  EV_REMAP_INPUT, EV_REMAP_OUTPUT, EV_EFFECT_LIST, PARAM_DECAY, PARAM_PROBABILITY, PARAM_REFRACTORY, C_EFFECT_APPLICATIONS,
  C_EFFECT_SEARCH,
} from './layout';
import {
  NodeRec, node, edge, effectPtr, capApps, capEdges, capNodes, edgeCount, nodeCount, maxDelay,
  inSlots, outSlots, inHolder, outHolder, i32At, setI32, newNode, newEdge, removeEdge, freeNode,
  takeKey, nextKey, EFFECT_BYTES,
} from './tables';
import { selectEdges, farEnds, picked, pickedKeys, ends } from './select';
import { logEvent } from './log';
import { noop, addCost, overWorkLimit } from './costs';
import { releasePlanes } from './planes';
import { firing, firingCount } from './stats';
import { setCsrWeight } from './event';
import { alloc } from './memory';
import { sortPairs, ord } from './sort';
import { needModulator } from './schedule';
import { neuromodulator } from './modulator';

const fx = memory.data(EFFECT_WORDS * 4, 16); // the effect being applied
let apps: i32 = 0;
let changed: bool = false;
let halted: bool = false; // the work limit stopped this step
let modulator: f32 = 0; // M of this tick
let cycleMark: usize = 0;
let cycleStack: usize = 0;
let cycleStamp: i32 = 0;
let delKeys: usize = 0;
let delSlots: usize = 0;

export function allocEffects(): bool {
  const cn = <u64>max(capNodes, 1);
  cycleMark = alloc(cn * 4);
  cycleStack = alloc(cn * 4);
  delKeys = alloc(<u64>max(capEdges, 1) * 8);
  delSlots = alloc(<u64>max(capEdges, 1) * 4);
  cycleStamp = 0;
  return cycleMark != 0 && cycleStack != 0 && delKeys != 0 && delSlots != 0;
}

@inline function word(i: i32): i32 {
  return load<i32>(fx + (<usize>i << 2));
}

/** Counts an application within the cap, or a cap-applications no-op. */
function application(): bool {
  if (apps >= capApps) {
    noop(NOOP_CAP_APPLICATIONS);
    return false;
  }
  apps++;
  addCost(C_EFFECT_APPLICATIONS, 1);
  return true;
}

function amount(act: f32, src: f32): f32 {
  const s = load<f32>(fx + (<usize>F_AMOUNT_SCALE << 2));
  switch (word(F_AMOUNT_SOURCE)) {
    case AMOUNT_ACTIVATION: return s * act;
    case AMOUNT_SOURCE: return s * src;
    case AMOUNT_PRODUCT: return s * act * src;
    case AMOUNT_MODULATED: return s * act * src * modulator;
  }
  return s;
}


@inline function inRange(x: f32): bool {
  return isFinite(x) && abs(x) <= VALUE_LIMIT;
}

/** change(x, v), or NaN for a range no-op. */
function change(x: f32, v: f32): f32 {
  let r: f32;
  switch (word(F_CHANGE)) {
    case CH_ADD: { r = x + v; break; }
    case CH_SUB: { r = x - v; break; }
    case CH_MUL: { r = x * v; break; }
    case CH_DIV: {
      if (v == 0) return NaN;
      r = x / v;
      break;
    }
    case CH_SET: { r = v; break; }
    case CH_TANH: { r = <f32>Math.tanh(<f64>(x + v)); break; }
    default: { r = min(max(x, -abs(v)), abs(v)); }
  }
  return inRange(r) ? r : NaN;
}

@inline function meanOf(u: NodeRec, t: i32): f32 {
  return u.born == t ? 0 : u.mean;
}

/**
 * Is there a path of enabled delay-0 edges from `from` to `to`? The search always covers every node
 * reachable from `from` and counts the edges leaving them as effect search: a count that does not
 * depend on the order in which the search meets the nodes (the reference's order differs).
 */
function delayZeroPath(from: i32, to: i32): bool {
  if (++cycleStamp == i32.MAX_VALUE) {
    memory.fill(cycleMark, 0, <usize>max(capNodes, 1) * 4);
    cycleStamp = 1;
  }
  let top = 0;
  let found = false;
  let examined = 0;
  setI32(cycleStack, top++, from);
  setI32(cycleMark, from, cycleStamp);
  while (top > 0) {
    const u = i32At(cycleStack, --top);
    found = found || u == to;
    for (let e = node(u).outHead; e >= 0; e = edge(e).outNext) {
      examined++;
      const r = edge(e);
      if (r.enabled && r.delay == 0 && i32At(cycleMark, r.dst) != cycleStamp) {
        setI32(cycleMark, r.dst, cycleStamp);
        setI32(cycleStack, top++, r.dst);
      }
    }
  }
  addCost(C_EFFECT_SEARCH, <f64>examined);
  return found;
}

function deleteEdge(e: i32, t: i32): void {
  const key = edge(e).key;
  removeEdge(e);
  logEvent(t, EV_EDGE_DELETE, key, 0, 0);
}

function deleteNode(u: i32, t: i32): void {
  const n = node(u);
  let count = 0;
  for (let e = n.outHead; e >= 0; e = edge(e).outNext) {
    store<u64>(delKeys + (<usize>count << 3), ord(edge(e).key));
    setI32(delSlots, count++, e);
  }
  for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
    if (edge(e).src == u) continue; // a self loop, already listed
    store<u64>(delKeys + (<usize>count << 3), ord(edge(e).key));
    setI32(delSlots, count++, e);
  }
  sortPairs(delKeys, delSlots, count);
  addCost(C_EFFECT_SEARCH, <f64>count);
  for (let i = 0; i < count; i++) deleteEdge(i32At(delSlots, i), t);
  const key = n.key;
  releasePlanes(n, t);
  freeNode(u);
  logEvent(t, EV_NODE_DELETE, key, 0, 0);
}

function applyToEdge(s: i32, e: i32, kind: i32, t: i32): void {
  const r = edge(e);
  if (kind == FX_WEIGHT) {
    const w = change(r.weight, amount(node(s).act, meanOf(node(r.src), t)));
    if (isNaN(w)) { noop(NOOP_RANGE); return; }
    r.weight = w;
    setCsrWeight(e);
    return;
  }
  if (kind == FX_EDGE_DELETE) {
    deleteEdge(e, t);
    changed = true;
    return;
  }
  // edge-split
  if (nodeCount >= capNodes || nextKey > i32.MAX_VALUE - 3) { noop(NOOP_CAP_NODES); return; }
  if (edgeCount >= capEdges) { noop(NOOP_CAP_EDGES); return; }
  const src = r.src;
  const dst = r.dst;
  const port = r.port;
  const weight = r.weight;
  const delay = r.delay;
  const oldKey = r.key;
  const k0 = takeKey();
  const k1 = takeKey();
  const k2 = takeKey();
  removeEdge(e);
  const mid = newNode(k0, t);
  newEdge(k1, src, mid, 0, 1, 0, 1, t);
  newEdge(k2, mid, dst, port, weight, delay, 1, t);
  logEvent(t, EV_NODE_CREATE, k0, 0, 0);
  logEvent(t, EV_EDGE_CREATE, k1, node(src).key, k0);
  logEvent(t, EV_EDGE_CREATE, k2, k0, node(dst).key);
  logEvent(t, EV_EDGE_DELETE, oldKey, 0, 0);
  changed = true;
}

/** Applies the current effect to node u; returns true if the acting node s deleted itself. */
function applyToNode(s: i32, u: i32, kind: i32, t: i32): bool {
  const n = node(u);
  const a = word(F_A);
  const b = word(F_B);
  const v = amount(node(s).act, meanOf(n, t));
  switch (kind) {
    case FX_ATTR: {
      if (a < 0 || a > 3) { noop(NOOP_INDEX); break; }
      const p = changetype<usize>(n) + offsetof<NodeRec>('attr0') + (<usize>a << 2);
      const x = change(load<f32>(p), v);
      if (isNaN(x)) { noop(NOOP_RANGE); break; }
      store<f32>(p, x);
      break;
    }
    case FX_PARAM: {
      if (a < 0 || a > PARAM_REFRACTORY) { noop(NOOP_INDEX); break; }
      applyParam(n, a, v);
      break;
    }
    case FX_SET_OP:
    case FX_SET_POLICY: {
      if (a < 0 || a >= (kind == FX_SET_OP ? OP_COUNT : POLICY_COUNT)) { noop(NOOP_INDEX); break; }
      if (n.role == ROLE_INPUT) { noop(NOOP_ROLE); break; }
      if (kind == FX_SET_OP) n.op = a;
      else n.policy = a;
      logEvent(t, kind == FX_SET_OP ? EV_SET_OP : EV_SET_POLICY, n.key, a, 0);
      changed = true;
      break;
    }
    case FX_EFFECT_ENABLE:
    case FX_EFFECT_DISABLE:
    case FX_EFFECT_MOVE:
    case FX_EFFECT_REPLACE: {
      editEffects(s, u, kind, a, b, t);
      break;
    }
    case FX_EDGE_CREATE: {
      createEdge(s, u, a, b, v, t);
      break;
    }
    case FX_NODE_DELETE: {
      if (n.role == ROLE_INPUT || n.role == ROLE_OUTPUT) { noop(NOOP_ROLE); break; }
      deleteNode(u, t);
      changed = true;
      return u == s;
    }
    default: {
      remap(u, kind == FX_REMAP_INPUT, a, t);
    }
  }
  return false;
}

function applyParam(n: NodeRec, a: i32, v: f32): void {
  if (a == PARAM_REFRACTORY) {
    const x = change(<f32>n.refr, v);
    const k = Mathf.floor(x + <f32>0.5);
    if (isNaN(x) || !(k >= 0 && k <= 255)) { noop(NOOP_RANGE); return; }
    n.refr = <i32>k;
    changed = true;
    return;
  }
  const p = changetype<usize>(n) + offsetof<NodeRec>('threshold') + (<usize>a << 2);
  const x = change(load<f32>(p), v);
  if (isNaN(x) || ((a == PARAM_DECAY || a == PARAM_PROBABILITY) && !(x >= 0 && x <= 1))) {
    noop(NOOP_RANGE);
    return;
  }
  store<f32>(p, x);
}

function editEffects(s: i32, u: i32, kind: i32, a: i32, b: i32, t: i32): void {
  const n = node(u);
  const count = n.effCount;
  if (a < 0 || a >= count) { noop(NOOP_INDEX); return; }
  if (kind == FX_EFFECT_ENABLE || kind == FX_EFFECT_DISABLE) {
    store<i32>(effectPtr(u, a) + (<usize>F_ENABLED << 2), kind == FX_EFFECT_ENABLE ? 1 : 0);
  } else if (kind == FX_EFFECT_MOVE) {
    if (b < 0 || b >= count) { noop(NOOP_INDEX); return; }
    const tmp = memory.data(EFFECT_WORDS * 4, 16);
    memory.copy(tmp, effectPtr(u, a), EFFECT_BYTES);
    if (a < b) memory.copy(effectPtr(u, a), effectPtr(u, a + 1), EFFECT_BYTES * <usize>(b - a));
    else if (a > b) memory.copy(effectPtr(u, b + 1), effectPtr(u, b), EFFECT_BYTES * <usize>(a - b));
    memory.copy(effectPtr(u, b), tmp, EFFECT_BYTES);
  } else {
    if (b < 0 || b >= node(s).effCount) { noop(NOOP_INDEX); return; }
    memory.copy(effectPtr(u, a), effectPtr(s, b), EFFECT_BYTES);
    changed = true;
  }
  logEvent(t, EV_EFFECT_LIST, n.key, kind, a);
}

function createEdge(s: i32, u: i32, port: i32, delay: i32, v: f32, t: i32): void {
  if (port < 0 || port >= MAX_PORTS || delay < 0 || delay > maxDelay) { noop(NOOP_INDEX); return; }
  if (node(u).role == ROLE_INPUT) { noop(NOOP_ROLE); return; }
  if (!inRange(v)) { noop(NOOP_RANGE); return; }
  if (edgeCount >= capEdges || nextKey == i32.MAX_VALUE) { noop(NOOP_CAP_EDGES); return; }
  // Every edge leaving s is examined (and counted), duplicate or not.
  let duplicate = false;
  let examined = 0;
  for (let e = node(s).outHead; e >= 0; e = edge(e).outNext) {
    const r = edge(e);
    examined++;
    duplicate = duplicate || (r.dst == u && r.port == port && r.delay == delay);
  }
  addCost(C_EFFECT_SEARCH, <f64>examined);
  if (duplicate) { noop(NOOP_DUPLICATE); return; }
  if (delay == 0 && delayZeroPath(u, s)) { noop(NOOP_CYCLE); return; }
  const key = takeKey();
  newEdge(key, s, u, port, v, delay, 1, t);
  logEvent(t, EV_EDGE_CREATE, key, node(s).key, node(u).key);
  changed = true;
}

function remap(u: i32, input: bool, a: i32, t: i32): void {
  const n = node(u);
  if (n.role != (input ? ROLE_INPUT : ROLE_OUTPUT)) { noop(NOOP_ROLE); return; }
  if (a < 0 || a >= (input ? inSlots : outSlots)) { noop(NOOP_INDEX); return; }
  const holders = input ? inHolder : outHolder;
  const other = i32At(holders, a);
  node(other).slot = n.slot;
  setI32(holders, n.slot, other);
  n.slot = a;
  setI32(holders, a, u);
  logEvent(t, input ? EV_REMAP_INPUT : EV_REMAP_OUTPUT, n.key, a, 0);
  changed = true;
}

/** Applies effect record `p` at position pos of node s; returns true if s deleted itself. */
function applyEffect(s: i32, p: usize, pos: i32, t: i32): bool {
  memory.copy(fx, p, EFFECT_BYTES);
  const kind = word(F_KIND);
  const edgeKind = kind == FX_WEIGHT || kind == FX_EDGE_DELETE || kind == FX_EDGE_SPLIT;
  if (!edgeKind && word(F_TARGET) == TARGET_SELF) {
    const self = application() && applyToNode(s, s, kind, t);
    halted = overWorkLimit();
    return self;
  }
  const count = selectEdges(s, fx, pos, t);
  if (count == 0) noop(NOOP_NO_TARGET);
  if ((halted = overWorkLimit()) || count == 0) return false;
  if (edgeKind) {
    for (let i = 0; i < count; i++) {
      const e = i32At(picked, i);
      if (!edge(e).alive || edge(e).key != i32At(pickedKeys, i)) continue;
      if (application()) applyToEdge(s, e, kind, t);
      if ((halted = overWorkLimit())) break;
    }
    return false;
  }
  const n = farEnds(count, fx);
  for (let i = 0; i < n; i++) {
    const u = i32At(ends, i);
    if (!node(u).alive) continue;
    if (application() && applyToNode(s, u, kind, t)) {
      halted = overWorkLimit();
      return true;
    }
    if ((halted = overWorkLimit())) break;
  }
  return false;
}

/**
 * The effects step of tick t over the sweep's firing list; true if the schedule must be rebuilt. It
 * stops early, leaving the rest of the list unapplied, once the work passes the limit.
 */
export function effectsStep(t: i32): bool {
  apps = 0;
  changed = false;
  halted = false;
  // Only amount `modulated` reads M, and only then are the means computed (schedule.ts).
  modulator = needModulator && firingCount > 0 ? neuromodulator() : 0;
  for (let i = 0; i < firingCount && !halted; i++) {
    const s = load<i32>(firing + (<usize>i << 3));
    const n = node(s);
    if (!n.alive || n.key != load<i32>(firing + (<usize>i << 3), 4)) continue;
    for (let f = 0; f < n.effCount && !halted; f++) {
      const p = effectPtr(s, f);
      if (load<i32>(p + (<usize>F_ENABLED << 2)) == 0) continue;
      if (applyEffect(s, p, f, t)) break;
    }
  }
  return changed;
}
