// Mutations of nodes' effect lists (docs/engine.md, Effects): add a random effect, remove one, move
// one to another position (the list runs in order, so order matters), or redraw one field of one.
// Effects are genes without innovation keys: they belong to their node and are compared by position.

import type { Rng } from '../util/rng.ts';
import {
  DEFAULT_SELECTION, randomArg, randomEffect, randomScale, randomSelection, readsAmount, readsArgs, readsChange, readsSelection, readsTarget,
} from './effects-random.ts';
import type { InnovationTracker } from './innovation.ts';
import { childOf, DEFAULT_MUTATION_OPTIONS, ok, rejected, structureLimits, type MutationOptions, type MutationResult } from './mutation.ts';
import { pick } from './sample.ts';
import { AMOUNT_NAMES, CHANGE_NAMES, DIRECTION_NAMES, SELECT_NAMES, type Effect, type EffectKind, type Genome, type NodeGene } from './types.ts';

/** The child's copy of the node with this key (mutations pick the node in the parent). */
const nodeIn = (genome: Genome, key: number): NodeGene => genome.nodes.find((n) => n.key === key) as NodeGene;

/** Inserts a random effect of an allowed kind at a random position of a node whose list is below the limit. */
export function addEffect(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const limit = structureLimits(genome, options).effectsPerNode;
  const node = pick(rng, genome.nodes.filter((n) => n.effects.length < limit));
  if (node === undefined) return rejected(`add-effect: every node has ${limit} effects, the limit (caps.effectsPerNode)`);
  const kind = pick(rng, options.effectKinds);
  if (kind === undefined) return rejected('add-effect: options.effectKinds is empty');
  const child = childOf(genome, options);
  const target = nodeIn(child, node.key);
  const at = rng.int(target.effects.length + 1);
  target.effects.splice(at, 0, randomEffect(rng, kind, { genome, listLength: target.effects.length + 1 }));
  return ok(child, `add-effect: node ${node.key} gets ${kind} at position ${at}`);
}

export function removeEffect(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const node = pick(rng, genome.nodes.filter((n) => n.effects.length > 0));
  if (node === undefined) return rejected('remove-effect: no node has effects');
  const child = childOf(genome, options);
  const target = nodeIn(child, node.key);
  const at = rng.int(target.effects.length);
  const [gone] = target.effects.splice(at, 1);
  return ok(child, `remove-effect: node ${node.key} loses ${gone?.kind} at position ${at}`);
}

export function moveEffect(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const node = pick(rng, genome.nodes.filter((n) => n.effects.length > 1));
  if (node === undefined) return rejected('move-effect: no node has two effects or more');
  const child = childOf(genome, options);
  const target = nodeIn(child, node.key);
  const from = rng.int(target.effects.length);
  const to = (from + 1 + rng.int(target.effects.length - 1)) % target.effects.length;
  const [moved] = target.effects.splice(from, 1) as [Effect];
  target.effects.splice(to, 0, moved);
  return ok(child, `move-effect: node ${node.key} moves ${moved.kind} from position ${from} to ${to}`);
}

type Field = 'enabled' | 'change' | 'source' | 'scale' | 'target' | 'select' | 'a' | 'b';

/** Redraws one field the effect reads (or flips enabled); a kind is never changed in place. */
export function modifyEffect(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const node = pick(rng, genome.nodes.filter((n) => n.effects.length > 0));
  if (node === undefined) return rejected('modify-effect: no node has effects');
  const child = childOf(genome, options);
  const target = nodeIn(child, node.key);
  const index = rng.int(target.effects.length);
  const effect = target.effects[index] as Effect;
  const context = { genome, listLength: target.effects.length };
  const [readsA, readsB] = readsArgs(effect.kind, context);
  const fields: Field[] = ['enabled'];
  if (readsChange(effect.kind)) fields.push('change');
  if (readsAmount(effect.kind)) fields.push('source', 'scale');
  if (readsTarget(effect.kind)) fields.push('target');
  if (readsSelection(effect)) fields.push('select');
  if (readsA) fields.push('a');
  if (readsB) fields.push('b');
  const field = pick(rng, fields) as Field;
  redraw(rng, effect, field, context);
  return ok(child, `modify-effect: node ${node.key} effect ${index} (${effect.kind}) ${field}`);
}

function redraw(rng: Rng, effect: Effect, field: Field, context: { genome: Genome; listLength: number }): void {
  const kind: EffectKind = effect.kind;
  switch (field) {
    case 'enabled': effect.enabled = !effect.enabled; break;
    case 'change': effect.change = pick(rng, CHANGE_NAMES.filter((c) => c !== effect.change)) as Effect['change']; break;
    case 'source': effect.amount.source = pick(rng, AMOUNT_NAMES.filter((s) => s !== effect.amount.source)) as Effect['amount']['source']; break;
    case 'scale': effect.amount.scale = randomScale(rng); break;
    case 'target':
      effect.target = effect.target === 'self' ? 'edges' : 'self';
      effect.select = effect.target === 'edges' ? randomSelection(rng) : { ...DEFAULT_SELECTION };
      break;
    case 'select': {
      const fresh = randomSelection(rng);
      const part = pick(rng, ['policy', 'k', 'direction', 'radius'] as const) as 'policy' | 'k' | 'direction' | 'radius';
      if (part === 'policy') effect.select.policy = pick(rng, SELECT_NAMES.filter((p) => p !== effect.select.policy)) as Effect['select']['policy'];
      else if (part === 'direction') effect.select.direction = pick(rng, DIRECTION_NAMES.filter((d) => d !== effect.select.direction)) as Effect['select']['direction'];
      else effect.select[part] = fresh[part];
      break;
    }
    case 'a': effect.a = randomArg(rng, kind, 0, context); break;
    case 'b': effect.b = randomArg(rng, kind, 1, context); break;
  }
}
