// Innovation numbers (Stanley and Miikkulainen, "Evolving Neural Networks through Augmenting
// Topologies", Evolutionary Computation 10(2), 2002, section 3.2): a structural mutation gets a
// historical marking, and the same mutation made twice in one generation gets the same marking, so
// crossover and the compatibility distance line up genes that share an origin.
//
// Two structural mutations make new genes:
//   add edge   source -> target into port p with delay d: one edge key per (source, target, p, d);
//   split edge K: a node key and the keys of the edges into and out of it, one triple per K.
// Within a generation the tracker remembers what it has handed out; beginGeneration() forgets it
// (NEAT's per-generation list of innovations). New keys count up from EVOLVED_KEY_BASE, or from
// above the largest key the tracker has seen (observe()), whichever is larger, so they never meet a
// seed's hashed keys or a loaded genome's keys. The whole state is plain JSON for checkpoints.

import { EVOLVED_KEY_BASE } from './keys.ts';
import { InputError, rules } from '../util/errors.ts';
import { array, int, join, object } from './read.ts';
import type { Genome } from './types.ts';

/** Keys stay below 2^31 - 1 (the engine's limit; parseGenome checks it). */
export const KEY_LIMIT = 0x7fffffff;

export interface SplitKeys {
  node: number;
  /** The edge source -> node. */
  into: number;
  /** The edge node -> target. */
  out: number;
}

/** The tracker as plain JSON: what a checkpoint stores. */
export interface InnovationState {
  generation: number;
  nextKey: number;
  /** [source, target, port, delay, key] for each edge added this generation, in order. */
  edges: [number, number, number, number, number][];
  /** [split edge key, node key, into key, out key] for each split this generation, in order. */
  splits: [number, number, number, number][];
}

export class InnovationTracker {
  private generationNumber = 0;
  private next = EVOLVED_KEY_BASE;
  private readonly edges = new Map<string, { at: [number, number, number, number]; key: number }>();
  private readonly splits = new Map<number, SplitKeys>();

  /** A tracker that numbers new keys above every key of `genomes`. */
  constructor(genomes: readonly Genome[] = []) {
    for (const g of genomes) this.observe(g);
  }

  get generation(): number {
    return this.generationNumber;
  }

  /** The key the next new innovation will get. */
  get nextKey(): number {
    return this.next;
  }

  /** Makes every later key larger than each node and edge key of the genome. */
  observe(genome: Genome): void {
    for (const n of genome.nodes) this.next = Math.max(this.next, n.key + 1);
    for (const e of genome.edges) this.next = Math.max(this.next, e.key + 1);
  }

  /** Starts a new generation: the mutations remembered so far get new keys when made again. */
  beginGeneration(): void {
    this.generationNumber += 1;
    this.edges.clear();
    this.splits.clear();
  }

  /** The key of an edge source -> target into `port` with `delay` added this generation. */
  edgeKey(source: number, target: number, port: number, delay: number): number {
    const id = `${source}>${target}:${port}@${delay}`;
    const known = this.edges.get(id);
    if (known !== undefined) return known.key;
    const key = this.take();
    this.edges.set(id, { at: [source, target, port, delay], key });
    return key;
  }

  /** A key no gene has had: for a node that no mutation made (a decoded graph's new node, src/surrogate). */
  freshKey(): number {
    return this.take();
  }

  /** The keys of the node and two edges that replace edge `edgeKey` when it is split this generation. */
  splitKeys(edgeKey: number): SplitKeys {
    const known = this.splits.get(edgeKey);
    if (known !== undefined) return { ...known };
    const keys = { node: this.take(), into: this.take(), out: this.take() };
    this.splits.set(edgeKey, keys);
    return { ...keys };
  }

  toJSON(): InnovationState {
    return {
      generation: this.generationNumber,
      nextKey: this.next,
      edges: [...this.edges.values()].map((e) => [...e.at, e.key]),
      splits: [...this.splits.entries()].map(([k, s]) => [k, s.node, s.into, s.out]),
    };
  }

  /** A tracker from toJSON()'s output (or an InputError naming the field and the rule). */
  static fromJSON(json: unknown): InnovationTracker {
    const s = object(json, 'innovations', ['generation', 'nextKey', 'edges', 'splits']);
    const tracker = new InnovationTracker();
    tracker.generationNumber = int(s.generation, 'innovations.generation', 0, Number.MAX_SAFE_INTEGER);
    tracker.next = int(s.nextKey, 'innovations.nextKey', 0, KEY_LIMIT);
    const keyed = (value: unknown, field: string, length: number): number[] => {
      const row = array(value, field);
      if (row.length !== length) throw new InputError(field, `must be an array of ${length} integers`, row);
      return row.map((x, i) => int(x, join(field, i), 0, KEY_LIMIT - 1));
    };
    array(s.edges, 'innovations.edges').forEach((row, i) => {
      const [source, target, port, delay, key] = keyed(row, join('innovations.edges', i), 5) as [number, number, number, number, number];
      tracker.edges.set(`${source}>${target}:${port}@${delay}`, { at: [source, target, port, delay], key });
      tracker.checkBelowNext(key, join('innovations.edges', i));
    });
    array(s.splits, 'innovations.splits').forEach((row, i) => {
      const [edge, node, into, out] = keyed(row, join('innovations.splits', i), 4) as [number, number, number, number];
      tracker.splits.set(edge, { node, into, out });
      for (const key of [node, into, out]) tracker.checkBelowNext(key, join('innovations.splits', i));
    });
    return tracker;
  }

  private checkBelowNext(key: number, field: string): void {
    if (key >= this.next) throw new InputError(field, rules.atMost(this.next - 1, 'innovations.nextKey - 1'), key);
  }

  private take(): number {
    if (this.next >= KEY_LIMIT) throw new RangeError(`innovation keys are exhausted (next key ${this.next} reaches ${KEY_LIMIT})`);
    return this.next++;
  }
}
