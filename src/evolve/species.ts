// Speciation and offspring allocation (NEAT: Stanley & Miikkulainen 2002, "Evolving Neural
// Networks through Augmenting Topologies", Evolutionary Computation 10(2), sections 3.3-3.4), with
// the changes the l2l design asks for:
//
// - an adaptive compatibility threshold: after each speciation it moves by `thresholdStep` (a
//   fraction of itself) toward a target species count (more species than wanted: larger, fewer:
//   smaller), never below `thresholdMin`;
// - relative-rank stagnation: a species improves when its rank among species (by best fitness)
//   improves or its gap to the best species' fitness shrinks, not when its own fitness rises (a
//   moving curriculum changes every genome's fitness); a species that has not improved for
//   `stagnationLimit` generations stops reproducing, except the `protectTop` best;
// - origin protection: during the first `originGenerations` generations, each seed's species (its
//   `origin`) keeps at least `originMinMembers` offspring.
//
// Pure functions over plain data (a run's checkpoint stores SpeciesState as it is); genomes are
// only seen through the `distance` argument, fitness is higher-better and in [0, 1] for valid
// genomes (src/pareto fitness). Nothing here is random.

export interface SpeciesConfig {
  targetSpecies: number;
  thresholdInitial: number;
  /** Relative change of the threshold per generation, e.g. 0.1. */
  thresholdStep: number;
  thresholdMin: number;
  stagnationLimit: number;
  protectTop: number;
  /** Best members copied unchanged into the next generation, per species (if it gets that many). */
  elitism: number;
  /** The fraction of each species (best first) that may be a parent; at least one member. */
  survivalThreshold: number;
  originGenerations: number;
  originMinMembers: number;
}

export const DEFAULT_SPECIES: SpeciesConfig = {
  targetSpecies: 8, thresholdInitial: 3, thresholdStep: 0.1, thresholdMin: 0.05,
  stagnationLimit: 15, protectTop: 2, elitism: 1, survivalThreshold: 0.3,
  originGenerations: 10, originMinMembers: 2,
};

export interface SpeciesRecord<G> {
  id: number;
  /** The genome new genomes are compared with. */
  representative: G;
  /** The seed a species started from, for origin protection; null for species born later. */
  origin: string | null;
  createdAt: number;
  /** Relative-rank stagnation: the best rank and the smallest gap to the best seen, and when. */
  bestRank: number;
  bestGap: number;
  lastImproved: number;
}

export interface SpeciesState<G> {
  threshold: number;
  nextId: number;
  species: SpeciesRecord<G>[];
}

export function initialSpecies<G>(config: SpeciesConfig): SpeciesState<G> {
  return { threshold: config.thresholdInitial, nextId: 0, species: [] };
}

export interface Speciation<G> {
  state: SpeciesState<G>;
  /** For each genome, the index of its species in state.species. */
  assignment: number[];
  /** Member indices per species, in population order. */
  members: number[][];
}

/**
 * Assigns each genome to the first species (in id order) whose representative is within the
 * threshold, or founds a new one (with `origins[i]` as its origin, when given). Species left empty
 * are dropped; each species' new representative is its member closest to the old one (as
 * neat-python does: a random member, as in the paper, lets a species jump to its edge, and the
 * species count then swings between one and dozens); then the threshold adapts.
 */
export function speciate<G>(
  population: readonly G[], previous: SpeciesState<G>, distance: (a: G, b: G) => number,
  config: SpeciesConfig, generation: number, origins?: readonly (string | null)[],
): Speciation<G> {
  const species = previous.species.map((s) => ({ ...s }));
  let nextId = previous.nextId;
  const members: number[][] = species.map(() => []);
  const assignment = population.map((genome, i) => {
    const found = species.findIndex((s) => distance(genome, s.representative) < previous.threshold);
    if (found >= 0) {
      members[found]?.push(i);
      return found;
    }
    species.push({
      id: nextId++, representative: genome, origin: origins?.[i] ?? null, createdAt: generation,
      bestRank: Number.POSITIVE_INFINITY, bestGap: Number.POSITIVE_INFINITY, lastImproved: generation,
    });
    members.push([i]);
    return species.length - 1;
  });
  const keep = species.map((_, k) => (members[k] as number[]).length > 0);
  const remap = new Map<number, number>();
  const kept: SpeciesRecord<G>[] = [];
  const keptMembers: number[][] = [];
  species.forEach((s, k) => {
    if (!keep[k]) return;
    const m = members[k] as number[];
    remap.set(k, kept.length);
    let closest = m[0] as number;
    let best = Number.POSITIVE_INFINITY;
    for (const i of m) {
      const d = distance(population[i] as G, s.representative);
      if (d < best) {
        best = d;
        closest = i;
      }
    }
    kept.push({ ...s, representative: population[closest] as G });
    keptMembers.push(m);
  });
  const count = kept.length;
  let threshold = previous.threshold;
  if (count > config.targetSpecies) threshold *= 1 + config.thresholdStep;
  else if (count < config.targetSpecies) threshold = Math.max(config.thresholdMin, threshold * (1 - config.thresholdStep));
  return {
    state: { threshold, nextId, species: kept },
    assignment: assignment.map((k) => remap.get(k) as number),
    members: keptMembers,
  };
}

/**
 * Updates relative-rank stagnation from this generation's fitness and returns which species may
 * reproduce. A species' standing is its best member's fitness; ranks are 0 for the best species.
 */
export function updateStagnation<G>(
  state: SpeciesState<G>, members: readonly number[][], fitness: readonly number[], config: SpeciesConfig,
  generation: number,
): { state: SpeciesState<G>; reproduces: boolean[] } {
  const best = members.map((m) => Math.max(...m.map((i) => fitness[i] as number)));
  const top = Math.max(...best);
  const order = best.map((_, k) => k).sort((a, b) => (best[b] as number) - (best[a] as number) || a - b);
  const rank = new Array<number>(best.length);
  order.forEach((k, r) => {
    rank[k] = r;
  });
  const species = state.species.map((s, k) => {
    const r = rank[k] as number;
    const gap = top - (best[k] as number);
    const improved = r < s.bestRank || gap < s.bestGap;
    return {
      ...s,
      bestRank: Math.min(s.bestRank, r),
      bestGap: Math.min(s.bestGap, gap),
      lastImproved: improved ? generation : s.lastImproved,
    };
  });
  const reproduces = species.map((s, k) => (rank[k] as number) < config.protectTop ||
    generation - s.lastImproved <= config.stagnationLimit ||
    (s.origin !== null && generation < config.originGenerations));
  if (!reproduces.some((x) => x)) reproduces.fill(true);
  return { state: { ...state, species }, reproduces };
}

/**
 * Offspring per species, summing to `total`: proportional to the species' mean fitness (fitness
 * sharing), zero for species that do not reproduce, at least `originMinMembers` for protected
 * origin species early on, by largest remainders. Species that reproduce get at least one.
 */
export function allocateOffspring<G>(
  state: SpeciesState<G>, members: readonly number[][], fitness: readonly number[], reproduces: readonly boolean[],
  total: number, config: SpeciesConfig, generation: number,
): number[] {
  const n = members.length;
  const floor = state.species.map((s, k) => {
    if (!reproduces[k]) return 0;
    return s.origin !== null && generation < config.originGenerations ? config.originMinMembers : 1;
  });
  const reserved = floor.reduce((a, b) => a + b, 0);
  const counts = reserved > total ? scaleDown(floor, total) : [...floor];
  const left = total - counts.reduce((a, b) => a + b, 0);
  const share = members.map((m, k) => (reproduces[k] ? m.reduce((a, i) => a + (fitness[i] as number), 0) / m.length : 0));
  const sum = share.reduce((a, b) => a + b, 0);
  const weights = sum > 0 ? share.map((x) => x / sum) : reproduces.map((r) => (r ? 1 / reproduces.filter(Boolean).length : 0));
  const exact = weights.map((w) => w * left);
  const whole = exact.map(Math.floor);
  let rest = left - whole.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, k) => k).sort((a, b) => (exact[b] as number) - (whole[b] as number) - ((exact[a] as number) - (whole[a] as number)) || a - b);
  for (const k of byRemainder) {
    if (rest <= 0) break;
    whole[k] = (whole[k] as number) + 1;
    rest--;
  }
  return Array.from({ length: n }, (_, k) => (counts[k] as number) + (whole[k] as number));
}

/** Cuts minimum counts down to `total` (the best-placed species first keep theirs). */
function scaleDown(floor: number[], total: number): number[] {
  const out = floor.map(() => 0);
  let left = total;
  for (let k = 0; k < floor.length && left > 0; k++) {
    const take = Math.min(floor[k] as number, left);
    out[k] = take;
    left -= take;
  }
  return out;
}

/** A species' members best first, and how many of them may be parents. */
export function parentPool(members: readonly number[], fitness: readonly number[], config: SpeciesConfig): number[] {
  const sorted = [...members].sort((a, b) => (fitness[b] as number) - (fitness[a] as number) || a - b);
  return sorted.slice(0, Math.max(1, Math.ceil(sorted.length * config.survivalThreshold)));
}
