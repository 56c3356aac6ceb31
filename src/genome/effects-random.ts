// Random effects (docs/engine.md, Effects) for the effect mutations: which fields each kind reads,
// and fresh values for them. Fields a kind does not read keep their defaults, so two effects that
// act the same also compare equal (distance.ts).

import { MAX_PORTS } from '../engine/layout.ts';
import type { Rng } from '../util/rng.ts';
import { chance, logUniform, pick } from './sample.ts';
import {
  AMOUNT_NAMES, CHANGE_NAMES, DIRECTION_NAMES, OP_NAMES, POLICY_NAMES, SELECT_NAMES,
  type Effect, type EffectKind, type Genome, type Selection,
} from './types.ts';
import { f32 } from './values.ts';

/** Kinds that act on the selected edges (their target field is unused). */
const EDGE_KINDS: ReadonlySet<EffectKind> = new Set(['weight', 'edge-delete', 'edge-split']);
/** Kinds that compute a new value with `change`. */
const CHANGE_KINDS: ReadonlySet<EffectKind> = new Set(['weight', 'attr', 'param']);
/** Kinds that read the amount (edge-create uses it as the new edge's weight). */
const AMOUNT_KINDS: ReadonlySet<EffectKind> = new Set(['weight', 'attr', 'param', 'edge-create']);

export const DEFAULT_SELECTION: Readonly<Selection> = { policy: 'all', k: 0, direction: 'out', radius: 1 };
/** The largest k and radius a random selection gets (k 0 selects every candidate). */
const MAX_K = 3;
const MAX_RADIUS = 2;

export const readsChange = (kind: EffectKind): boolean => CHANGE_KINDS.has(kind);
export const readsAmount = (kind: EffectKind): boolean => AMOUNT_KINDS.has(kind);
export const readsTarget = (kind: EffectKind): boolean => !EDGE_KINDS.has(kind);
export const readsSelection = (e: Pick<Effect, 'kind' | 'target'>): boolean => EDGE_KINDS.has(e.kind) || e.target === 'edges';

/** Where an effect lives: its genome and the length of its node's effect list. */
export interface EffectContext {
  genome: Genome;
  listLength: number;
}

/** The number of values each integer argument of a kind ranges over (0: not read). */
function argRanges(kind: EffectKind, at: EffectContext): [number, number] {
  const list = Math.max(1, at.listLength);
  switch (kind) {
    case 'attr': return [4, 0];
    case 'param': return [5, 0];
    case 'set-op': return [OP_NAMES.length, 0];
    case 'set-policy': return [POLICY_NAMES.length, 0];
    case 'effect-enable':
    case 'effect-disable': return [list, 0];
    case 'effect-move':
    case 'effect-replace': return [list, list];
    case 'edge-create': return [MAX_PORTS, at.genome.maxDelay + 1];
    case 'remap-input': return [at.genome.inputs.length, 0];
    case 'remap-output': return [at.genome.outputs.length, 0];
    default: return [0, 0];
  }
}

export const readsArgs = (kind: EffectKind, at: EffectContext): [boolean, boolean] => {
  const [a, b] = argRanges(kind, at);
  return [a > 0, b > 0];
};

export function randomSelection(rng: Rng): Selection {
  return {
    policy: pick(rng, SELECT_NAMES) as Selection['policy'],
    k: rng.int(MAX_K + 1),
    direction: pick(rng, DIRECTION_NAMES) as Selection['direction'],
    radius: 1 + rng.int(MAX_RADIUS),
  };
}

/** An amount scale: random sign, magnitude log-uniform in [1e-3, 1). */
export function randomScale(rng: Rng): number {
  const m = logUniform(rng, 1e-3, 1);
  return f32(chance(rng, 0.5) ? m : -m);
}

export function randomArg(rng: Rng, kind: EffectKind, which: 0 | 1, at: EffectContext): number {
  const range = argRanges(kind, at)[which];
  return range > 0 ? rng.int(range) : 0;
}

/** A fresh, enabled effect of `kind`, every field it reads drawn at random. */
export function randomEffect(rng: Rng, kind: EffectKind, at: EffectContext): Effect {
  const target = readsTarget(kind) && chance(rng, 0.5) ? 'edges' : readsTarget(kind) ? 'self' : 'edges';
  return {
    kind,
    enabled: true,
    change: readsChange(kind) ? pick(rng, CHANGE_NAMES) as Effect['change'] : 'add',
    amount: readsAmount(kind)
      ? { source: pick(rng, AMOUNT_NAMES) as Effect['amount']['source'], scale: randomScale(rng) }
      : { source: 'const', scale: 0 },
    target,
    select: readsSelection({ kind, target }) ? randomSelection(rng) : { ...DEFAULT_SELECTION },
    a: randomArg(rng, kind, 0, at),
    b: randomArg(rng, kind, 1, at),
  };
}
