// The cost record (docs/engine.md, Costs): COST_WORDS f64 at costsPtr(), cumulative since load
// except the state and graph bytes, which describe the current graph.
//
//   | node-lane evals | edge-lane traversals | effect applications | work | state bytes/lane |
//   | graph bytes | ticks | fired node-lanes | no-ops by reason (NOOP_REASONS) |

import {
  COST_WORDS, C_NODE_LANE_EVALS, C_EDGE_LANE_TRAVERSALS, C_EFFECT_APPLICATIONS, C_WORK,
  C_STATE_BYTES_PER_LANE, C_GRAPH_BYTES, C_TICKS, C_FIRED_NODE_LANES, C_NOOP0,
} from './layout';

export const costBase = memory.data(COST_WORDS * 8, 16);

@inline function at(i: i32): usize {
  return costBase + (<usize>i << 3);
}

export function costsReset(): void {
  memory.fill(costBase, 0, COST_WORDS * 8);
}

export function addCost(word: i32, amount: f64): void {
  store<f64>(at(word), load<f64>(at(word)) + amount);
}

export function noop(reason: i32): void {
  addCost(C_NOOP0 + reason, 1);
}

/** The words that describe the graph and the totals after a tick (or after load). */
export function costsSettle(ticks: i32, stateBytes: f64, graphBytes: f64): void {
  store<f64>(at(C_WORK), load<f64>(at(C_NODE_LANE_EVALS)) + load<f64>(at(C_EDGE_LANE_TRAVERSALS)) +
    load<f64>(at(C_EFFECT_APPLICATIONS)));
  store<f64>(at(C_STATE_BYTES_PER_LANE), stateBytes);
  store<f64>(at(C_GRAPH_BYTES), graphBytes);
  store<f64>(at(C_TICKS), <f64>ticks);
}

export { C_NODE_LANE_EVALS, C_EDGE_LANE_TRAVERSALS, C_EFFECT_APPLICATIONS, C_FIRED_NODE_LANES };
