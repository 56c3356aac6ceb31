// The compatibility distance of NEAT (Stanley and Miikkulainen, "Evolving Neural Networks through
// Augmenting Topologies", Evolutionary Computation 10(2), 2002, section 3.3, equation 1), extended
// to this genome's node genes:
//
//   delta = c1 E / N + c2 D / N + c3 W + c4 A + c5 O + c6 P + c7 F
//
// E and D count excess and disjoint genes, nodes and edges alike (each kind aligned by its own
// keys): a gene only one genome has is excess when its key is above every key of that kind in the
// other genome, else disjoint. N is the gene count (nodes + edges) of the larger genome, or 1 when
// it has fewer than `smallGenome` genes (the paper's rule for small genomes). W is the mean absolute
// weight difference of matching edges (0 without any). Over the M matching nodes (0 without any):
// A is the mean, over nodes, of the summed relative differences of the four attributes; O the share
// of nodes whose op differs; P the mean policy difference (1 for another kind, 1 for another emit
// mode, plus the relative differences of threshold, decay, reset, probability and refractory); F
// the mean effect difference (effects compared by position: 1 for a missing or other-kind effect,
// else the share of its fields that differ).
//
// The relative difference |x - y| / max(|x|, |y|) (0 when both are 0) lies in [0, 2] and does not
// depend on scale, so hyperparameters that span decades (a learning rate of 1e-3, an epsilon of
// 1e-8) weigh like any other. Weights keep NEAT's plain difference. Every term is symmetric, and all
// are 0 for a genome and itself.

import type { EdgeGene, Effect, Genome, NodeGene } from './types.ts';

export interface DistanceCoefficients {
  excess: number;
  disjoint: number;
  weight: number;
  attribute: number;
  op: number;
  policy: number;
  effect: number;
  /** N is 1 when the larger genome has fewer genes than this (0: always normalise). */
  smallGenome: number;
}

/** c1 = c2 = 1 and c3 = 0.4 are the paper's; the node terms weigh an op change like one extra gene in a small genome. */
export const DEFAULT_DISTANCE: Readonly<DistanceCoefficients> = {
  excess: 1, disjoint: 1, weight: 0.4, attribute: 0.5, op: 1, policy: 0.5, effect: 0.5, smallGenome: 20,
};

/** The parts of the distance before the coefficients are applied. */
export interface DistanceTerms {
  excess: number;
  disjoint: number;
  /** N: the normaliser of excess and disjoint. */
  genes: number;
  matchingEdges: number;
  weight: number;
  matchingNodes: number;
  attribute: number;
  op: number;
  policy: number;
  effect: number;
}

export function relativeDifference(x: number, y: number): number {
  const scale = Math.max(Math.abs(x), Math.abs(y));
  return scale === 0 ? 0 : Math.abs(x - y) / scale;
}

interface Keyed {
  key: number;
}

/** Excess and disjoint counts and the matching pairs of two gene lists aligned by key. */
function align<T extends Keyed>(a: readonly T[], b: readonly T[]): { excess: number; disjoint: number; pairs: [T, T][] } {
  const inB = new Map(b.map((g) => [g.key, g]));
  const inA = new Set(a.map((g) => g.key));
  const maxA = a.reduce((m, g) => Math.max(m, g.key), -1);
  const maxB = b.reduce((m, g) => Math.max(m, g.key), -1);
  let excess = 0;
  let disjoint = 0;
  const pairs: [T, T][] = [];
  for (const g of a) {
    const m = inB.get(g.key);
    if (m !== undefined) pairs.push([g, m]);
    else if (g.key > maxB) excess++;
    else disjoint++;
  }
  for (const g of b) {
    if (inA.has(g.key)) continue;
    if (g.key > maxA) excess++;
    else disjoint++;
  }
  // In key order, so that sums over pairs are the same whichever genome comes first.
  pairs.sort((x, y) => x[0].key - y[0].key);
  return { excess, disjoint, pairs };
}

function policyDifference(a: NodeGene, b: NodeGene): number {
  const p = a.policy;
  const q = b.policy;
  return (p.kind === q.kind ? 0 : 1) + (a.emit === b.emit ? 0 : 1)
    + relativeDifference(p.threshold, q.threshold) + relativeDifference(p.decay, q.decay)
    + relativeDifference(p.reset, q.reset) + relativeDifference(p.probability, q.probability)
    + relativeDifference(a.refractory, b.refractory);
}

/** 1 for another kind, else the share of the effect's 11 fields that differ (the scale relatively, at most 1). */
function effectDifference(e: Effect, f: Effect): number {
  if (e.kind !== f.kind) return 1;
  const same = [
    e.enabled === f.enabled, e.change === f.change, e.amount.source === f.amount.source, e.target === f.target,
    e.select.policy === f.select.policy, e.select.k === f.select.k, e.select.direction === f.select.direction,
    e.select.radius === f.select.radius, e.a === f.a, e.b === f.b,
  ];
  const differing = same.filter((s) => !s).length + Math.min(1, relativeDifference(e.amount.scale, f.amount.scale));
  return differing / (same.length + 1);
}

function effectsDifference(a: readonly Effect[], b: readonly Effect[]): number {
  let sum = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const e = a[i];
    const f = b[i];
    sum += e === undefined || f === undefined ? 1 : effectDifference(e, f);
  }
  return sum;
}

export function distanceTerms(a: Genome, b: Genome, smallGenome = DEFAULT_DISTANCE.smallGenome): DistanceTerms {
  const nodes = align<NodeGene>(a.nodes, b.nodes);
  const edges = align<EdgeGene>(a.edges, b.edges);
  const larger = Math.max(a.nodes.length + a.edges.length, b.nodes.length + b.edges.length);
  const mean = <T>(pairs: [T, T][], f: (x: T, y: T) => number): number =>
    pairs.length === 0 ? 0 : pairs.reduce((sum, [x, y]) => sum + f(x, y), 0) / pairs.length;
  return {
    excess: nodes.excess + edges.excess,
    disjoint: nodes.disjoint + edges.disjoint,
    genes: larger < smallGenome ? 1 : Math.max(1, larger),
    matchingEdges: edges.pairs.length,
    weight: mean(edges.pairs, (x, y) => Math.abs(x.weight - y.weight)),
    matchingNodes: nodes.pairs.length,
    attribute: mean(nodes.pairs, (x, y) => x.attrs.reduce((sum, v, i) => sum + relativeDifference(v, y.attrs[i] as number), 0)),
    op: mean(nodes.pairs, (x, y) => (x.op === y.op ? 0 : 1)),
    policy: mean(nodes.pairs, policyDifference),
    effect: mean(nodes.pairs, (x, y) => effectsDifference(x.effects, y.effects)),
  };
}

/** NEAT's compatibility distance with the node terms (see the file's opening comment). */
export function compatibilityDistance(a: Genome, b: Genome, c: DistanceCoefficients = DEFAULT_DISTANCE): number {
  const t = distanceTerms(a, b, c.smallGenome);
  return c.excess * t.excess / t.genes + c.disjoint * t.disjoint / t.genes + c.weight * t.weight
    + c.attribute * t.attribute + c.op * t.op + c.policy * t.policy + c.effect * t.effect;
}
