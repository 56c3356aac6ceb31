// Speciation and offspring allocation (NEAT: Stanley & Miikkulainen 2002, "Evolving Neural
// Networks through Augmenting Topologies", Evolutionary Computation 10(2), sections 3.3-3.4), with
// the changes the l2l design asks for:
//
// - closest-representative assignment (as neat-python's DefaultSpeciesSet.speciate does): at a
//   threshold t, the genomes are taken in population order and each joins the species whose
//   representative is closest to it among those at distance < t, where the candidates are the
//   last generation's representatives (in species order) followed by the genomes that have founded
//   a species so far this generation (in founding order; a tie goes to the earlier candidate); a
//   genome with no candidate within t founds a species. The paper puts a genome in the first
//   compatible species instead, which makes the partition hinge on species order.
// - a searched compatibility threshold: the paper keeps the threshold fixed; Stanley &
//   Miikkulainen 2004 ("Competitive Coevolution through Evolutionary Complexification", JAIR 21)
//   move it a fixed step per generation toward a target species count, and so did this file; on
//   clustered distances one step flips the whole population between one species and dozens.
//   Instead, each generation's threshold is searched for. The assignment above is tried at the
//   previous threshold (raised to `thresholdMin`, the floor); with more species than
//   `targetSpecies` the search walks up from there on a log scale, with fewer down, the first
//   step a factor 1 + `thresholdStep` and each further step twice as long, until the count
//   reaches the target or passes it. The walk also stops at the floor, and going up at a
//   threshold at which every genome has a candidate within it (the genome that starts the first
//   species excepted), since every larger threshold gives the same partition; the count there
//   becomes the goal instead of the target. Then the walk's last threshold short of the goal and
//   the next are bisected on the log scale down to a relative width of PRECISION. Of all the
//   thresholds tried, the one whose count is closest to the target wins, ties going to the one
//   closest to the previous threshold; it is this generation's threshold and its assignment is
//   the result (with the target count at the previous threshold, nothing moves). Species are only
//   dropped when left empty, so a population spread over more old species than the target keeps
//   them; a cluster is split into several species only when that brings the count closer to the
//   target, never by a threshold below the floor. Distances are taken as symmetric: each genome's
//   distances to the old representatives are computed once, those between genomes memoised, and
//   a trial stops once its count passes max(2 targetSpecies, old species count), no closer to
//   the target than the count at a large threshold. A generation costs about N (S + F) distance
//   calls for N genomes, S old species and F distinct founders over all trials, not N^2 a trial;
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

import { exp, log, log1p } from '../util/math.ts';

/** Speciation's parameters; their ranges and meanings are declared in config-schema.ts. */
export interface SpeciesConfig {
  /** The species count the threshold search steers to. */
  targetSpecies: number;
  /** The threshold the first generation's search starts from. */
  thresholdInitial: number;
  /** The threshold search's first step away from the previous threshold, relative, e.g. 0.1. */
  thresholdStep: number;
  /** The smallest threshold the search tries. */
  thresholdMin: number;
  /** Generations without improvement after which a species stops reproducing. */
  stagnationLimit: number;
  /** The best species that reproduce however long they stagnate. */
  protectTop: number;
  /** Best members copied unchanged into the next generation, per species (if it gets that many). */
  elitism: number;
  /** The fraction of each species (best first) that may be a parent; at least one member. */
  survivalThreshold: number;
  /** Origin protection lasts this many generations... */
  originGenerations: number;
  /** ...during which each seed's species keeps at least this many offspring. */
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
  /** The threshold of the last speciation (the next search starts from it). */
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

/** The threshold search stops bisecting when its bracket is narrower than this, relative. */
const PRECISION = 1e-3;
/** Safety limits on the search's outward steps and bisections (never reached on finite distances). */
const MAX_STEPS = 40;
const MAX_BISECTIONS = 40;

/** The assignment at one threshold. */
interface Trial {
  threshold: number;
  /** Non-empty old species plus founders; when `truncated`, only known to be above the cap. */
  count: number;
  truncated: boolean;
  /** No genome founded a species while having a candidate: any larger threshold gives the same. */
  saturated: boolean;
  /** Per genome (up to truncation): an old species' index, or old species count + founder index. */
  owner: number[];
  /** The founders' population indices, in founding order. */
  founders: number[];
}

/** A threshold of the search's walk (its log) and the species count there. */
interface Step {
  x: number;
  count: number;
}

interface Distances {
  n: number;
  s: number;
  /** Per genome, its closest old representative (the first of equals), or -1, and the distance. */
  nearest: Int32Array;
  nearestDistance: Float64Array;
  /** The memoised distance between genomes i and j. */
  between: (i: number, j: number) => number;
}

/** Closest-representative assignment at threshold `t`, abandoned once the count passes `cap`. */
function assign(t: number, cap: number, d: Distances): Trial {
  const owner: number[] = [];
  const founders: number[] = [];
  const used = new Uint8Array(d.s);
  let count = 0;
  let saturated = true;
  for (let i = 0; i < d.n; i++) {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    const k = d.nearest[i] as number;
    if (k >= 0 && (d.nearestDistance[i] as number) < t) {
      best = k;
      bestDistance = d.nearestDistance[i] as number;
    }
    for (let f = 0; f < founders.length && bestDistance > 0; f++) {
      const x = d.between(i, founders[f] as number);
      if (x < t && x < bestDistance) {
        best = d.s + f;
        bestDistance = x;
      }
    }
    if (best < 0) {
      if (d.s > 0 || i > 0) saturated = false;
      best = d.s + founders.length;
      founders.push(i);
      count++;
    } else if (best < d.s && used[best] === 0) {
      used[best] = 1;
      count++;
    }
    owner.push(best);
    if (count > cap) return { threshold: t, count, truncated: true, saturated: false, owner, founders };
  }
  return { threshold: t, count, truncated: false, saturated, owner, founders };
}

/**
 * Assigns each genome to the species with the closest representative within this generation's
 * threshold, or founds a new one (with `origins[i]` as its origin, when given), the threshold being
 * searched for so that the species count is as close to `targetSpecies` as it can be (see the
 * header). Species left empty are dropped; each species' new representative is its member closest
 * to the old one (neat-python likewise takes the genome closest to the old representative; a
 * random member, as in the paper, lets a species jump to its edge); a new species' representative
 * is its founder.
 */
export function speciate<G>(
  population: readonly G[], previous: SpeciesState<G>, distance: (a: G, b: G) => number,
  config: SpeciesConfig, generation: number, origins?: readonly (string | null)[],
): Speciation<G> {
  const old = previous.species;
  const n = population.length;
  const s = old.length;
  const toOld = new Float64Array(n * s);
  const nearest = new Int32Array(n).fill(-1);
  const nearestDistance = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  population.forEach((genome, i) => {
    old.forEach((rec, k) => {
      const x = distance(genome, rec.representative);
      toOld[i * s + k] = x;
      if (x < (nearestDistance[i] as number)) {
        nearest[i] = k;
        nearestDistance[i] = x;
      }
    });
  });
  const memo = new Map<number, number>();
  const between = (i: number, j: number): number => {
    const key = i < j ? j * n + i : i * n + j;
    let x = memo.get(key);
    if (x === undefined) {
      x = distance(population[i] as G, population[j] as G);
      memo.set(key, x);
    }
    return x;
  };
  const d: Distances = { n, s, nearest, nearestDistance, between };

  const target = config.targetSpecies;
  const minimum = Math.max(config.thresholdMin, Number.MIN_VALUE);
  const start = Math.max(previous.threshold, minimum);
  const cap = Math.max(2 * target, s);
  const trials: Trial[] = [];
  const trial = (t: number): Trial => {
    const r = assign(t, cap, d);
    trials.push(r);
    return r;
  };
  const first = trial(start);
  const up = first.count > target; // too many species: larger thresholds
  if (n > 0 && first.count !== target && !(up ? first.saturated : start <= minimum)) {
    // Step away from the previous threshold until the count reaches the target (or cannot get
    // closer to it), then bisect between the last step short of that and the next.
    const floor = log(minimum);
    const ceiling = log(Number.MAX_VALUE);
    const walk: Step[] = [{ x: log(start), count: first.count }];
    let width = log1p(Math.max(config.thresholdStep, PRECISION));
    let goal = Number.NaN;
    for (let step = 0; step < MAX_STEPS && Number.isNaN(goal); step++, width *= 2) {
      const last = (walk[walk.length - 1] as Step).x;
      const x = up ? Math.min(ceiling, last + width) : Math.max(floor, last - width);
      const r = trial(x === floor ? minimum : exp(x));
      walk.push({ x, count: r.count });
      if (up ? r.count <= target : r.count >= target) goal = target;
      else if (up ? r.saturated || x === ceiling : x === floor) goal = r.count;
    }
    const reached = (count: number): boolean => (up ? count <= goal : count >= goal);
    let j = walk.length - 2;
    while (j >= 0 && reached((walk[j] as Step).count)) j--;
    if (!Number.isNaN(goal) && j >= 0) {
      let inner = (walk[j] as Step).x;
      let outer = (walk[j + 1] as Step).x;
      for (let b = 0; b < MAX_BISECTIONS && Math.abs(outer - inner) > log1p(PRECISION); b++) {
        const mid = (inner + outer) / 2;
        if (reached(trial(exp(mid)).count)) outer = mid;
        else inner = mid;
      }
    }
  }
  const score = (r: Trial): number => (r.truncated ? Number.POSITIVE_INFINITY : Math.abs(r.count - target));
  let best = first;
  for (const r of trials) {
    if (score(r) < score(best) || (score(r) === score(best) && Math.abs(r.threshold - start) < Math.abs(best.threshold - start))) best = r;
  }
  if (best.truncated) best = assign(best.threshold, Number.POSITIVE_INFINITY, d);

  const groups: number[][] = Array.from({ length: s + best.founders.length }, () => []);
  best.owner.forEach((k, i) => groups[k]?.push(i));
  const index = new Array<number>(groups.length).fill(-1);
  const species: SpeciesRecord<G>[] = [];
  const members: number[][] = [];
  old.forEach((rec, k) => {
    const m = groups[k] as number[];
    if (m.length === 0) return;
    let closest = m[0] as number;
    for (const i of m) if ((toOld[i * s + k] as number) < (toOld[closest * s + k] as number)) closest = i;
    index[k] = species.length;
    species.push({ ...rec, representative: population[closest] as G });
    members.push(m);
  });
  let nextId = previous.nextId;
  best.founders.forEach((i, f) => {
    index[s + f] = species.length;
    species.push({
      id: nextId++, representative: population[i] as G, origin: origins?.[i] ?? null, createdAt: generation,
      bestRank: Number.POSITIVE_INFINITY, bestGap: Number.POSITIVE_INFINITY, lastImproved: generation,
    });
    members.push(groups[s + f] as number[]);
  });
  return {
    state: { threshold: best.threshold, nextId, species },
    assignment: best.owner.map((k) => index[k] as number),
    members,
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
  // Loops, not a spread of the fitnesses into Math.max: a large species would overflow the stack.
  const best = members.map((m) => {
    let b = Number.NEGATIVE_INFINITY;
    for (const i of m) b = Math.max(b, fitness[i] as number);
    return b;
  });
  let top = Number.NEGATIVE_INFINITY;
  for (const b of best) top = Math.max(top, b);
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
