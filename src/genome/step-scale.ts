// A genome with its step-size scale built in. Evolution scores every genome at its best step-size
// scale s (docs/evolution.md, Step size): the host moves the parameter to p + s * (out - p) in
// float32 (src/tasks/problem.ts, scaleUpdate; the engine's trainTask does the same), out being the
// genome's output. A rule taken out of a run (an export, an eval) must carry s, or it is a
// different optimizer. This rewrites the graph so that its own output is that update: the old
// output node becomes hidden and feeds three new nodes,
//
//   d = out - p    (sub)       s (const)       p' = p + s * d    (mul, then add)
//
// each port a single weight-1 term, so every value is rounded to float32 exactly as the host's
// f32(p + f32(s * f32(out - p))): the scaled genome gives the same bits as the scaled run.

import { shortNumber } from './export.ts';
import { parseGenome } from './parse.ts';
import type { EdgeGene, Genome, NodeGene } from './types.ts';

/** The optimizer role's input slot of the parameter and its one output slot. */
const PARAMETER_SLOT = 1;
const OUTPUT_SLOT = 0;

const ALWAYS = { kind: 'always', threshold: 0, decay: 0, reset: 0, probability: 0 } as const;

function node(key: number, op: NodeGene['op'], role: NodeGene['role'], slot: number, a0 = 0): NodeGene {
  return { key, role, slot, op, attrs: [a0, 0, 0, 0], policy: { ...ALWAYS }, refractory: 0, emit: 'value', effects: [] };
}

/**
 * `genome` whose output is p + scale * (its output - p), rounded as the host rounds it; the genome
 * itself when scale is 1. Throws a RangeError unless scale is finite and above 0, and an Error if
 * the genome has no parameter input or no output node (it is not an optimizer).
 */
export function withStepScale(genome: Genome, scale: number): Genome {
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`a step-size scale must be a finite number above 0 (got ${scale})`);
  const s = Math.fround(scale);
  if (s === 1) return genome;
  const parameter = genome.nodes.find((n) => n.role === 'input' && n.slot === PARAMETER_SLOT);
  const output = genome.nodes.find((n) => n.role === 'output' && n.slot === OUTPUT_SLOT);
  if (parameter === undefined || output === undefined) throw new Error('withStepScale: the genome has no parameter input or no output node');
  let nodeKey = 1 + genome.nodes.reduce((m, n) => Math.max(m, n.key), 0);
  let edgeKey = 1 + genome.edges.reduce((m, e) => Math.max(m, e.key), 0);
  const delta = node(nodeKey++, 'sub', 'hidden', -1);
  const factor = node(nodeKey++, 'const', 'hidden', -1, s);
  const product = node(nodeKey++, 'mul', 'hidden', -1);
  const update = node(nodeKey++, 'add', 'output', OUTPUT_SLOT);
  const edge = (source: number, target: number, port: number): EdgeGene => ({ key: edgeKey++, source, target, port, weight: 1, delay: 0, enabled: true });
  const nodes = genome.nodes.map((n) => (n === output ? { ...n, role: 'hidden' as const, slot: -1 } : n));
  nodes.push(delta, factor, product, update);
  const edges = [
    ...genome.edges,
    edge(output.key, delta.key, 0), edge(parameter.key, delta.key, 1),
    edge(delta.key, product.key, 0), edge(factor.key, product.key, 1),
    edge(parameter.key, update.key, 0), edge(product.key, update.key, 1),
  ];
  const caps = { ...genome.caps, nodes: Math.max(genome.caps.nodes, nodes.length), edges: Math.max(genome.caps.edges, edges.length) };
  return parseGenome({ ...genome, name: `${genome.name}@${shortNumber(s)}`, caps, nodes, edges });
}
