// Structural mutations (Stanley and Miikkulainen 2002, NEAT, section 3.1: add connection, add node
// by splitting a connection), with deletions, enabling and disabling, and delays. A delay-0 edge must
// close no cycle of enabled delay-0 edges (docs/engine.md, Graph; cycle.ts): an added edge, an
// enabled one or one whose delay drops to 0 is checked against the graph it joins.

import type { Rng } from '../util/rng.ts';
import { OP_ARITY } from './arity.ts';
import { findDelayZeroCycle } from './cycle.ts';
import type { InnovationTracker } from './innovation.ts';
import {
  childOf, DEFAULT_MUTATION_OPTIONS, delayLimit, ok, rejected, structureLimits,
  type MutationOptions, type MutationResult,
} from './mutation.ts';
import { chance, pick } from './sample.ts';
import type { EdgeGene, Genome, NodeGene } from './types.ts';
import { freshValue } from './values.ts';

const ADD_EDGE_DRAWS = 12;

/** Whether the enabled edges with `edge` in place of its namesake (or added) close a delay-0 cycle. */
export function closesCycle(genome: Genome, edge: EdgeGene): boolean {
  if (!edge.enabled || edge.delay > 0) return false;
  if (edge.source === edge.target) return true;
  const others = genome.edges.filter((e) => e.key !== edge.key);
  return findDelayZeroCycle(genome.nodes, [...others, edge]) !== null;
}

/** Whether the genome has an edge source -> target into port with this delay (the engine's duplicate rule). */
function hasTwin(genome: Genome, source: number, target: number, port: number, delay: number, except = -1): boolean {
  return genome.edges.some((e) => e.key !== except && e.source === source && e.target === target && e.port === port && e.delay === delay);
}

const edgeText = (e: EdgeGene): string => `${e.source} -> ${e.target} port ${e.port} delay ${e.delay}`;

/**
 * A new edge between existing nodes into a port its target's op reads, weight a fresh value. Its
 * delay is 0 when that closes no delay-0 cycle (unless, with delayedEdgeRate, a delayed edge is
 * drawn anyway), else 1..maxDelay.
 */
export function addEdge(genome: Genome, rng: Rng, tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const limit = structureLimits(genome, options).edges;
  if (genome.edges.length >= limit) return rejected(`add-edge: the genome has ${genome.edges.length} edges, the limit (caps.edges) is ${limit}`);
  const targets = genome.nodes.filter((n) => n.role !== 'input' && OP_ARITY[n.op] > 0);
  if (targets.length === 0) return rejected('add-edge: no node reads an input port (every non-input node is const or every)');
  const maxDelay = delayLimit(genome, options);
  for (let draw = 0; draw < ADD_EDGE_DRAWS; draw++) {
    const source = pick(rng, genome.nodes) as NodeGene;
    const target = pick(rng, targets) as NodeGene;
    const port = rng.int(OP_ARITY[target.op]);
    const probe: EdgeGene = { key: -1, source: source.key, target: target.key, port, weight: 1, delay: 0, enabled: true };
    const zeroAllowed = !closesCycle(genome, probe);
    if (!zeroAllowed && maxDelay === 0) continue;
    const delayed = !zeroAllowed || (maxDelay > 0 && chance(rng, options.delayedEdgeRate));
    const delay = delayed ? 1 + rng.int(maxDelay) : 0;
    if (hasTwin(genome, source.key, target.key, port, delay)) continue;
    const key = tracker.edgeKey(source.key, target.key, port, delay);
    if (genome.edges.some((e) => e.key === key)) continue;
    const child = childOf(genome, options);
    const edge: EdgeGene = { key, source: source.key, target: target.key, port, weight: freshValue(rng, options.values), delay, enabled: true };
    child.edges.push(edge);
    child.maxDelay = Math.max(child.maxDelay, delay);
    return ok(child, `add-edge ${key}: ${edgeText(edge)} weight ${edge.weight}`);
  }
  return rejected(`add-edge: no new edge in ${ADD_EDGE_DRAWS} draws (each was a duplicate or would close a delay-0 cycle)`);
}

/** NEAT's add node: an enabled edge s -> t is disabled and replaced by s -> N (weight 1, delay 0) and N -> t (its weight, port and delay). */
export function splitEdge(genome: Genome, rng: Rng, tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const limits = structureLimits(genome, options);
  if (genome.nodes.length >= limits.nodes) return rejected(`split-edge: the genome has ${genome.nodes.length} nodes, the limit (caps.nodes) is ${limits.nodes}`);
  if (genome.edges.length + 2 > limits.edges) return rejected(`split-edge: the genome has ${genome.edges.length} edges, two more would pass the limit (caps.edges) ${limits.edges}`);
  const old = pick(rng, genome.edges.filter((e) => e.enabled));
  if (old === undefined) return rejected('split-edge: no enabled edge');
  const keys = tracker.splitKeys(old.key);
  if (genome.nodes.some((n) => n.key === keys.node) || genome.edges.some((e) => e.key === keys.into || e.key === keys.out)) {
    return rejected(`split-edge: edge ${old.key} was already split this generation and the parts it gave are in the genome`);
  }
  const child = childOf(genome, options);
  const node: NodeGene = {
    key: keys.node, role: 'hidden', slot: -1, op: 'identity', attrs: [0, 0, 0, 0],
    policy: { kind: 'always', threshold: 0, decay: 1, reset: 0, probability: 1 }, refractory: 0, emit: 'value', effects: [],
  };
  child.nodes.push(node);
  for (const e of child.edges) if (e.key === old.key) e.enabled = false;
  child.edges.push(
    { key: keys.into, source: old.source, target: node.key, port: 0, weight: 1, delay: 0, enabled: true },
    { key: keys.out, source: node.key, target: old.target, port: old.port, weight: old.weight, delay: old.delay, enabled: true },
  );
  return ok(child, `split-edge ${old.key} (${edgeText(old)}): node ${keys.node}, edges ${keys.into} and ${keys.out}`);
}

/** Removes one edge (removing an edge never closes a cycle). */
export function deleteEdge(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const edge = pick(rng, genome.edges);
  if (edge === undefined) return rejected('delete-edge: the genome has no edges');
  const child = childOf(genome, options);
  child.edges = child.edges.filter((e) => e.key !== edge.key);
  return ok(child, `delete-edge ${edge.key} (${edgeText(edge)})`);
}

/** Removes one hidden node and its edges; input and output nodes hold the role's slots and stay. */
export function deleteNode(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const node = pick(rng, genome.nodes.filter((n) => n.role === 'hidden'));
  if (node === undefined) return rejected('delete-node: no hidden node (input and output nodes are never deleted)');
  const child = childOf(genome, options);
  const before = child.edges.length;
  child.nodes = child.nodes.filter((n) => n.key !== node.key);
  child.edges = child.edges.filter((e) => e.source !== node.key && e.target !== node.key);
  return ok(child, `delete-node ${node.key} (${node.op}) and its ${before - child.edges.length} edges`);
}

/** Disables an enabled edge or enables a disabled one whose enabling closes no delay-0 cycle. */
export function toggleEdge(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const candidates = genome.edges.filter((e) => e.enabled || !closesCycle(genome, { ...e, enabled: true }));
  const edge = pick(rng, candidates);
  if (edge === undefined) return rejected('toggle-edge: no edge can change (the genome has none, or enabling any disabled one would close a delay-0 cycle)');
  const child = childOf(genome, options);
  for (const e of child.edges) if (e.key === edge.key) e.enabled = !edge.enabled;
  return ok(child, `toggle-edge ${edge.key} (${edgeText(edge)}): ${edge.enabled ? 'disabled' : 'enabled'}`);
}

/** Gives an edge another delay in 0..maxDelay: 0 only if that closes no delay-0 cycle, never one that duplicates an edge. */
export function edgeDelay(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  const maxDelay = delayLimit(genome, options);
  const edge = pick(rng, genome.edges);
  if (edge === undefined) return rejected('edge-delay: the genome has no edges');
  const delays: number[] = [];
  for (let d = 0; d <= maxDelay; d++) {
    if (d === edge.delay || hasTwin(genome, edge.source, edge.target, edge.port, d, edge.key)) continue;
    if (d === 0 && closesCycle(genome, { ...edge, delay: 0 })) continue;
    delays.push(d);
  }
  const delay = pick(rng, delays);
  if (delay === undefined) return rejected(`edge-delay: edge ${edge.key} (${edgeText(edge)}) has no other admissible delay in 0..${maxDelay}`);
  const child = childOf(genome, options);
  for (const e of child.edges) if (e.key === edge.key) e.delay = delay;
  child.maxDelay = Math.max(child.maxDelay, delay);
  return ok(child, `edge-delay ${edge.key} (${edgeText(edge)}): delay ${delay}`);
}
