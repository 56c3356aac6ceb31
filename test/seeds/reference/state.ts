// Per-element state for the references: arrays made (and remade) at the first step, so a rule
// object can drive several runs one after another.

import type { StepInput } from '../harness.ts';

/**
 * Float32 state arrays of the parameter's length, filled with their starting values when a run's
 * first step arrives (once per step input, however often it is asked during that step).
 */
export function laneState<K extends string>(starts: Record<K, number>): (input: StepInput) => Record<K, Float32Array> {
  let state: Record<K, Float32Array> | undefined;
  let madeFor: StepInput | undefined;
  return (input) => {
    if (state === undefined || (input.step === 1 && madeFor !== input)) {
      const made = {} as Record<K, Float32Array>;
      for (const key of Object.keys(starts) as K[]) made[key] = new Float32Array(input.parameter.length).fill(starts[key]);
      state = made;
      madeFor = input;
    }
    return state;
  };
}
