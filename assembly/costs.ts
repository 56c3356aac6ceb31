// The cost record (docs/engine.md, Costs): COST_WORDS f64 at costsPtr(), cumulative since load
// except the state and graph bytes, which describe the current graph.
//
//   | node-lane evals | edge-lane traversals | effect applications | work | state bytes/lane |
//   | graph bytes | ticks | fired node-lanes | effect search | no-ops by reason (NOOP_REASONS) |
//
// And the work limit (docs/engine.md, Work limit): a bound on the work since load, set by the host
// after a load; the tick loop and the effects step stop once the work passes it.

import {
  COST_WORDS, C_NODE_LANE_EVALS, C_EDGE_LANE_TRAVERSALS, C_EFFECT_APPLICATIONS, C_WORK,
  C_STATE_BYTES_PER_LANE, C_GRAPH_BYTES, C_TICKS, C_FIRED_NODE_LANES, C_EFFECT_SEARCH, C_NOOP0,
} from './layout';

export const costBase = memory.data(COST_WORDS * 8, 16);
let workLimit: f64 = Infinity;

@inline function at(i: i32): usize {
  return costBase + (<usize>i << 3);
}

export function costsReset(): void {
  memory.fill(costBase, 0, COST_WORDS * 8);
  workLimit = Infinity;
}

export function addCost(word: i32, amount: f64): void {
  store<f64>(at(word), load<f64>(at(word)) + amount);
}

export function noop(reason: i32): void {
  addCost(C_NOOP0 + reason, 1);
}

/** The work so far, counted up to this moment (C_WORK itself is settled once per tick). */
@inline function workSoFar(): f64 {
  return load<f64>(at(C_NODE_LANE_EVALS)) + load<f64>(at(C_EDGE_LANE_TRAVERSALS)) +
    load<f64>(at(C_EFFECT_APPLICATIONS)) + load<f64>(at(C_EFFECT_SEARCH));
}

/** Sets the bound on the work since load (Infinity: none; NaN is taken as none). */
export function setWorkLimit(limit: f64): void {
  workLimit = isNaN(limit) ? Infinity : limit;
}

/** Has the work since load passed the limit? */
export function overWorkLimit(): bool {
  return workSoFar() > workLimit;
}

/** The words that describe the graph and the totals after a tick (or after load). */
export function costsSettle(ticks: i32, stateBytes: f64, graphBytes: f64): void {
  store<f64>(at(C_WORK), workSoFar());
  store<f64>(at(C_STATE_BYTES_PER_LANE), stateBytes);
  store<f64>(at(C_GRAPH_BYTES), graphBytes);
  store<f64>(at(C_TICKS), <f64>ticks);
}

export { C_NODE_LANE_EVALS, C_EDGE_LANE_TRAVERSALS, C_EFFECT_APPLICATIONS, C_FIRED_NODE_LANES, C_EFFECT_SEARCH };
