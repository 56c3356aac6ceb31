// Firing (docs/engine.md, One tick, step 1): per lane, the refractory counter, the policy (always,
// threshold, integrate, random) and the emit mode turn the activation A into the node's output.

import type { Hash } from './hash.ts';
import type { NodeState } from './state.ts';

const f32 = Math.fround;

export interface Firing {
  /** Per lane: 1 if the lane fired. */
  fired: Uint8Array;
  output: Float32Array;
  firedCount: number;
  /** f32(sum of A over the firing lanes / their count); 0 when none fired. */
  act: number;
}

/** Fires a non-input node at tick t, updating its per-lane potential and refractory counter. */
export function fire(node: NodeState, P: readonly Float32Array[], A: Float32Array, t: number, hash: Hash): Firing {
  const L = A.length;
  const fired = new Uint8Array(L);
  const output = new Float32Array(L);
  let firedCount = 0;
  let actSum = 0; // float64
  for (let l = 0; l < L; l++) {
    const a = A[l] as number;
    let fires = false;
    if ((node.counter[l] as number) > 0) {
      const touched = P.some((p) => p[l] !== 0); // NaN counts as nonzero
      if (touched) node.counter[l] = (node.counter[l] as number) - 1;
    } else {
      switch (node.policy) {
        case 'always':
          fires = true;
          break;
        case 'threshold':
          fires = a >= node.threshold;
          break;
        case 'integrate': {
          const v = f32(f32(node.decay * (node.potential[l] as number)) + a);
          node.potential[l] = v;
          if (v >= node.threshold) {
            fires = true;
            node.potential[l] = node.reset;
          }
          break;
        }
        case 'random':
          fires = hash.hash01(t, node.key, l) < node.probability;
          break;
      }
      if (fires) node.counter[l] = node.refractory;
    }
    if (fires) {
      fired[l] = 1;
      firedCount++;
      actSum += a;
      output[l] = node.emit === 'value' ? a : 1;
    }
  }
  return { fired, output, firedCount, act: firedCount > 0 ? f32(actSum / firedCount) : 0 };
}
