// Crossover aligned by innovation keys (Stanley and Miikkulainen, "Evolving Neural Networks through
// Augmenting Topologies", Evolutionary Computation 10(2), 2002, section 3.2). Genes (nodes and
// edges) with the same key in both parents are matching: the child takes each from either parent
// with equal odds. Disjoint and excess genes come from the fitter parent; when the fitnesses are
// equal (NEAT's special case) the child takes them from both, the first parent's in its order, then
// the second's. An edge disabled in exactly one parent is disabled in the child with chance
// disableRate (NEAT's 75%); one disabled in both stays disabled, so a genome crossed with itself is
// itself.
//
// Repair. Mixing the versions of matching edges, or both parents' edges, can close a cycle of
// enabled delay-0 edges (docs/engine.md, Graph). Edges join the child one by one; an enabled
// delay-0 edge whose target already reaches its source through the accepted delay-0 edges takes
// the other parent's version if that closes nothing, else a delay of 1 (the child's maxDelay is at
// least 1) or, with maxDelay 0, is disabled. The child keeps the parents' slots; parents with other
// slots, or a child beyond the caps, are rejected with the reason.

import type { Rng } from '../util/rng.ts';
import { cloneNode } from './mutation.ts';
import { parseGenome } from './parse.ts';
import { chance } from './sample.ts';
import type { Caps, EdgeGene, Genome, NodeGene } from './types.ts';

export interface Parent {
  genome: Genome;
  /** Larger is fitter; NaN counts as the least fit. */
  fitness: number;
}

export interface CrossoverOptions {
  /** The chance that an edge disabled in one parent (and enabled in the other) is disabled in the child. */
  disableRate: number;
}

export const DEFAULT_CROSSOVER_OPTIONS: Readonly<CrossoverOptions> = { disableRate: 0.75 };

export type CrossoverResult =
  | { status: 'ok'; genome: Genome; description: string }
  | { status: 'rejected'; reason: string };

const slotsOf = (g: Genome): string => JSON.stringify([g.inputs, g.outputs]);
const fitnessOf = (p: Parent): number => (Number.isNaN(p.fitness) ? -Infinity : p.fitness);

export function crossover(a: Parent, b: Parent, rng: Rng, options: CrossoverOptions = DEFAULT_CROSSOVER_OPTIONS): CrossoverResult {
  if (slotsOf(a.genome) !== slotsOf(b.genome)) {
    return { status: 'rejected', reason: 'crossover: the parents have different input or output slots' };
  }
  const equal = fitnessOf(a) === fitnessOf(b);
  const [first, second] = fitnessOf(b) > fitnessOf(a) ? [b.genome, a.genome] : [a.genome, b.genome];
  const nodes = alignNodes(first, second, equal, rng);
  const keys = new Set(nodes.map((n) => n.key));
  const maxDelay = Math.max(first.maxDelay, second.maxDelay);
  const aligned = alignEdges(first, second, equal, rng, options);
  const repaired = repairCycles(aligned, maxDelay);
  const edges = repaired.edges;
  if (edges.some((e) => !keys.has(e.source) || !keys.has(e.target))) {
    return { status: 'rejected', reason: 'crossover: an inherited edge names a node the child does not have (the parents disagree about a key)' };
  }
  const caps = maxCaps(first.caps, second.caps);
  if (nodes.length > caps.nodes) return { status: 'rejected', reason: `crossover: the child would have ${nodes.length} nodes, over caps.nodes ${caps.nodes}` };
  if (edges.length > caps.edges) return { status: 'rejected', reason: `crossover: the child would have ${edges.length} edges, over caps.edges ${caps.edges}` };
  const child: Genome = {
    format: 'l2l-genome', version: 1, name: first.name,
    inputs: first.inputs.map((s) => ({ ...s })), outputs: first.outputs.map((s) => ({ ...s })),
    caps, maxDelay, nodes, edges,
    // The IO coding (learners) comes whole from the fitter parent, as its disjoint genes do.
    ...(first.coding === undefined ? {} : { coding: { ticks: first.coding.ticks, encoders: [...first.coding.encoders], decoders: [...first.coding.decoders] } }),
  };
  try {
    const genome = parseGenome(child);
    const from = equal ? 'both parents (equal fitness)' : 'the fitter parent';
    const description = `crossover of ${first.name} and ${second.name}: ${nodes.length} nodes, ${edges.length} edges, disjoint and excess genes from ${from}, ${repaired.count} edges repaired`;
    return { status: 'ok', genome, description };
  } catch (error) {
    return { status: 'rejected', reason: `crossover: the child is invalid: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function maxCaps(a: Caps, b: Caps): Caps {
  return {
    nodes: Math.max(a.nodes, b.nodes), edges: Math.max(a.edges, b.edges),
    effectsPerNode: Math.max(a.effectsPerNode, b.effectsPerNode), applicationsPerTick: Math.max(a.applicationsPerTick, b.applicationsPerTick),
  };
}

/** Nodes: matching ones from either parent (only when they hold the same role and slot), the rest as the rule says. */
function alignNodes(first: Genome, second: Genome, equal: boolean, rng: Rng): NodeGene[] {
  const others = new Map(second.nodes.map((n) => [n.key, n]));
  const nodes = first.nodes.map((n) => {
    const m = others.get(n.key);
    const homologous = m !== undefined && m.role === n.role && m.slot === n.slot;
    return cloneNode(homologous && chance(rng, 0.5) ? m : n);
  });
  if (equal) {
    const mine = new Set(first.nodes.map((n) => n.key));
    for (const n of second.nodes) if (!mine.has(n.key)) nodes.push(cloneNode(n));
  }
  return nodes;
}

/** An edge to place: the version chosen and, for a matching gene, the other parent's version. */
interface Placed {
  edge: EdgeGene;
  alternative: EdgeGene | undefined;
}

function alignEdges(first: Genome, second: Genome, equal: boolean, rng: Rng, options: CrossoverOptions): Placed[] {
  const others = new Map(second.edges.map((e) => [e.key, e]));
  const placed: Placed[] = first.edges.map((e) => {
    const m = others.get(e.key);
    if (m === undefined || m.source !== e.source || m.target !== e.target || m.port !== e.port) {
      return { edge: { ...e }, alternative: undefined };
    }
    const [chosen, alternative] = chance(rng, 0.5) ? [m, e] : [e, m];
    const edge = { ...chosen };
    if (e.enabled !== m.enabled) edge.enabled = !chance(rng, options.disableRate);
    return { edge, alternative: { ...alternative, enabled: edge.enabled } };
  });
  if (equal) {
    const mine = new Set(first.edges.map((e) => e.key));
    for (const e of second.edges) if (!mine.has(e.key)) placed.push({ edge: { ...e }, alternative: undefined });
  }
  return placed;
}

/** Whether `to` is reachable from `from` along the accepted delay-0 edges. */
function reaches(next: Map<number, number[]>, from: number, to: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node === to) return true;
    for (const t of next.get(node) ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        stack.push(t);
      }
    }
  }
  return false;
}

function repairCycles(placed: readonly Placed[], maxDelay: number): { edges: EdgeGene[]; count: number } {
  const next = new Map<number, number[]>();
  const closes = (e: EdgeGene): boolean => e.enabled && e.delay === 0 && reaches(next, e.target, e.source);
  let count = 0;
  const edges = placed.map(({ edge, alternative }) => {
    let e = edge;
    if (closes(e)) {
      count++;
      if (alternative !== undefined && !closes(alternative)) e = alternative;
      else if (maxDelay >= 1) e = { ...e, delay: 1 };
      else e = { ...e, enabled: false };
    }
    if (e.enabled && e.delay === 0) {
      const outs = next.get(e.source) ?? [];
      outs.push(e.target);
      next.set(e.source, outs);
    }
    return e;
  });
  return { edges, count };
}
