// The tick loop (docs/engine.md, One tick): reset the per-tick statistics, sweep (tiled or event
// mode), count used edges, costs and fired lanes, stop on a non-finite activation, apply the
// effects, and rebuild the schedule and the buffers when the effects changed the graph.
//
// The work limit (docs/engine.md, Work limit) is checked after the sweep and, inside the effects
// step, after every selection and application (effects.ts): a tick's work is known only once its
// sweep is done, and one sweep is bounded ((nodes + edges) x lanes units), while an effects step's
// searches are not bounded by anything but the limit.

import { MODE_EVENT, C_NODE_LANE_EVALS, C_FIRED_NODE_LANES, C_EDGE_LANE_TRAVERSALS } from './layout';
import { OK, NON_FINITE, OUT_OF_MEMORY, WORK_LIMIT } from './status';
import { node, edge, capNodes, i32At, setStatus } from './tables';
import { topo, topoCount, schedule, evalsPerTick, stateBytes, graphBytes, widthCount } from './schedule';
import { beginTick, beginNode, endNode, badNode, firedLanes } from './stats';
import { settleCounters, setTick, tickAt, back } from './planes';
import { prepareEvent, sweepEvent } from './event';
import { prepareTiled, sweepTiled } from './tiled';
import { effectsStep } from './effects';
import { addCost, costsSettle, overWorkLimit } from './costs';

export let mode: i32 = MODE_EVENT;
export let loaded: bool = false;
export let tick: i32 = 0;

export function setMode(m: i32): void {
  mode = m;
}

export function setLoaded(on: bool): void {
  loaded = on;
  tick = 0;
}

/** Rebuilds the schedule and buffers for the graph as it is after tick t. */
export function reschedule(t: i32): bool {
  for (let s = 0; s < capNodes; s++) if (node(s).alive) settleCounters(node(s));
  if (!schedule(mode == MODE_EVENT)) return false;
  const ok = mode == MODE_EVENT ? prepareEvent(t) : prepareTiled(t);
  costsSettle(tick, stateBytes, graphBytes);
  return ok;
}

/** Tiled mode: usage and traversals of the edges whose source was nonzero at t - d. */
function countUsage(t: i32): void {
  let traversals: f64 = 0;
  for (let i = 0; i < topoCount; i++) {
    const s = i32At(topo, i);
    const n = node(s);
    for (let e = n.outHead; e >= 0; e = edge(e).outNext) {
      const r = edge(e);
      const at = t - r.delay;
      if (!r.enabled || at < 1 || at <= r.born || (n.nzMask & (1 << back(r.delay))) == 0) continue;
      r.usage++;
      traversals += widthCount(n.costW);
    }
  }
  addCost(C_EDGE_LANE_TRAVERSALS, traversals);
}

function workLimitAt(t: i32): i32 {
  setStatus(-1, -1, t);
  return WORK_LIMIT;
}

export function runTicks(ticks: i32): i32 {
  for (let k = 0; k < ticks; k++) {
    // Once over the limit, no more ticks: the run ended in the tick that passed it.
    if (overWorkLimit()) return workLimitAt(tick);
    const t = tick + 1;
    setTick(t);
    beginTick();
    if (mode == MODE_EVENT) {
      sweepEvent(t);
    } else {
      const clear = ~(1 << tickAt);
      for (let i = 0; i < topoCount; i++) beginNode(node(i32At(topo, i)), clear);
      sweepTiled(t);
      countUsage(t);
      for (let i = 0; i < topoCount; i++) endNode(i32At(topo, i), node(i32At(topo, i)));
    }
    addCost(C_FIRED_NODE_LANES, firedLanes);
    addCost(C_NODE_LANE_EVALS, evalsPerTick);
    tick = t;
    costsSettle(tick, stateBytes, graphBytes);
    if (badNode >= 0) {
      setStatus(node(badNode).key, -1, t);
      return NON_FINITE;
    }
    if (overWorkLimit()) return workLimitAt(t);
    if (effectsStep(t) && !reschedule(t)) {
      loaded = false;
      return OUT_OF_MEMORY;
    }
    costsSettle(tick, stateBytes, graphBytes);
    if (overWorkLimit()) return workLimitAt(t);
  }
  return OK;
}
