// Legal optimizer genomes that take very long per step (docs/tasks.md, Work budget): without a work
// budget each of them would run until the pool's wall clock stopped it, at a time that depends on
// the machine. Each is otherwise a working SGD (output = parameter - 0.01 gradient).

import { MAX_APPLICATIONS_PER_TICK, MAX_EDGES, MAX_EFFECTS_PER_NODE, MAX_NODES } from '../../src/engine/layout.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../../src/optimizer/role.ts';

const HIDDEN0 = 100;

function sgdWith(name: string, hidden: Record<string, unknown>[], edges: Record<string, unknown>[]): Genome {
  const nodes: Record<string, unknown>[] = OPTIMIZER_INPUTS.map((_, slot) => ({ key: slot, role: 'input', slot }));
  nodes.push({ key: 10, role: 'output', slot: 0, op: 'identity' }, ...hidden);
  return parseGenome({
    format: 'l2l-genome', version: 1, name, inputs: OPTIMIZER_INPUTS, outputs: OPTIMIZER_OUTPUTS,
    caps: { nodes: MAX_NODES, edges: MAX_EDGES, effectsPerNode: MAX_EFFECTS_PER_NODE, applicationsPerTick: MAX_APPLICATIONS_PER_TICK },
    nodes, edges: [{ key: 20, source: 1, target: 10 }, { key: 21, source: 0, target: 10, weight: -0.01 }, ...edges],
  });
}

/**
 * `count` delay-0 edges i -> i + d between `hidden` nodes, d = 1, 2, ... on port x, then on y and
 * z: a DAG in which the first node reaches every other.
 */
function ladder(hidden: number, count: number, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  const edges: Record<string, unknown>[] = [];
  let key = 5000;
  for (let port = 0; port < 3; port++) {
    for (let d = 1; d < hidden && edges.length < count; d++) {
      for (let i = 0; i + d < hidden && edges.length < count; i++) edges.push({ key: key++, source: HIDDEN0 + i, target: HIDDEN0 + i + d, port, ...extra });
    }
  }
  if (edges.length < count) throw new RangeError(`${hidden} nodes hold fewer than ${count} such edges`);
  return edges;
}

/**
 * Caps at their maxima, and 1,000 hidden nodes (constant 0, so no edge is ever used: the sweep is
 * cheap) each firing 16 effects every tick that select the newest edge within 8 hops: each
 * selection searches and sorts most of the 130,000 edges. Without a budget a tick takes minutes on
 * a 2-core VM (with two effects a node: about 20 s), while its node-lane evaluations, edge-lane
 * traversals and applications stay under 130 units per parameter: the effect search is what the
 * work budget sees (about 10^9 units per parameter a tick).
 */
export function selectionHeavyGenome(): Genome {
  const effect = {
    kind: 'weight', change: 'add', amount: { source: 'const', scale: 0 }, target: 'edges',
    select: { policy: 'newest', k: 1, direction: 'out', radius: 8 },
  };
  const hidden = Array.from({ length: 1000 }, (_, i) => ({
    key: HIDDEN0 + i, op: 'const', attrs: [0], effects: Array.from({ length: MAX_EFFECTS_PER_NODE }, () => effect),
  }));
  return sgdWith('selection-heavy', hidden, ladder(1000, MAX_EDGES - 2));
}

/**
 * 300 lane nodes fed by the gradient and 130,000 used edges between them: every tick costs about
 * 130,000 edge-lane traversals per parameter, so the work budget stops it within a few steps, in
 * the sweep of the tick that passes it.
 */
export function sweepHeavyGenome(): Genome {
  const hidden = Array.from({ length: 300 }, (_, i) => ({ key: HIDDEN0 + i, op: 'tanh' }));
  const feed = hidden.map((_, i) => ({ key: 1000 + i, source: 0, target: HIDDEN0 + i, weight: 0.001 }));
  const edges = [...feed, ...ladder(300, MAX_EDGES - 2 - feed.length, { weight: 0.001 })];
  return sgdWith('sweep-heavy', hidden, edges);
}
