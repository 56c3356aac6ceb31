// Builds optimizer genomes from named parts. A node's innovation key is a hash of its name, and an
// edge's a hash of its ends, port and delay; so a motif that names its parts the same way in every
// seed (motifs.ts) gets the same keys in every seed, and crossover and compatibility distance line
// up homologous parts (Adam's moments in Adam, AdamW, RAdam and Lookahead-Adam). The role's input
// nodes have keys 0-5 and the output node key 6. Hashed keys lie in [SEED_KEY_BASE, 2^24);
// evolution numbers new parts from 2^24 up, so they never meet a seed's keys.
//
// Port sums run in ascending edge-key order (docs/engine.md, Numbers): a node summing several
// edges adds them in the order of their hashed keys, the same order in every seed.

import { EVOLVED_KEY_BASE, SEED_KEY_BASE } from '../genome/keys.ts';
import { parseGenome } from '../genome/parse.ts';
import type { Effect, Genome, NodeGene, OpName, Policy } from '../genome/types.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../optimizer/role.ts';

export const OUTPUT_KEY = 6;

/** A node being built: its key and the name its key was hashed from. */
export interface Ref {
  readonly key: number;
  readonly id: string;
}

/** FNV-1a (32-bit) of a name, folded into [SEED_KEY_BASE, 2^24). */
export function keyOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return SEED_KEY_BASE + ((h >>> 0) % (EVOLVED_KEY_BASE - SEED_KEY_BASE));
}

export interface NodeOptions {
  attrs?: number[];
  policy?: Partial<Policy>;
  effects?: Effect[];
}

type NodeSpec = Partial<NodeGene> & { key: number; op: OpName };

export class GenomeBuilder {
  readonly gradient: Ref;
  readonly parameter: Ref;
  readonly loss: Ref;
  readonly previousLoss: Ref;
  readonly step: Ref;
  readonly curvature: Ref;
  private readonly nodes = new Map<number, { id: string; spec: NodeSpec | Record<string, unknown> }>();
  private readonly edges = new Map<number, { id: string; source: number; target: number; port: number; weight: number; delay: number }>();
  private readonly constants = new Map<number, Ref>();
  private out: Ref | undefined;

  constructor(readonly name: string) {
    const inputs = OPTIMIZER_INPUTS.map((slot, i) => {
      this.nodes.set(i, { id: `in.${slot.name}`, spec: { key: i, role: 'input', slot: i } });
      return { key: i, id: `in.${slot.name}` };
    });
    [this.gradient, this.parameter, this.loss, this.previousLoss, this.step, this.curvature] = inputs as [Ref, Ref, Ref, Ref, Ref, Ref];
  }

  /** A hidden node named `id` (unique in the genome). */
  node(id: string, op: OpName, options: NodeOptions = {}): Ref {
    return this.add(id, keyOf(`node:${id}`), { op, ...specOf(options) });
  }

  /** The output node (the new parameter), made once. */
  output(op: OpName, options: NodeOptions = {}): Ref {
    if (this.out !== undefined) throw new Error(`${this.name}: the output node is made twice`);
    this.out = this.add('out', OUTPUT_KEY, { op, role: 'output', slot: 0, ...specOf(options) });
    return this.out;
  }

  /** A scalar constant node, shared by every part that uses the same value. */
  constant(value: number): Ref {
    const v = Math.fround(value);
    const known = this.constants.get(v);
    if (known !== undefined) return known;
    const ref = this.node(`const:${v}`, 'const', { attrs: [v] });
    this.constants.set(v, ref);
    return ref;
  }

  /** An edge source -> target into `port`, weight rounded to float32 by parsing. */
  edge(source: Ref, target: Ref, port = 0, weight = 1, delay = 0): void {
    const id = `${source.id}>${target.id}:${port}@${delay}`;
    const key = keyOf(`edge:${id}`);
    const clash = this.edges.get(key);
    if (clash !== undefined) throw new Error(`${this.name}: edges ${clash.id} and ${id} hash to the same key ${key}`);
    this.edges.set(key, { id, source: source.key, target: target.key, port, weight, delay });
  }

  /** The genome, parsed (so every rule of the format is checked). */
  build(): Genome {
    if (this.out === undefined) throw new Error(`${this.name}: no output node`);
    let maxDelay = 1;
    for (const e of this.edges.values()) maxDelay = Math.max(maxDelay, e.delay);
    return parseGenome({
      format: 'l2l-genome',
      version: 1,
      name: this.name,
      inputs: OPTIMIZER_INPUTS,
      outputs: OPTIMIZER_OUTPUTS,
      caps: { nodes: Math.max(64, 2 * this.nodes.size), edges: Math.max(128, 2 * this.edges.size), effectsPerNode: 8, applicationsPerTick: 256 },
      maxDelay,
      nodes: [...this.nodes.values()].map((n) => n.spec),
      edges: [...this.edges.entries()].map(([key, e]) => ({
        key, source: e.source, target: e.target, port: e.port, weight: e.weight, delay: e.delay,
      })),
    });
  }

  private add(id: string, key: number, spec: Omit<NodeSpec, 'key'>): Ref {
    const clash = this.nodes.get(key);
    if (clash !== undefined) throw new Error(`${this.name}: nodes ${clash.id} and ${id} have the same key ${key}`);
    this.nodes.set(key, { id, spec: { key, ...spec } });
    return { key, id };
  }
}

function specOf(options: NodeOptions): Partial<NodeGene> {
  const spec: Record<string, unknown> = {};
  if (options.attrs !== undefined) spec.attrs = [...options.attrs, 0, 0, 0, 0].slice(0, 4);
  if (options.policy !== undefined) spec.policy = options.policy;
  if (options.effects !== undefined) spec.effects = options.effects;
  return spec as Partial<NodeGene>;
}
