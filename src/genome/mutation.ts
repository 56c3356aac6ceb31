// What every mutation shares: its result type, its options and their defaults, and the limits a
// child must respect. A mutation is a pure function (genome, rng, tracker, options) -> result; it
// never changes its argument, draws only from `rng`, and takes new keys only from the tracker.

import { MAX_APPLICATIONS_PER_TICK, MAX_DELAY, MAX_EDGES, MAX_EFFECTS_PER_NODE, MAX_NODES } from '../engine/layout.ts';
import type { Rng } from '../util/rng.ts';
import type { InnovationTracker } from './innovation.ts';
import { EFFECT_KIND_NAMES, type Caps, type Effect, type EffectKind, type Genome, type NodeGene } from './types.ts';
import { DEFAULT_VALUE_OPTIONS, type ValueOptions } from './values.ts';

export const MUTATION_KINDS = [
  'add-edge', 'split-edge', 'delete-edge', 'delete-node', 'toggle-edge', 'edge-delay', 'weights',
  'attributes', 'op', 'policy', 'policy-params', 'add-effect', 'remove-effect', 'move-effect',
  'modify-effect', 'coding',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export type MutationResult =
  | { status: 'ok'; genome: Genome; description: string }
  | { status: 'rejected'; reason: string };

export interface MutationOptions {
  /** How numeric genes are perturbed or replaced (values.ts). */
  values: ValueOptions;
  /** The chance that each eligible gene is changed by `weights` or `attributes` (at least one is). */
  traitRate: number;
  /**
   * The structure limits of this generation (evolution lets them grow: capsForGeneration in
   * caps.ts). A field left out is the genome's own cap. A child's declared caps are raised to
   * these, never lowered.
   */
  caps: Partial<Caps>;
  /** The largest delay add-edge and edge-delay may give (at most MAX_DELAY). */
  maxDelay: number;
  /** The chance that add-edge gives a delay of 1 or more even when 0 would close no cycle. */
  delayedEdgeRate: number;
  /** The effect kinds add-effect may create. */
  effectKinds: readonly EffectKind[];
  /** Relative rates of the kinds in mutate(). */
  rates: Readonly<Record<MutationKind, number>>;
  /** mutate(): after each applied mutation another follows with this chance. */
  extraRate: number;
  /** mutate(): the kinds tried for one mutation before it gives up. */
  attempts: number;
}

export const DEFAULT_RATES: Readonly<Record<MutationKind, number>> = {
  'add-edge': 2, 'split-edge': 1, 'delete-edge': 0.5, 'delete-node': 0.3, 'toggle-edge': 0.5,
  'edge-delay': 0.5, weights: 5, attributes: 2, op: 1, policy: 0.3, 'policy-params': 0.3,
  'add-effect': 0.3, 'remove-effect': 0.3, 'move-effect': 0.1, 'modify-effect': 0.5,
  // IO coding (mutate-coding.ts): only learners have one; the learner role gives it a rate.
  coding: 0,
};

/**
 * Remapping slots changes what a slot means to the rest of the graph; for the optimizer role (one
 * output, six inputs of fixed meaning) it is seldom useful, so add-effect leaves the remaps out
 * unless effectKinds names them.
 */
export const DEFAULT_EFFECT_KINDS: readonly EffectKind[] = EFFECT_KIND_NAMES.filter((k) => !k.startsWith('remap-'));

export const DEFAULT_MUTATION_OPTIONS: Readonly<MutationOptions> = {
  values: DEFAULT_VALUE_OPTIONS,
  traitRate: 0.2,
  caps: {},
  maxDelay: 2,
  delayedEdgeRate: 0.2,
  effectKinds: DEFAULT_EFFECT_KINDS,
  rates: DEFAULT_RATES,
  extraRate: 0.2,
  attempts: 6,
};

export interface MutationOverrides extends Partial<Omit<MutationOptions, 'values' | 'rates'>> {
  values?: Partial<ValueOptions>;
  rates?: Partial<Record<MutationKind, number>>;
}

/** The defaults with some options replaced (values and rates merge field by field). */
export function mutationOptions(overrides: MutationOverrides = {}): MutationOptions {
  return {
    ...DEFAULT_MUTATION_OPTIONS,
    ...overrides,
    values: { ...DEFAULT_MUTATION_OPTIONS.values, ...overrides.values },
    rates: { ...DEFAULT_MUTATION_OPTIONS.rates, ...overrides.rates },
  };
}

export type Mutation = (genome: Genome, rng: Rng, tracker: InnovationTracker, options?: MutationOptions) => MutationResult;

export const HARD_CAPS: Readonly<Caps> = {
  nodes: MAX_NODES, edges: MAX_EDGES, effectsPerNode: MAX_EFFECTS_PER_NODE, applicationsPerTick: MAX_APPLICATIONS_PER_TICK,
};

/**
 * How large a mutation may make the structure: the generation's caps where given, else the
 * genome's own, within the hard limits. A mutation that adds a node, an edge or an effect needs the
 * count below this limit.
 */
export function structureLimits(genome: Genome, options: MutationOptions): Caps {
  const limit = (k: keyof Caps): number => Math.min(HARD_CAPS[k], options.caps[k] ?? genome.caps[k]);
  return { nodes: limit('nodes'), edges: limit('edges'), effectsPerNode: limit('effectsPerNode'), applicationsPerTick: limit('applicationsPerTick') };
}

/** The caps a child of `genome` declares: its own, raised to the structure limits (never lowered, so it stays valid). */
export function childCaps(genome: Genome, options: MutationOptions): Caps {
  const limits = structureLimits(genome, options);
  const raise = (k: keyof Caps): number => Math.max(genome.caps[k], limits[k]);
  return { nodes: raise('nodes'), edges: raise('edges'), effectsPerNode: raise('effectsPerNode'), applicationsPerTick: raise('applicationsPerTick') };
}

/** The largest delay a mutation may write into this genome. */
export function delayLimit(genome: Genome, options: MutationOptions): number {
  return Math.min(MAX_DELAY, Math.max(genome.maxDelay, options.maxDelay));
}

const cloneEffect = (f: Effect): Effect => ({ ...f, amount: { ...f.amount }, select: { ...f.select } });

export const cloneNode = (n: NodeGene): NodeGene => ({
  ...n, attrs: [...n.attrs], policy: { ...n.policy }, effects: n.effects.map(cloneEffect),
});

/** A deep copy (field by field: several times faster than structuredClone on small genomes). */
export function cloneGenome(g: Genome): Genome {
  return {
    ...g,
    inputs: g.inputs.map((s) => ({ ...s })),
    outputs: g.outputs.map((s) => ({ ...s })),
    caps: { ...g.caps },
    nodes: g.nodes.map(cloneNode),
    edges: g.edges.map((e) => ({ ...e })),
    ...(g.coding === undefined ? {} : { coding: { ticks: g.coding.ticks, encoders: [...g.coding.encoders], decoders: [...g.coding.decoders] } }),
  };
}

/** A deep copy with the child's caps, which the mutation then edits. */
export function childOf(genome: Genome, options: MutationOptions): Genome {
  const child = cloneGenome(genome);
  child.caps = childCaps(genome, options);
  return child;
}

export const ok = (genome: Genome, description: string): MutationResult => ({ status: 'ok', genome, description });
export const rejected = (reason: string): MutationResult => ({ status: 'rejected', reason });
