// Node widths (docs/engine.md, "Lanes and groups") and the optimizer state a genome keeps per lane,
// counted from the genome alone so that docs and the CLI can report it without running the engine.

import type { Genome, NodeGene, OpName } from './types.ts';

export type Width = 'scalar' | 'group' | 'lane';

const RANK: Record<Width, number> = { scalar: 0, group: 1, lane: 2 };
const REDUCTIONS: ReadonlySet<OpName> = new Set(['rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms']);

/** The width a node has whatever its sources are, or undefined when its sources decide it. */
function fixedWidth(genome: Genome, node: NodeGene): Width | undefined {
  if (node.policy.kind === 'random' && node.role !== 'input') return 'lane';
  if (node.role === 'input') return genome.inputs[node.slot]?.width ?? 'lane';
  if (node.op === 'const' || node.op === 'every') return 'scalar';
  if (REDUCTIONS.has(node.op)) return 'group';
  if (node.op === 'rowmean' || node.op === 'colmean') return 'lane';
  return undefined;
}

/**
 * Every node's width: the least fixed point of the engine's rules over the enabled edges (delayed
 * ones included). Starting every free node at scalar and only ever widening reaches the least one.
 */
export function nodeWidths(genome: Genome): Map<number, Width> {
  const widths = new Map<number, Width>();
  for (const n of genome.nodes) widths.set(n.key, fixedWidth(genome, n) ?? 'scalar');
  const free = new Set(genome.nodes.filter((n) => fixedWidth(genome, n) === undefined).map((n) => n.key));
  const enabled = genome.edges.filter((e) => e.enabled && free.has(e.target));
  for (let changed = true; changed;) {
    changed = false;
    for (const e of enabled) {
      const from = widths.get(e.source) ?? 'scalar';
      if (RANK[from] > RANK[widths.get(e.target) ?? 'scalar']) {
        widths.set(e.target, from);
        changed = true;
      }
    }
  }
  return widths;
}

/**
 * Optimizer state in bytes per parameter: float32 values that cross ticks in lane-width nodes. A
 * lane-width node whose value is read d ticks later keeps its last d values (the largest delay of
 * its enabled outgoing edges); an integrating node also keeps its potential and a refractory one its
 * counter. Scalar and group values are shared by many parameters and not counted; the engine's
 * costs().stateBytesPerLane counts every node, so it is at least this.
 */
export function stateBytesPerParameter(genome: Genome): number {
  // Genomes are not changed once built (operators make new ones), so the count is kept per object:
  // every run of an evaluation reports it.
  const known = counted.get(genome);
  if (known !== undefined) return known;
  const bytes = countStateBytes(genome);
  counted.set(genome, bytes);
  return bytes;
}

const counted = new WeakMap<Genome, number>();

function countStateBytes(genome: Genome): number {
  const widths = nodeWidths(genome);
  const maxDelay = new Map<number, number>();
  for (const e of genome.edges) {
    if (e.enabled && e.delay > 0) maxDelay.set(e.source, Math.max(e.delay, maxDelay.get(e.source) ?? 0));
  }
  let words = 0;
  for (const n of genome.nodes) {
    if (widths.get(n.key) !== 'lane') continue;
    words += (maxDelay.get(n.key) ?? 0) + (n.policy.kind === 'integrate' ? 1 : 0) + (n.refractory > 0 ? 1 : 0);
  }
  return 4 * words;
}
