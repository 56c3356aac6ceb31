// The genome as data: the JSON form that users write and evolution edits. pack() turns it into the
// engine's flat layout (assembly/layout.ts); docs/engine.md defines what it computes.

export const OP_NAMES = [
  'identity', 'add', 'sub', 'mul', 'div', 'neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'pow',
  'exp', 'log', 'tanh', 'sigmoid', 'relu', 'min', 'max', 'clamp', 'gt', 'ge', 'eq', 'select',
  'every', 'const', 'rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms', 'rowmean', 'colmean', 'modulate',
] as const;
export type OpName = (typeof OP_NAMES)[number];

export const POLICY_NAMES = ['always', 'threshold', 'integrate', 'random'] as const;
export type PolicyKind = (typeof POLICY_NAMES)[number];

export const ROLE_NAMES = ['hidden', 'input', 'output'] as const;
export type Role = (typeof ROLE_NAMES)[number];

export const EMIT_NAMES = ['value', 'spike'] as const;
export type EmitMode = (typeof EMIT_NAMES)[number];

export const WIDTH_NAMES = ['scalar', 'group', 'lane'] as const;
export type SlotWidth = 'scalar' | 'lane';

export const EFFECT_KIND_NAMES = [
  'weight', 'attr', 'param', 'set-op', 'set-policy', 'effect-enable', 'effect-disable',
  'effect-move', 'effect-replace', 'edge-create', 'edge-delete', 'edge-split', 'node-delete',
  'remap-input', 'remap-output',
] as const;
export type EffectKind = (typeof EFFECT_KIND_NAMES)[number];

export const CHANGE_NAMES = ['add', 'sub', 'mul', 'div', 'set', 'tanh', 'clip'] as const;
export type ChangeKind = (typeof CHANGE_NAMES)[number];

export const AMOUNT_NAMES = ['const', 'activation', 'source', 'product', 'modulated'] as const;
export type AmountSource = (typeof AMOUNT_NAMES)[number];

export const TARGET_NAMES = ['self', 'edges'] as const;
export type EffectTarget = (typeof TARGET_NAMES)[number];

export const DIRECTION_NAMES = ['out', 'in'] as const;
export type Direction = (typeof DIRECTION_NAMES)[number];

export const SELECT_NAMES = [
  'all', 'newest', 'oldest', 'most-used', 'least-used', 'most-recent', 'least-recent', 'random',
] as const;
export type SelectPolicy = (typeof SELECT_NAMES)[number];

export interface Policy {
  kind: PolicyKind;
  threshold: number;
  decay: number;
  reset: number;
  probability: number;
}

export interface Selection {
  policy: SelectPolicy;
  /** How many edges to take; 0 takes all candidates. */
  k: number;
  direction: Direction;
  /** Hops along edges from the acting node, at least 1. */
  radius: number;
}

export interface Effect {
  kind: EffectKind;
  enabled: boolean;
  change: ChangeKind;
  amount: { source: AmountSource; scale: number };
  target: EffectTarget;
  select: Selection;
  /** Kind-specific integer arguments (docs/engine.md, Effects). */
  a: number;
  b: number;
}

export interface NodeGene {
  key: number;
  role: Role;
  /** The input or output slot this node holds; -1 for hidden nodes. */
  slot: number;
  op: OpName;
  attrs: [number, number, number, number];
  policy: Policy;
  refractory: number;
  emit: EmitMode;
  effects: Effect[];
}

export interface EdgeGene {
  key: number;
  source: number; // node key
  target: number; // node key
  port: number;
  weight: number;
  delay: number;
  enabled: boolean;
}

export interface Caps {
  nodes: number;
  edges: number;
  effectsPerNode: number;
  applicationsPerTick: number;
}

export interface InputSlot {
  name: string;
  width: SlotWidth;
}

export interface OutputSlot {
  name: string;
}

/**
 * Input and output coding (the learner role; docs/learner.md, IO coding): how a task step's value
 * becomes a train of ticks on an input slot (encoders, after Guo et al. 2021, "Neural coding in
 * spiking neural networks") and how an output's ticks become the step's value (decoders).
 */
export const ENCODER_NAMES = ['value', 'rate', 'latency', 'phase', 'burst'] as const;
export type Encoder = (typeof ENCODER_NAMES)[number];
export const DECODER_NAMES = ['value', 'count', 'first'] as const;
export type Decoder = (typeof DECODER_NAMES)[number];
export const MAX_TICKS_PER_STEP = 16;

export interface Coding {
  /** Engine ticks per task step, 1 .. MAX_TICKS_PER_STEP. */
  ticks: number;
  /** One encoder per input slot. */
  encoders: Encoder[];
  /** One decoder per output slot. */
  decoders: Decoder[];
}

/** A complete genome; every field present (parseGenome fills defaults) except `coding`, which only learners have. */
export interface Genome {
  format: 'l2l-genome';
  version: 1;
  name: string;
  inputs: InputSlot[];
  outputs: OutputSlot[];
  caps: Caps;
  maxDelay: number;
  nodes: NodeGene[];
  edges: EdgeGene[];
  /** Absent: one tick per step, every slot by value (the optimizer role never has it). */
  coding?: Coding;
}

/** One lane group: a parameter tensor of shape rows x cols. */
export interface LaneGroup {
  rows: number;
  cols: number;
}
