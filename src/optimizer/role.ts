// The optimizer role (docs/optimizer.md): a genome that updates parameters, one lane per element.
// Its input and output slots are fixed here once; seeds, tasks and evolution all use these.
//
//   inputs   0 gradient (lane)  1 parameter (lane)  2 loss (scalar)  3 previousLoss (scalar)
//            4 step (scalar, from 1)  5 curvature (lane: z * (H z), z Rademacher; computed only
//            when the graph reads it)
//   output   0 parameter (lane): the new parameter

import type { Genome, InputSlot, OutputSlot } from '../genome/types.ts';
import { InputError } from '../util/errors.ts';

export const OPTIMIZER_INPUTS: readonly InputSlot[] = [
  { name: 'gradient', width: 'lane' },
  { name: 'parameter', width: 'lane' },
  { name: 'loss', width: 'scalar' },
  { name: 'previousLoss', width: 'scalar' },
  { name: 'step', width: 'scalar' },
  { name: 'curvature', width: 'lane' },
];

export const OPTIMIZER_OUTPUTS: readonly OutputSlot[] = [{ name: 'parameter' }];

export const SLOT = { gradient: 0, parameter: 1, loss: 2, previousLoss: 3, step: 4, curvature: 5 } as const;

/** Throws unless the genome declares exactly the optimizer role's slots. */
export function checkOptimizerRole(genome: Genome): void {
  const want = OPTIMIZER_INPUTS.map((s) => `${s.name}:${s.width}`).join(', ');
  const got = genome.inputs.map((s) => `${s.name}:${s.width}`).join(', ');
  if (got !== want) throw new InputError('inputs', `must be the optimizer role's slots ${want}`, got);
  if (genome.outputs.length !== 1 || genome.outputs[0]?.name !== 'parameter') {
    throw new InputError('outputs', 'must be the optimizer role\'s one slot "parameter"', genome.outputs.map((s) => s.name).join(', '));
  }
}

/** Whether the graph reads slot `slot` (an enabled edge leaves its input node). */
export function readsSlot(genome: Genome, slot: number): boolean {
  const holder = genome.nodes.find((n) => n.role === 'input' && n.slot === slot);
  return holder !== undefined && genome.edges.some((e) => e.enabled && e.source === holder.key);
}
