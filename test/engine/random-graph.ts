// A seeded generator of random valid genomes, lane groups and per-tick inputs for the differential and
// fuzz tests. It has its own PRNG (splitmix32), never Math.random, so a seed names a case for ever.
// The graphs exercise every op, policy, emit mode and effect setting of docs/engine.md: cycles through
// delayed edges, disabled edges, scalar and lane inputs, 2-D groups, refractory counts, modulatory
// nodes and caps small enough to be hit; parameters are mostly valid and values mostly finite so
// that effects often succeed.

import {
  AMOUNT_NAMES, CHANGE_NAMES, EFFECT_KIND_NAMES, OP_NAMES, SELECT_NAMES,
  type EdgeGene, type Effect, type EffectKind, type Genome, type LaneGroup, type NodeGene, type OpName,
  type PolicyKind,
} from '../../src/genome/types.ts';
import {
  MAX_APPLICATIONS_PER_TICK, MAX_DELAY, MAX_EDGES, MAX_EFFECTS_PER_NODE, MAX_NODES, MAX_OUT_SLOTS,
} from '../../src/engine/layout.ts';

/** splitmix32: a small, fast, well-mixed 32-bit PRNG. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x2545f491) | 0;
    for (let i = 0; i < 4; i++) this.u32();
  }

  u32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 2 ** 32;
  }

  /** Uniform in [lo, hi]. */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** An integer in lo..hi inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Picks by weight: [[item, weight], ...]. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    const total = table.reduce((s, [, w]) => s + w, 0);
    let x = this.float() * total;
    for (const [item, w] of table) {
      x -= w;
      if (x < 0) return item;
    }
    return (table[table.length - 1] as readonly [T, number])[0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

export interface GraphOptions {
  /** Most hidden nodes (default 10). */
  maxHidden?: number;
  /** Give input nodes effects too (default true). */
  inputEffects?: boolean;
  /** Only these effect kinds (default: all, numeric ones more often). */
  kinds?: readonly EffectKind[];
  /** Chance that a node has effects (default 0.45). */
  effectRate?: number;
}

const ARITY: Partial<Record<OpName, number>> = {
  add: 2, sub: 2, mul: 2, div: 2, pow: 2, min: 2, max: 2, gt: 2, ge: 2, eq: 2, select: 3, every: 0, const: 0,
};
const TAME_OPS: OpName[] = ['identity', 'add', 'sub', 'tanh', 'sigmoid', 'relu', 'clamp', 'min', 'max', 'rmean', 'rowmean', 'colmean'];
const EDGE_KINDS: readonly EffectKind[] = ['weight', 'edge-delete', 'edge-split'];

/** A small float, sometimes a round one. */
function weight(rng: Rng): number {
  if (rng.chance(0.2)) return rng.pick([1, -1, 0.5, -0.5, 0.25, 2]);
  return Math.fround(rng.uniform(-1.2, 1.2));
}

function randomOp(rng: Rng): OpName {
  return rng.chance(0.45) ? rng.pick(TAME_OPS) : rng.pick(OP_NAMES);
}

function randomNode(rng: Rng, key: number, role: NodeGene['role'], slot: number): NodeGene {
  const op = role === 'input' ? rng.pick(OP_NAMES) : randomOp(rng);
  const attrs: NodeGene['attrs'] = [0, 0, 0, 0].map(() => Math.fround(rng.uniform(-1, 1))) as NodeGene['attrs'];
  if (op === 'clamp') [attrs[0], attrs[1]] = [Math.fround(-rng.uniform(0, 1.5)), Math.fround(rng.uniform(0, 1.5))];
  if (op === 'every') attrs[0] = Math.fround(rng.int(1, 5) + rng.uniform(-0.4, 0.4));
  if (op === 'const') attrs[0] = Math.fround(rng.uniform(-2, 2));
  const kind: PolicyKind = rng.weighted([['always', 45], ['threshold', 20], ['integrate', 20], ['random', 15]]);
  const policy = {
    kind,
    threshold: Math.fround(kind === 'integrate' ? rng.uniform(0.2, 2) : rng.uniform(-0.5, 1)),
    decay: rng.chance(0.15) ? rng.pick([0, 1]) : Math.fround(rng.uniform(0, 1)),
    reset: rng.chance(0.6) ? 0 : Math.fround(rng.uniform(-0.5, 0.5)),
    probability: rng.chance(0.15) ? rng.pick([0, 1]) : Math.fround(rng.uniform(0, 1)),
  };
  const refractory = rng.weighted([[0, 60], [rng.int(1, 3), 30], [rng.int(4, 255), 8], [255, 2]]);
  return { key, role, slot, op, attrs, policy, refractory, emit: rng.chance(0.25) ? 'spike' : 'value', effects: [] };
}

function randomEffect(rng: Rng, g: { inputs: number; outputs: number; maxDelay: number; maxEffects: number }, kinds?: readonly EffectKind[]): Effect {
  const kind: EffectKind = kinds !== undefined ? rng.pick(kinds) : rng.weighted(EFFECT_KIND_NAMES.map((k) => [k, ({
    weight: 6, attr: 3, param: 3, 'edge-create': 3, 'edge-split': 2, 'edge-delete': 1.5, 'node-delete': 0.7,
  } as Partial<Record<EffectKind, number>>)[k] ?? 1] as const));
  const valid = rng.chance(0.9);
  const bad = (): number => rng.pick([-1, -7, 99, 1 << 20]);
  const small = (n: number): number => (valid ? rng.int(0, Math.max(0, n - 1)) : bad());
  let a = 0;
  let b = 0;
  switch (kind) {
    case 'attr': a = small(4); break;
    case 'param': a = small(5); break;
    case 'set-op': a = small(OP_NAMES.length); break;
    case 'set-policy': a = small(4); break;
    case 'effect-enable': case 'effect-disable': a = small(g.maxEffects); break;
    case 'effect-move': case 'effect-replace': a = small(g.maxEffects); b = small(g.maxEffects); break;
    case 'edge-create': a = small(3); b = valid ? rng.int(0, g.maxDelay) : rng.pick([g.maxDelay + 1, -1]); break;
    case 'remap-input': a = small(g.inputs); break;
    case 'remap-output': a = small(g.outputs); break;
    default: a = rng.int(-2, 5); b = rng.int(-2, 5);
  }
  const scale = rng.weighted([[Math.fround(rng.uniform(-1, 1)), 80], [0, 5], [Math.fround(rng.uniform(-3e6, 3e6)), 5], [rng.pick([1, -1, 0.5, 2]), 10]]);
  return {
    kind,
    enabled: rng.chance(0.85),
    change: rng.pick(CHANGE_NAMES),
    amount: { source: rng.pick(AMOUNT_NAMES), scale },
    target: EDGE_KINDS.includes(kind) ? (rng.chance(0.9) ? 'edges' : 'self') : rng.chance(0.5) ? 'self' : 'edges',
    select: {
      policy: rng.pick(SELECT_NAMES),
      k: rng.weighted([[0, 30], [1, 40], [rng.int(2, 3), 30]]),
      direction: rng.chance(0.5) ? 'out' : 'in',
      radius: rng.weighted([[1, 70], [2, 20], [3, 10]]),
    },
    a,
    b,
  };
}

/** A random valid genome (parseGenome accepts it). */
export function randomGenome(rng: Rng, options: GraphOptions = {}): Genome {
  const inputs = Array.from({ length: rng.int(1, 3) }, (_, i) => ({ name: `in${i}`, width: rng.chance(0.7) ? 'lane' as const : 'scalar' as const }));
  const outputs = Array.from({ length: rng.int(1, Math.min(2, MAX_OUT_SLOTS)) }, (_, i) => ({ name: `out${i}` }));
  const maxDelay = Math.min(MAX_DELAY, rng.pick([0, 1, 1, 2, 2, 3, 4, 8]));
  const hidden = rng.int(1, options.maxHidden ?? 10);
  const total = inputs.length + outputs.length + hidden;
  // Keys: increasing with gaps, dealt to nodes and edges in a shuffled order.
  const keys: number[] = [];
  const base = rng.chance(0.1) ? rng.int(2 ** 20, 2 ** 30) : rng.int(0, 5); // sometimes large keys
  for (let k = base; keys.length < total * 12; k += rng.int(1, 3)) keys.push(k);
  const nodeKeys = rng.shuffle(keys.slice(0, total * 2)).slice(0, total);
  const edgeKeys = rng.shuffle(keys.filter((k) => !nodeKeys.includes(k)));
  const nodes: NodeGene[] = nodeKeys.map((key, i) => {
    if (i < inputs.length) return randomNode(rng, key, 'input', i);
    if (i < inputs.length + outputs.length) return randomNode(rng, key, 'output', i - inputs.length);
    return randomNode(rng, key, 'hidden', -1);
  });
  // A random rank orders the delay-0 edges so that they close no cycle; inputs come first.
  const rank = new Map<number, number>();
  rng.shuffle(nodes.map((n) => n.key)).forEach((k, i) => rank.set(k, i));
  for (const n of nodes) if (n.role === 'input') rank.set(n.key, -1 - (rank.get(n.key) as number));
  const edges: EdgeGene[] = [];
  const addEdge = (source: number, target: number, port: number): void => {
    const key = edgeKeys.pop();
    if (key === undefined) return;
    const forward = (rank.get(source) as number) < (rank.get(target) as number);
    const enabled = rng.chance(0.9);
    let delay = maxDelay === 0 || rng.chance(0.6) ? 0 : rng.int(1, maxDelay);
    if (enabled && delay === 0 && !forward) {
      if (maxDelay === 0) return; // it would close a delay-0 cycle
      delay = rng.int(1, maxDelay);
    }
    edges.push({ key, source, target, port, weight: weight(rng), delay, enabled });
  };
  for (const n of nodes) {
    if (n.role === 'input') continue;
    const arity = ARITY[n.op] ?? 1;
    for (let port = 0; port < 3; port++) {
      const count = port < arity ? rng.weighted([[1, 60], [2, 30], [3, 10]]) : rng.chance(0.08) ? 1 : 0;
      for (let i = 0; i < count; i++) addEdge(rng.pick(nodes).key, n.key, port);
    }
  }
  const targets = nodes.filter((n) => n.role !== 'input');
  for (let extra = rng.int(0, 3); extra > 0; extra--) addEdge(rng.pick(nodes).key, rng.pick(targets).key, rng.int(0, 2));

  const effectsPerNode = rng.chance(0.1) ? MAX_EFFECTS_PER_NODE : rng.int(1, 6);
  const shape = { inputs: inputs.length, outputs: outputs.length, maxDelay, maxEffects: effectsPerNode };
  for (const n of nodes) {
    if (n.role === 'input' && options.inputEffects === false) continue;
    if (!rng.chance(options.effectRate ?? 0.45)) continue;
    const count = rng.int(1, effectsPerNode);
    for (let i = 0; i < count; i++) n.effects.push(randomEffect(rng, shape, options.kinds));
  }
  return {
    format: 'l2l-genome', version: 1, name: 'random', inputs, outputs,
    caps: {
      nodes: nodes.length + rng.int(0, 4),
      edges: edges.length + rng.int(0, 6),
      effectsPerNode,
      applicationsPerTick: rng.weighted([[0, 4], [rng.int(1, 8), 48], [rng.int(9, 64), 48]]),
    },
    maxDelay,
    nodes: rng.shuffle(nodes),
    edges: rng.shuffle(edges),
  };
}

/**
 * Pushes a valid genome's fields to the edges of what parseGenome accepts: attributes, thresholds,
 * weights and scales near the float32 limits or denormal, effect arguments a and b near 2^31, k at
 * MAX_EDGES, radius 8, refractory 255, sometimes the hard-limit caps; with `keys`, keys so close to
 * the largest key (2^31 - 2) that creating nodes and edges runs out of keys (which docs/engine.md
 * does not cover, so only the fuzz tests use it).
 */
export function extremeGenome(rng: Rng, g: Genome, options: { keys: boolean }): void {
  const big = (): number => rng.pick([3.4e38, -3.4e38, 1e30, -1e-38, 1e-45, 0, 999999, -1000000]);
  if (options.keys && rng.chance(0.3)) {
    let largest = 0;
    for (const x of [...g.nodes, ...g.edges]) largest = Math.max(largest, x.key);
    const shift = 0x7ffffffe - largest - rng.int(0, 6);
    for (const n of g.nodes) n.key += shift;
    for (const e of g.edges) {
      e.key += shift;
      e.source += shift;
      e.target += shift;
    }
  }
  for (const n of g.nodes) {
    if (rng.chance(0.2)) n.attrs[rng.int(0, 3)] = big();
    if (rng.chance(0.1)) n.policy.threshold = big();
    if (rng.chance(0.1)) n.policy.reset = big();
    if (rng.chance(0.1)) n.refractory = 255;
    for (const f of n.effects) {
      if (rng.chance(0.2)) f.a = rng.pick([0x7fffffff, -0x7fffffff, 1 << 30]);
      if (rng.chance(0.2)) f.b = rng.pick([0x7fffffff, -0x7fffffff, 1 << 30]);
      if (rng.chance(0.2)) f.select.k = MAX_EDGES;
      if (rng.chance(0.2)) f.select.radius = 8;
      if (rng.chance(0.2)) f.amount.scale = big();
    }
  }
  for (const e of g.edges) if (rng.chance(0.1)) e.weight = big();
  if (rng.chance(0.3)) {
    g.caps = { nodes: MAX_NODES, edges: MAX_EDGES, effectsPerNode: MAX_EFFECTS_PER_NODE, applicationsPerTick: MAX_APPLICATIONS_PER_TICK };
  }
}

/** Random lane groups: 1 to 4 groups, some 2-D, minLanes (default 1) to maxLanes lanes in all. */
export function randomGroups(rng: Rng, maxLanes = 300, minLanes = 1): LaneGroup[] {
  const budget = rng.weighted([[rng.int(1, 8), 30], [rng.int(9, 64), 40], [rng.int(65, Math.max(65, maxLanes)), 30]]);
  const target = minLanes > 1 ? rng.int(minLanes, Math.max(minLanes, maxLanes)) : Math.min(budget, maxLanes);
  const groups: LaneGroup[] = [];
  let left = target;
  const count = rng.int(1, 4);
  for (let i = 0; i < count && left > 0; i++) {
    const size = i === count - 1 ? left : rng.int(1, left);
    let rows = 1;
    if (rng.chance(0.45)) {
      const divisors = Array.from({ length: size }, (_, d) => d + 1).filter((d) => size % d === 0);
      rows = rng.pick(divisors);
    }
    groups.push({ rows, cols: size / rows });
    left -= size;
  }
  return groups;
}

const WILD = [0, -0, 1, -1, 1e-30, -1e-38, 1e-45, 1e30, -1e30, 3.4e38, -3e38, 65504, 16777217, 0.1, -2.5];

/** One tick's input data per slot: dense, sparse, constant or zero lanes; wild values if asked. */
export function randomInputs(rng: Rng, genome: Genome, lanes: number, wild = false): Float32Array[] {
  return genome.inputs.map((slot) => {
    const data = new Float32Array(slot.width === 'lane' ? lanes : 1);
    const mode = rng.weighted([['dense', 50], ['sparse', 30], ['constant', 12], ['zero', 8], ['wild', wild ? 25 : 0]] as const);
    const c = Math.fround(rng.uniform(-2, 2));
    for (let l = 0; l < data.length; l++) {
      switch (mode) {
        case 'dense': data[l] = rng.uniform(-2, 2); break;
        case 'sparse': data[l] = rng.chance(0.3) ? rng.uniform(-2, 2) : 0; break;
        case 'constant': data[l] = c; break;
        case 'zero': data[l] = 0; break;
        case 'wild': data[l] = rng.chance(0.5) ? rng.pick(WILD) : rng.uniform(-1e6, 1e6); break;
      }
    }
    return data;
  });
}

export interface RandomCase {
  seed: number;
  genome: Genome;
  groups: LaneGroup[];
  /** The run seed. */
  runSeed: number;
  /** inputs[tick][slot]. */
  inputs: Float32Array[][];
}

/** The case a seed names: a genome, its groups, a run seed and inputs for each tick. */
export function randomCase(
  seed: number, ticks: { min: number; max: number }, options: GraphOptions & { maxLanes?: number; minLanes?: number } = {},
): RandomCase {
  const rng = new Rng(seed);
  const genome = randomGenome(rng, options);
  const groups = randomGroups(rng, options.maxLanes, options.minLanes);
  const lanes = groups.reduce((s, g) => s + g.rows * g.cols, 0);
  const runSeed = rng.chance(0.2) ? rng.u32() * 2 ** 21 + rng.int(0, 2 ** 21 - 1) : rng.u32();
  const n = rng.int(ticks.min, ticks.max);
  const wild = rng.chance(0.08); // huge, tiny, denormal and near-overflow inputs now and then
  const inputs = Array.from({ length: n }, () => randomInputs(rng, genome, lanes, wild));
  return { seed, genome, groups, runSeed, inputs };
}
