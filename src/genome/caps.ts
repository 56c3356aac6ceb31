// Structure caps that grow a little each generation, so evolution starts from small graphs and may
// complexify gradually (NEAT's "minimal structure first", Stanley and Miikkulainen 2002, section
// 3.4). The result goes into MutationOptions.caps; children's caps rise to it, never fall.

import type { Caps } from './types.ts';
import { HARD_CAPS } from './mutation.ts';

/** How much each cap grows per generation (fractions accumulate: 0.5 is one more every two). */
export type CapGrowth = Readonly<Partial<Caps>>;

/** The caps of generation `generation` (0 is the start): start + floor(growth * generation), within the hard limits. */
export function capsForGeneration(start: Caps, growth: CapGrowth, generation: number): Caps {
  const grown = (k: keyof Caps): number => Math.min(HARD_CAPS[k], start[k] + Math.floor((growth[k] ?? 0) * Math.max(0, generation)));
  return { nodes: grown('nodes'), edges: grown('edges'), effectsPerNode: grown('effectsPerNode'), applicationsPerTick: grown('applicationsPerTick') };
}
