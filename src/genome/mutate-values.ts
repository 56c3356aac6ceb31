// Mutations of a node's or edge's values that keep the graph's shape: weights, the attributes the op
// reads, the op (arity-aware), the firing policy's kind and its parameters. NEAT perturbs or
// replaces weights gene by gene (Stanley and Miikkulainen 2002, section 4.1); the same scheme is
// used for every numeric gene here (values.ts).

import { MAX_REFRACTORY } from '../engine/layout.ts';
import type { Rng } from '../util/rng.ts';
import { opsOfArity, portsInUse } from './arity.ts';
import type { InnovationTracker } from './innovation.ts';
import { childOf, DEFAULT_MUTATION_OPTIONS, ok, rejected, type MutationOptions, type MutationResult } from './mutation.ts';
import { chance, gaussian, logUniform, pick } from './sample.ts';
import { POLICY_NAMES, type EdgeGene, type Genome, type NodeGene, type OpName, type Policy, type PolicyKind } from './types.ts';
import { f32, f32Between, freshValue, mutateValue, type ValueOptions } from './values.ts';

/** The attributes an op reads (docs/engine.md, Ops): const's value, every's period, clamp's bounds. */
export const ATTRS_READ: Readonly<Partial<Record<OpName, number>>> = { const: 1, every: 1, clamp: 2 };

/** The largest period a mutation gives `every` (the engine allows up to 2^30). */
const MAX_PERIOD = 10000;

/** A period for `every`: a whole number from 1 to MAX_PERIOD. */
function period(x: number): number {
  return Math.min(MAX_PERIOD, Math.max(1, Math.round(x)));
}

/** Changes every weight with chance traitRate (at least one), each perturbed or replaced. */
export function mutateWeights(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  if (genome.edges.length === 0) return rejected('weights: the genome has no edges');
  const child = childOf(genome, options);
  const chosen = child.edges.filter(() => chance(rng, options.traitRate));
  if (chosen.length === 0) chosen.push(pick(rng, child.edges) as EdgeGene);
  let replaced = 0;
  for (const e of chosen) {
    const m = mutateValue(rng, e.weight, options.values);
    e.weight = m.value;
    if (m.replaced) replaced++;
  }
  return ok(child, `weights: ${chosen.length} changed (${replaced} replaced), edges ${chosen.map((e) => e.key).join(', ')}`);
}

/** Changes the attributes that ops read (const, every, clamp), each with chance traitRate, at least one. */
export function mutateAttributes(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const slots = genome.nodes.flatMap((n, i) => n.role === 'input' ? [] : Array.from({ length: ATTRS_READ[n.op] ?? 0 }, (_, a) => [i, a] as const));
  if (slots.length === 0) return rejected('attributes: no node reads an attribute (no const, every or clamp node)');
  const chosen = slots.filter(() => chance(rng, options.traitRate));
  if (chosen.length === 0) chosen.push(pick(rng, slots) as (typeof slots)[number]);
  const child = childOf(genome, options);
  for (const [i, a] of chosen) {
    const node = child.nodes[i] as NodeGene;
    const m = mutateValue(rng, node.attrs[a] as number, options.values);
    node.attrs[a] = node.op === 'every' ? period(m.replaced ? logUniform(rng, 1, 1000) : Math.abs(m.value)) : m.value;
    if (node.op === 'clamp' && node.attrs[0] > node.attrs[1]) node.attrs = [node.attrs[1], node.attrs[0], node.attrs[2], node.attrs[3]];
  }
  return ok(child, `attributes: ${chosen.map(([i, a]) => `node ${genome.nodes[i]?.key} a${a}`).join(', ')}`);
}

/** Attributes for a node that takes op `op`: fresh values for those it reads, 0 for the rest. */
function attrsFor(rng: Rng, op: OpName, values: ValueOptions): NodeGene['attrs'] {
  if (op === 'const') return [freshValue(rng, values), 0, 0, 0];
  if (op === 'every') return [period(logUniform(rng, 2, 100)), 0, 0, 0];
  if (op === 'clamp') {
    const bound = f32(logUniform(rng, 1e-3, 10), values.limit);
    return [-bound, bound, 0, 0];
  }
  return [0, 0, 0, 0];
}

/**
 * Changes a hidden or output node's op to another of the arity its incoming edges use (the highest
 * port they reach + 1; 0 without edges: const or every), so no edge is left dangling into a port
 * the op ignores and no port the op reads is left empty. Attributes are drawn for the new op.
 */
export function mutateOp(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const choices = genome.nodes.filter((n) => n.role !== 'input').map((n) => ({ node: n, ops: opsOfArity(portsInUse(n, genome.edges)).filter((o) => o !== n.op) }));
  const choice = pick(rng, choices.filter((c) => c.ops.length > 0));
  if (choice === undefined) return rejected('op: no hidden or output node has another op of the arity its edges use');
  const { node } = choice;
  const op = pick(rng, choice.ops) as OpName;
  const child = childOf(genome, options);
  const target = child.nodes.find((n) => n.key === node.key) as NodeGene;
  target.op = op;
  target.attrs = attrsFor(rng, op, options.values);
  return ok(child, `op: node ${node.key} ${node.op} -> ${op}`);
}

/** The parameters a policy kind starts with; those it does not read keep their defaults. */
function policyFor(rng: Rng, kind: PolicyKind, values: ValueOptions): Policy {
  const policy: Policy = { kind, threshold: 0, decay: 1, reset: 0, probability: 1 };
  if (kind === 'threshold') policy.threshold = f32(values.sigma * gaussian(rng), values.limit);
  if (kind === 'integrate') {
    policy.threshold = f32(logUniform(rng, 0.1, 10), values.limit);
    policy.decay = f32Between(rng.uniform(0.5, 1), 0, 1);
  }
  if (kind === 'random') policy.probability = f32Between(rng.uniform(0.05, 0.95), 0, 1);
  return policy;
}

/** Gives a hidden or output node another firing-policy kind with fresh parameters. */
export function mutatePolicy(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const node = pick(rng, genome.nodes.filter((n) => n.role !== 'input'));
  if (node === undefined) return rejected('policy: no hidden or output node');
  const kind = pick(rng, POLICY_NAMES.filter((k) => k !== node.policy.kind)) as PolicyKind;
  const child = childOf(genome, options);
  const target = child.nodes.find((n) => n.key === node.key) as NodeGene;
  target.policy = policyFor(rng, kind, options.values);
  return ok(child, `policy: node ${node.key} ${node.policy.kind} -> ${kind}`);
}

const PARAMS_READ: Readonly<Record<PolicyKind, readonly string[]>> = {
  always: [], threshold: ['threshold'], integrate: ['threshold', 'decay', 'reset'], random: ['probability'],
};

/** Changes one firing parameter of a hidden or output node: one its policy reads, the refractory count or the emit mode. */
export function mutatePolicyParams(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const node = pick(rng, genome.nodes.filter((n) => n.role !== 'input'));
  if (node === undefined) return rejected('policy-params: no hidden or output node');
  const field = pick(rng, [...PARAMS_READ[node.policy.kind], 'refractory', 'emit']) as string;
  const child = childOf(genome, options);
  const target = child.nodes.find((n) => n.key === node.key) as NodeGene;
  const p = target.policy;
  if (field === 'threshold') p.threshold = mutateValue(rng, p.threshold, options.values).value;
  else if (field === 'reset') p.reset = mutateValue(rng, p.reset, options.values).value;
  else if (field === 'decay') p.decay = f32Between(p.decay + options.values.sigma * gaussian(rng), 0, 1);
  else if (field === 'probability') p.probability = f32Between(p.probability + options.values.sigma * gaussian(rng), 0, 1);
  else if (field === 'emit') target.emit = target.emit === 'value' ? 'spike' : 'value';
  else {
    const step = (1 + rng.int(3)) * (chance(rng, 0.5) || target.refractory === 0 ? 1 : -1);
    target.refractory = Math.min(MAX_REFRACTORY, Math.max(0, target.refractory + step));
  }
  const value = field === 'emit' ? target.emit : field === 'refractory' ? target.refractory : p[field as 'threshold' | 'decay' | 'reset' | 'probability'];
  return ok(child, `policy-params: node ${node.key} ${field} = ${value}`);
}
