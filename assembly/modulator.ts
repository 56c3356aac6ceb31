// The broadcast neuromodulator (docs/engine.md, Neuromodulator): the modulatory nodes (op
// modulate, not input nodes) in ascending key order, listed with each schedule, and M, the float64
// sum of their mean outputs in that order, rounded once to float32. The effects step computes M
// before its first effect, and amount `modulated` multiplies `product` by it: three-factor
// plasticity, as in Fremaux and Gerstner 2016, "Neuromodulated spike-timing-dependent plasticity,
// and theory of three-factor learning rules", Front. Neural Circuits 9:85, and Soltoggio et al.
// 2008, "Evolutionary advantages of neuromodulated plasticity in dynamic, reward-based scenarios",
// Artificial Life XI. Means are computed only when some effect's amount needs them (schedule.ts),
// so M is too: only amount `modulated` reads it.

import { OP_MODULATE, ROLE_INPUT } from './layout';
import { NodeRec, node, capNodes, i32At, setI32 } from './tables';
import { alloc } from './memory';
import { sortPairs, ord } from './sort';

let slots: usize = 0; // the modulatory nodes' slots, in ascending key order once sorted
let keys: usize = 0;
let count: i32 = 0;

export function allocModulator(): bool {
  const n = <u64>max(capNodes, 1);
  slots = alloc(n * 4);
  keys = alloc(n * 8);
  return slots != 0 && keys != 0;
}

/** A modulatory node: op modulate, and not an input node (whose op is ignored). */
@inline export function isModulatory(n: NodeRec): bool {
  return n.op == OP_MODULATE && n.role != ROLE_INPUT;
}

/** Empties the list before the schedule walks the nodes. */
export function clearModulators(): void {
  count = 0;
}

/** Lists node slot s if it is modulatory. */
export function noteModulator(s: i32): void {
  const n = node(s);
  if (!isModulatory(n)) return;
  store<u64>(keys + (<usize>count << 3), ord(n.key));
  setI32(slots, count++, s);
}

/** Puts the list in ascending key order, the order M sums in. */
export function sortModulators(): void {
  sortPairs(keys, slots, count);
}

/** M of the tick just swept: the f64 sum of the listed nodes' mean outputs, rounded once; 0 for none. */
export function neuromodulator(): f32 {
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) sum += <f64>node(i32At(slots, i)).mean;
  return <f32>sum;
}
