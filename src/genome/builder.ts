// Builds genomes from named parts, for any role (the optimizer seeds, src/seeds/builder.ts; the
// learner seeds, src/learner/). A node's innovation key is a hash of its name, and an edge's a hash
// of its ends, port and delay; so a motif that names its parts the same way in every seed gets the
// same keys in every seed, and crossover and compatibility distance line up homologous parts. The
// role's input nodes have keys 0 .. inputs - 1, its output nodes the next keys, one per output
// slot. Hashed keys lie in [SEED_KEY_BASE, 2^24); evolution numbers new parts from 2^24 up, so they
// never meet a seed's keys.
//
// Port sums run in ascending edge-key order (docs/engine.md, Numbers): a node summing several
// edges adds them in the order of their hashed keys, the same order in every seed.

import { EVOLVED_KEY_BASE, SEED_KEY_BASE } from './keys.ts';
import { parseGenome } from './parse.ts';
import type { Caps, EmitMode, Effect, Genome, InputSlot, NodeGene, OpName, OutputSlot, Policy } from './types.ts';

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
  refractory?: number;
  emit?: EmitMode;
  effects?: Effect[];
}

type NodeSpec = Partial<NodeGene> & { key: number };

export class GraphBuilder {
  /** The input nodes, one per input slot, in slot order. */
  readonly inputs: readonly Ref[];
  private readonly nodes = new Map<number, { id: string; spec: NodeSpec }>();
  private readonly edges = new Map<number, { id: string; source: number; target: number; port: number; weight: number; delay: number }>();
  private readonly constants = new Map<number, Ref>();
  private readonly outs = new Map<number, Ref>();

  constructor(readonly name: string, readonly inputSlots: readonly InputSlot[], readonly outputSlots: readonly OutputSlot[]) {
    this.inputs = inputSlots.map((slot, i) => this.add(`in.${slot.name}`, i, { role: 'input', slot: i }));
  }

  /** A hidden node named `id` (unique in the genome). */
  node(id: string, op: OpName, options: NodeOptions = {}): Ref {
    return this.add(id, keyOf(`node:${id}`), { op, ...specOf(options) });
  }

  /** The node of output slot `slot` (key inputs + slot), made once. */
  outputNode(slot: number, op: OpName, options: NodeOptions = {}): Ref {
    if (!(slot >= 0 && slot < this.outputSlots.length)) throw new RangeError(`${this.name}: no output slot ${slot}`);
    if (this.outs.has(slot)) throw new Error(`${this.name}: output ${slot} is made twice`);
    const ref = this.add(slot === 0 && this.outputSlots.length === 1 ? 'out' : `out.${this.outputSlots[slot]?.name}`, this.inputSlots.length + slot, {
      op, role: 'output', slot, ...specOf(options),
    });
    this.outs.set(slot, ref);
    return ref;
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

  /** Whether a node named `id` was made. */
  has(id: string): boolean {
    return this.nodes.get(keyOf(`node:${id}`))?.id === id;
  }

  /**
   * The genome, parsed (so every rule of the format is checked). Output slots without a node get
   * a constant-0 identity node; caps default to twice the counts (at least 64 nodes, 128 edges).
   */
  build(caps: Partial<Caps> = {}): Genome {
    for (let slot = 0; slot < this.outputSlots.length; slot++) if (!this.outs.has(slot)) this.outputNode(slot, 'identity');
    let maxDelay = 1;
    for (const e of this.edges.values()) maxDelay = Math.max(maxDelay, e.delay);
    return parseGenome({
      format: 'l2l-genome',
      version: 1,
      name: this.name,
      inputs: this.inputSlots,
      outputs: this.outputSlots,
      caps: {
        nodes: Math.max(64, 2 * this.nodes.size), edges: Math.max(128, 2 * this.edges.size), effectsPerNode: 8, applicationsPerTick: 256, ...caps,
      },
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
  if (options.refractory !== undefined) spec.refractory = options.refractory;
  if (options.emit !== undefined) spec.emit = options.emit;
  if (options.effects !== undefined) spec.effects = options.effects;
  return spec as Partial<NodeGene>;
}
