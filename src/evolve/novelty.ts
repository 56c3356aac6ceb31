// Novelty as an objective, after J. Lehman and K. O. Stanley, "Abandoning objectives: evolution
// through the search for novelty alone", Evolutionary Computation 19(2), 2011: a genome's novelty is
// the mean distance from its behaviour descriptor to its k nearest neighbours among the current
// population and an archive of past novel ones. Here the descriptor is structural (what the graph is
// made of, not what it does), so novelty rewards exploring new shapes of learning algorithm.
//
// Descriptor (DESCRIPTOR_NAMES gives the order): counts of hidden nodes, enabled and disabled edges,
// enabled edges by delay (0, 1, 2 or more), nodes by op family and by firing-policy kind, spiking
// and refractory nodes, and effects by family; the mean and spread of the enabled edges' weights;
// and the depth of the graph (the longest path of enabled delay-0 edges). Counts and depth enter as
// log(1 + x), so one more node matters more in a small graph than in a large one; weights as
// sign(w) log(1 + |w|), so a huge weight does not swamp the structure. Distances are Euclidean.
//
// Archive (deterministic): after a generation is scored, at most `addPerGeneration` of its genomes
// join, the most novel first (ties by population index), each only if its novelty exceeds
// `minNovelty` and its descriptor is not already archived; past `capacity`, the oldest entries
// leave. The archive is plain data (arrays of numbers), so a checkpoint can store it as it is.
//
// The sorts in src/pareto minimise, so a novelty score enters an objective vector negated
// (noveltyObjective).

import type { EffectKind, Genome, OpName, PolicyKind } from '../genome/types.ts';
import { POLICY_NAMES } from '../genome/types.ts';
import { paretoRules } from '../pareto/errors.ts';
import { InputError } from '../util/errors.ts';
import { log1p } from '../util/math.ts';

/** A fixed-length structural description of a genome (DESCRIPTOR_NAMES.length values). */
export type Descriptor = readonly number[];

const OP_FAMILIES: Readonly<Record<string, readonly OpName[]>> = {
  linear: ['identity', 'add', 'sub', 'mul', 'div', 'neg', 'modulate'],
  elementwise: ['abs', 'sign', 'square', 'sqrt', 'rsqrt', 'pow', 'exp', 'log'],
  squashing: ['tanh', 'sigmoid', 'relu'],
  choice: ['min', 'max', 'clamp', 'gt', 'ge', 'eq', 'select'],
  source: ['const', 'every'],
  reduction: ['rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms', 'rowmean', 'colmean'],
};

const EFFECT_FAMILIES: Readonly<Record<string, readonly EffectKind[]>> = {
  adjust: ['weight', 'attr', 'param'],
  rewrite: ['set-op', 'set-policy'],
  meta: ['effect-enable', 'effect-disable', 'effect-move', 'effect-replace'],
  structure: ['edge-create', 'edge-delete', 'edge-split', 'node-delete'],
  remap: ['remap-input', 'remap-output'],
};

const opFamilyNames = Object.keys(OP_FAMILIES);
const effectFamilyNames = Object.keys(EFFECT_FAMILIES);
const opFamilyIndex = new Map<string, number>();
opFamilyNames.forEach((family, f) => {
  for (const op of OP_FAMILIES[family] as readonly OpName[]) opFamilyIndex.set(op, f);
});
const effectFamilyIndex = new Map<string, number>();
effectFamilyNames.forEach((family, f) => {
  for (const kind of EFFECT_FAMILIES[family] as readonly EffectKind[]) effectFamilyIndex.set(kind, f);
});

/** The meaning of each descriptor entry, in order. */
export const DESCRIPTOR_NAMES: readonly string[] = [
  'hiddenNodes', 'enabledEdges', 'disabledEdges', 'edgesDelay0', 'edgesDelay1', 'edgesDelay2+',
  ...opFamilyNames.map((f) => `ops.${f}`),
  ...POLICY_NAMES.map((p) => `policy.${p}`),
  'spikingNodes', 'refractoryNodes',
  ...effectFamilyNames.map((f) => `effects.${f}`),
  'weightMean', 'weightSpread', 'depth',
];

const at = (name: string): number => DESCRIPTOR_NAMES.indexOf(name);
const OPS_AT = at(`ops.${opFamilyNames[0] as string}`);
const POLICY_AT = at(`policy.${POLICY_NAMES[0]}`);
const EFFECTS_AT = at(`effects.${effectFamilyNames[0] as string}`);

/** The structural descriptor of `genome` (see the file comment). */
export function describeGenome(genome: Genome): Descriptor {
  const counts = new Array<number>(DESCRIPTOR_NAMES.length).fill(0);
  const bump = (i: number): void => {
    counts[i] = (counts[i] as number) + 1;
  };
  for (const node of genome.nodes) {
    if (node.role === 'hidden') bump(at('hiddenNodes'));
    bump(OPS_AT + (opFamilyIndex.get(node.op) as number));
    bump(POLICY_AT + POLICY_NAMES.indexOf(node.policy.kind as PolicyKind));
    if (node.emit === 'spike') bump(at('spikingNodes'));
    if (node.refractory > 0) bump(at('refractoryNodes'));
    for (const effect of node.effects) bump(EFFECTS_AT + (effectFamilyIndex.get(effect.kind) as number));
  }
  const edges = [...genome.edges].sort((a, b) => a.key - b.key);
  const weights: number[] = [];
  for (const edge of edges) {
    if (!edge.enabled) {
      bump(at('disabledEdges'));
      continue;
    }
    bump(at('enabledEdges'));
    bump(at(edge.delay === 0 ? 'edgesDelay0' : edge.delay === 1 ? 'edgesDelay1' : 'edgesDelay2+'));
    weights.push(Math.sign(edge.weight) * log1p(Math.abs(edge.weight)));
  }
  counts[at('depth')] = depth(genome);
  const out = counts.map((c) => log1p(c));
  const [mean, spread] = meanAndSpread(weights);
  out[at('weightMean')] = mean;
  out[at('weightSpread')] = spread;
  return out;
}

function meanAndSpread(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 0];
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return [Number.isFinite(mean) ? mean : 0, Number.isFinite(variance) ? Math.sqrt(variance) : 0];
}

/** The longest path, in edges, through enabled delay-0 edges (nodes on a cycle are left out). */
function depth(genome: Genome): number {
  const keys = genome.nodes.map((n) => n.key);
  const known = new Set(keys);
  const out = new Map<number, number[]>(keys.map((k) => [k, []]));
  const indegree = new Map<number, number>(keys.map((k) => [k, 0]));
  for (const e of genome.edges) {
    if (!e.enabled || e.delay !== 0 || !known.has(e.source) || !known.has(e.target)) continue;
    (out.get(e.source) as number[]).push(e.target);
    indegree.set(e.target, (indegree.get(e.target) as number) + 1);
  }
  const longest = new Map<number, number>(keys.map((k) => [k, 0]));
  const ready = keys.filter((k) => indegree.get(k) === 0);
  let deepest = 0;
  while (ready.length > 0) {
    const k = ready.pop() as number;
    const d = longest.get(k) as number;
    deepest = Math.max(deepest, d);
    for (const t of out.get(k) as number[]) {
      longest.set(t, Math.max(longest.get(t) as number, d + 1));
      const left = (indegree.get(t) as number) - 1;
      indegree.set(t, left);
      if (left === 0) ready.push(t);
    }
  }
  return deepest;
}

/** Euclidean distance between two descriptors. */
export function descriptorDistance(a: Descriptor, b: Descriptor): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += ((a[j] as number) - (b[j] as number)) ** 2;
  return Math.sqrt(sum);
}

export interface NoveltySettings {
  /** Neighbours averaged over. */
  k: number;
  /** Most descriptors the archive keeps. */
  capacity: number;
  /** Most genomes added to the archive per generation. */
  addPerGeneration: number;
  /** A genome joins the archive only if its novelty exceeds this. */
  minNovelty: number;
}

export const DEFAULT_NOVELTY: Readonly<NoveltySettings> = { k: 10, capacity: 200, addPerGeneration: 3, minNovelty: 0 };

/** Past novel descriptors, oldest first. Plain data: safe to serialise as it is. */
export interface NoveltyArchive {
  readonly descriptors: readonly Descriptor[];
}

export function emptyArchive(): NoveltyArchive {
  return { descriptors: [] };
}

/**
 * The novelty of each member of `population`: the mean distance to its `k` nearest neighbours among
 * the archive and the other members (fewer if there are fewer; 0 when there are none).
 */
export function noveltyScores(population: readonly Descriptor[], archive: NoveltyArchive, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new InputError('k', paretoRules.positiveInteger, k);
  checkDescriptors(population, archive);
  const scores = new Float64Array(population.length);
  population.forEach((d, i) => {
    const distances: number[] = [];
    for (const a of archive.descriptors) distances.push(descriptorDistance(d, a));
    population.forEach((other, j) => {
      if (j !== i) distances.push(descriptorDistance(d, other));
    });
    if (distances.length === 0) return;
    distances.sort((x, y) => x - y);
    const near = distances.slice(0, k);
    scores[i] = near.reduce((s, x) => s + x, 0) / near.length;
  });
  return scores;
}

/** The archive after a generation with these descriptors and scores (see the file comment). */
export function updateArchive(
  archive: NoveltyArchive,
  population: readonly Descriptor[],
  scores: ArrayLike<number>,
  settings: NoveltySettings,
): NoveltyArchive {
  checkSettings(settings);
  checkDescriptors(population, archive);
  if (scores.length !== population.length) throw new InputError('scores', paretoRules.maskLength(population.length), scores.length);
  const order = population.map((_, i) => i)
    .filter((i) => (scores[i] as number) > settings.minNovelty)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const kept = [...archive.descriptors];
  let added = 0;
  for (const i of order) {
    if (added === settings.addPerGeneration) break;
    const d = population[i] as Descriptor;
    if (kept.some((a) => descriptorDistance(a, d) === 0)) continue;
    kept.push([...d]);
    added++;
  }
  return { descriptors: kept.slice(Math.max(0, kept.length - settings.capacity)) };
}

/** Novelty as a minimised objective: the negated scores. */
export function noveltyObjective(scores: ArrayLike<number>): number[] {
  return Array.from(scores, (s) => -s);
}

function checkSettings(s: NoveltySettings): void {
  const integer = (field: keyof NoveltySettings, min: number): void => {
    const v = s[field];
    if (!Number.isInteger(v) || v < min) {
      throw new InputError(`novelty.${field}`, min > 0 ? paretoRules.positiveInteger : paretoRules.nonNegativeInteger, v);
    }
  };
  integer('k', 1);
  integer('capacity', 0);
  integer('addPerGeneration', 0);
  if (!Number.isFinite(s.minNovelty) || s.minNovelty < 0) throw new InputError('novelty.minNovelty', paretoRules.nonNegative, s.minNovelty);
}

function checkDescriptors(population: readonly Descriptor[], archive: NoveltyArchive): void {
  const m = DESCRIPTOR_NAMES.length;
  population.forEach((d, i) => {
    if (d.length !== m) throw new InputError(`population[${i}]`, paretoRules.sameLength(m), d.length);
  });
  archive.descriptors.forEach((d, i) => {
    if (d.length !== m) throw new InputError(`archive.descriptors[${i}]`, paretoRules.sameLength(m), d.length);
  });
}
