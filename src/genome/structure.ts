// Structural novelty: is an evolved genome a new computation, or a seed with other constants?
//
// structureKey(genome) describes the computation with every number left out, so that two genomes
// get the same key exactly when they compute the same graph of ops up to weights, constants and
// other numeric attributes (clamp bounds, `every` periods, policy thresholds, effect amounts).
//
// What counts (the "wires" of the genome):
//   - an enabled edge into a port its target reads (OP_ARITY; input nodes read nothing) whose term
//     is not identically 0: edges with the same source, target, port and delay are one wire whose
//     coefficient is the sum of their weights, and a wire of coefficient 0 is absent;
//   - a hidden `const` or `every` node with policy `always`, emit `value` and no enabled effect is
//     a leaf, not a node: each wire from it is its own anonymous constant (how values share
//     constant nodes does not matter), and the leaves into one port, delay and kind are one wire,
//     whose coefficient is the sum of weight * value (for `every`, of weights);
//   - a node is live when a source reaches it and it reaches a sink, along wires of any delay.
//     Sources: input nodes, leaves and nodes with an enabled effect (they fire on their own).
//     Sinks: output nodes and nodes with an enabled effect (their effects rewrite the graph).
//     Output nodes are always live. Everything else is dead code and left out.
// A node is described by its role and slot (input and output nodes), its op (not for input nodes,
// whose op the engine ignores), its policy kind and emit mode (not their numbers) and the kinds of
// its enabled effects in order; a wire by its ends, port and delay.
//
// Canonical node identity (so that renumbering keys changes nothing): Weisfeiler-Lehman colour
// refinement (Weisfeiler & Leman 1968; Shervashidze et al., "Weisfeiler-Lehman Graph Kernels",
// JMLR 12, 2011). A node's colour starts as a hash of its description; each round it becomes the
// hash of its colour and the sorted colours, ports and delays of its incoming and outgoing wires,
// until a round splits no colour class. The key lists the live nodes (colour and description) and
// the wires (colours of their ends, port, delay), each list sorted. Colour refinement can fail to
// tell apart some non-isomorphic regular graphs; optimizer graphs, anchored at distinct input and
// output slots, are far from that case.
//
// Seeds keep edges of weight 0 as placeholders for hyperparameters that are 0 by default (FTRL's
// l1, Lion's weight decay), so that their structure does not depend on the hyperparameters
// (src/seeds/accumulate.ts). isStructurallyNew therefore matches a genome against each seed with
// any subset of the seed's zero terms made present (every subset up to MAX_PLACEHOLDERS of them,
// else none or all): Lion with a weight decay is still Lion.

import { OP_ARITY } from './arity.ts';
import type { EdgeGene, Genome, NodeGene } from './types.ts';

const PORT_NAMES = ['x', 'y', 'z'];
const MAX_PLACEHOLDERS = 6;

type Leaf = 'const' | 'every';

interface Wire {
  source: number | Leaf;
  target: number;
  port: number;
  delay: number;
}

/** The enabled edges whose value their target reads (a port below its op's arity; not into an input node). */
export function readEdges(genome: Genome): EdgeGene[] {
  const nodes = new Map(genome.nodes.map((n) => [n.key, n]));
  return genome.edges.filter((e) => {
    const target = nodes.get(e.target);
    return e.enabled && nodes.has(e.source) && target !== undefined && target.role !== 'input' && e.port < OP_ARITY[target.op];
  });
}

const hasEffects = (n: NodeGene): boolean => n.effects.some((f) => f.enabled);

function leafOf(n: NodeGene): Leaf | undefined {
  if (n.role !== 'hidden' || n.policy.kind !== 'always' || n.emit !== 'value' || hasEffects(n)) return undefined;
  return n.op === 'const' || n.op === 'every' ? n.op : undefined;
}

/** What an edge adds to its port, up to the source's activation: weight, times the value for a const leaf. */
function coefficient(e: EdgeGene, source: NodeGene): number {
  return leafOf(source) === 'const' ? e.weight * source.attrs[0] : e.weight;
}

/** The wires of a genome (see the opening comment), with the edges in `revive` present even when their term is 0. */
function wiresOf(genome: Genome, revive: ReadonlySet<number>): Wire[] {
  const nodes = new Map(genome.nodes.map((n) => [n.key, n]));
  const groups = new Map<string, { wire: Wire; sum: number; revived: boolean }>();
  for (const e of readEdges(genome)) {
    const source = nodes.get(e.source) as NodeGene;
    const from = leafOf(source) ?? e.source;
    const id = `${from}>${e.target}:${e.port}@${e.delay}`;
    const group = groups.get(id) ?? { wire: { source: from, target: e.target, port: e.port, delay: e.delay }, sum: 0, revived: false };
    group.sum += coefficient(e, source);
    group.revived ||= revive.has(e.key);
    groups.set(id, group);
  }
  return [...groups.values()].filter((g) => g.sum !== 0 || g.revived).map((g) => g.wire);
}

/** Appends `value` to the list of `key` in `map`, creating it. */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Keys reached from `start` along `next`. */
export function reach(start: Iterable<number>, next: ReadonlyMap<number, number[]>): Set<number> {
  const seen = new Set(start);
  const stack = [...seen];
  for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
    for (const k of next.get(key) ?? []) {
      if (!seen.has(k)) {
        seen.add(k);
        stack.push(k);
      }
    }
  }
  return seen;
}

/** The live nodes (see the opening comment) and the wires between them. */
function liveGraph(genome: Genome, wires: readonly Wire[]): { nodes: NodeGene[]; wires: Wire[] } {
  const forward = new Map<number, number[]>();
  const backward = new Map<number, number[]>();
  const sources = new Set<number>();
  for (const w of wires) {
    if (typeof w.source !== 'number') {
      sources.add(w.target);
      continue;
    }
    append(forward, w.source, w.target);
    append(backward, w.target, w.source);
  }
  const candidates = genome.nodes.filter((n) => leafOf(n) === undefined);
  for (const n of candidates) if (n.role === 'input' || hasEffects(n)) sources.add(n.key);
  const reached = reach(sources, forward);
  const reaching = reach(candidates.filter((n) => n.role === 'output' || hasEffects(n)).map((n) => n.key), backward);
  const nodes = candidates.filter((n) => n.role === 'output' || (reached.has(n.key) && reaching.has(n.key)));
  const live = new Set(nodes.map((n) => n.key));
  return { nodes, wires: wires.filter((w) => live.has(w.target) && (typeof w.source !== 'number' || live.has(w.source))) };
}

/** A node's description without numbers or keys. */
function describe(n: NodeGene): string {
  if (n.role === 'input') return `in${n.slot}`;
  const parts = [n.role === 'output' ? `out${n.slot} ${n.op}` : n.op];
  if (n.policy.kind !== 'always') parts.push(n.policy.kind);
  if (n.emit !== 'value') parts.push(n.emit);
  const effects = n.effects.filter((f) => f.enabled).map((f) => f.kind);
  if (effects.length > 0) parts.push(`{${effects.join(',')}}`);
  return parts.join(' ');
}

/** cyrb53 (bryc, public domain) widened to 64 bits: two mixed 32-bit lanes, as 16 hex digits. */
function digest(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

const wireText = (w: Wire): string => `${PORT_NAMES[w.port] ?? w.port}${w.delay === 0 ? '' : `@${w.delay}`}`;

function keyOfWires(genome: Genome, all: readonly Wire[]): string {
  const { nodes, wires } = liveGraph(genome, all);
  const into = new Map<number, Wire[]>();
  const outOf = new Map<number, Wire[]>();
  for (const w of wires) {
    append(into, w.target, w);
    if (typeof w.source === 'number') append(outOf, w.source, w);
  }
  let colour = new Map(nodes.map((n) => [n.key, digest(describe(n))]));
  const colourOf = (source: number | Leaf): string => (typeof source === 'number' ? colour.get(source) ?? '?' : source);
  const classes = (): number => new Set(colour.values()).size;
  for (let round = 0, count = classes(); round <= nodes.length; round++) {
    colour = new Map(nodes.map((n) => {
      const ins = (into.get(n.key) ?? []).map((w) => `${colourOf(w.source)}:${wireText(w)}`).sort();
      const outs = (outOf.get(n.key) ?? []).map((w) => `${colourOf(w.target)}:${wireText(w)}`).sort();
      return [n.key, digest(`${colourOf(n.key)}|${ins.join(',')}|${outs.join(',')}`)];
    }));
    const next = classes();
    if (next === count) break;
    count = next;
  }
  const nodeLines = nodes.map((n) => `${colourOf(n.key)} ${describe(n)}`).sort();
  const wireLines = wires.map((w) => `${colourOf(w.source)} -> ${colourOf(w.target)} ${wireText(w)}`).sort();
  return [...nodeLines, ...wireLines].join('\n');
}

/** The genome's structure with every number left out, the same under any renumbering of keys (see the opening comment). */
export function structureKey(genome: Genome): string {
  return keyOfWires(genome, wiresOf(genome, new Set()));
}

/** Keys of read edges whose term is identically 0 (weight 0, or a const leaf of value 0). */
function zeroTerms(genome: Genome): number[] {
  const nodes = new Map(genome.nodes.map((n) => [n.key, n]));
  return readEdges(genome).filter((e) => coefficient(e, nodes.get(e.source) as NodeGene) === 0).map((e) => e.key);
}

// Seeds are built once and not edited, so their keys are worked out once per genome object.
const SEED_KEYS = new WeakMap<Genome, ReadonlySet<string>>();

/** A seed's keys with each allowed subset of its zero terms present (see the opening comment). */
function seedKeys(seed: Genome): ReadonlySet<string> {
  const known = SEED_KEYS.get(seed);
  if (known !== undefined) return known;
  const zeros = zeroTerms(seed);
  const subsets = zeros.length <= MAX_PLACEHOLDERS
    ? Array.from({ length: 2 ** zeros.length }, (_, mask) => zeros.filter((_k, i) => (mask >> i) & 1))
    : [[], zeros];
  const keys = new Set(subsets.map((subset) => keyOfWires(seed, wiresOf(seed, new Set(subset)))));
  SEED_KEYS.set(seed, keys);
  return keys;
}

export interface Novelty {
  novel: boolean;
  /** The name of the first seed (in the list's order) whose structure the genome has. */
  nearest?: string;
}

/** Novel iff the genome's structure is no seed's (its zero placeholders allowed either way). */
export function isStructurallyNew(genome: Genome, seeds: readonly Genome[]): Novelty {
  const key = structureKey(genome);
  const match = seeds.find((seed) => seedKeys(seed).has(key));
  return match === undefined ? { novel: true } : { novel: false, nearest: match.name };
}
