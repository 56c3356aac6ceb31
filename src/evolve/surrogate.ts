// The surrogate's part in a generation (docs/surrogate.md, In a run; config key `surrogate`): after
// the generation is evaluated and bred, (1) every evaluated genome the surrogate can model joins its
// training data with this generation's objective vector, (2) it trains a fixed number of steps, and
// (3) from `surrogate.startGeneration` on, it replaces shares of the bred children with its own:
// guided, cross-species and filtered (src/surrogate/offspring.ts). A child whose decode the parser
// refuses stays the child NEAT bred, and the decode is kept as an invalid example for training.
// Decoded genomes take their parent's node keys position by position and their parent's edge keys
// where the parent has the same edge, so NEAT still lines their genes up; new nodes and edges get
// keys from the innovation tracker. Every draw comes from the run's streams, so a resumed run makes
// the same children.

import type { InnovationTracker } from '../genome/innovation.ts';
import { mutate } from '../genome/mutate.ts';
import type { Genome } from '../genome/types.ts';
import { binaryTournament, type RankAndCrowding } from '../pareto/index.ts';
import { parseGenome } from '../genome/parse.ts';
import { decodeAll, latentMeans } from '../surrogate/assess.ts';
import type { GraphShape } from '../surrogate/generate.ts';
import { canonicalOrder, fromArrays, type GraphArrays } from '../surrogate/graph.ts';
import { activeMask, crossPoint, guidedPoints, thompsonPick } from '../surrogate/offspring.ts';
import { restoreSurrogate, snapshotSurrogate, type SurrogateState } from '../surrogate/state.ts';
import { Surrogate, type SurrogateSettings } from '../surrogate/surrogate.ts';
import { initSurrogateBackend } from '../surrogate/tf.ts';
import type { Rng } from '../util/rng.ts';
import type { EvolveConfig } from './config.ts';
import { breedingOptions } from './reproduction.ts';
import { roleKit } from './role.ts';
import { stream, type Member, type SurrogateTool } from './state.ts';

/** The model and training settings of a run's configuration. */
export function surrogateSettings(c: EvolveConfig['surrogate']): SurrogateSettings {
  return {
    size: { maxNodes: c.maxNodes, latent: c.latent, hidden: c.hidden, edgeHidden: c.edgeHidden },
    train: { batchSize: c.batchSize, beta: c.beta, betaWarmup: c.betaWarmup, predictorWeight: c.predictorWeight, relevanceL1: c.relevanceL1 },
    learningRate: c.learningRate, stepsPerGeneration: c.stepsPerGeneration, maxExamples: c.maxExamples,
    invalidPenalty: c.invalidPenalty, invalidShare: { perGeneration: c.invalidShareGrowth, max: c.invalidShareMax },
  };
}

/** The role's graph shape: its slots, the largest delay of its seeds, and whether genomes carry an IO coding. */
export function roleShape(config: EvolveConfig): GraphShape {
  const seeds = roleKit(config.role).seeds.map((s) => s.build());
  const first = seeds[0] as Genome;
  let maxDelay = 0;
  for (const g of seeds) maxDelay = Math.max(maxDelay, g.maxDelay);
  return { inputs: first.inputs.length, outputs: first.outputs.length, maxDelay, coding: first.coding !== undefined };
}

/** The run's surrogate as a generation's tool: new (seeded by the run seed) or restored from the state. */
export async function openSurrogate(config: EvolveConfig, saved: SurrogateState | null | undefined): Promise<SurrogateTool> {
  await initSurrogateBackend();
  const settings = surrogateSettings(config.surrogate);
  const shape = roleShape(config);
  const s = saved === null || saved === undefined ? new Surrogate(settings, shape, stream(config.seed, 0, 20)) : restoreSurrogate(saved, settings, shape);
  return {
    learn: (population, objectives, generation) => learnFrom(s, config, population, objectives, generation),
    children: (evaluated, pools, contest, next, tracker, generation) => surrogateChildren(s, config, evaluated, pools, contest, next, tracker, generation),
    snapshot: () => snapshotSurrogate(s),
    dispose: () => s.dispose(),
  };
}

export interface SurrogateReport {
  /** Genomes of this generation it could model, training steps and their mean loss, milliseconds spent. */
  observed: number;
  steps: number;
  loss: number;
  /** Children it made, by kind, and decodes the parser refused. */
  children: { guided: number; crossSpecies: number; filtered: number };
  invalid: number;
  ms: number;
}

/** Steps (1) and (2) of the header: learn from the evaluated population. */
export function learnFrom(s: Surrogate, config: EvolveConfig, population: readonly Member[], objectives: readonly number[][], generation: number): { observed: number; steps: number; loss: number } {
  let observed = 0;
  population.forEach((m, i) => {
    if (s.observe(m.genome, objectives[i] as number[], generation)) observed++;
  });
  const trained = s.train(generation, stream(config.seed, generation, 21));
  return { observed, ...trained };
}

/** Re-keys a decoded genome: the parent's keys by position and by edge, fresh ones from the tracker. */
function rekey(child: Genome, parent: Genome, parentOrder: readonly number[], tracker: InnovationTracker): Genome {
  const keyOf = new Map<number, number>();
  child.nodes.forEach((n, i) => keyOf.set(n.key, parentOrder[i] ?? tracker.freshKey()));
  const parentEdges = new Map(parent.edges.map((e) => [`${e.source}>${e.target}:${e.port}@${e.delay}`, e.key]));
  const nodes = child.nodes.map((n) => ({ ...n, key: keyOf.get(n.key) as number }));
  const edges = child.edges.map((e) => {
    const source = keyOf.get(e.source) as number;
    const target = keyOf.get(e.target) as number;
    const key = parentEdges.get(`${source}>${target}:${e.port}@${e.delay}`) ?? tracker.edgeKey(source, target, e.port, e.delay);
    return { ...e, key, source, target };
  });
  return { ...child, nodes, edges };
}

interface Plan {
  kind: 'guided' | 'crossSpecies' | 'filtered';
  at: number;
  parent: Member;
  other?: Member;
}

/**
 * Step (3): the next population with shares of its bred children replaced by the surrogate's. The
 * parents are drawn by binary tournament from the evaluated population (`contest`), a cross-species
 * child's two from the parent pools of two species.
 */
export function surrogateChildren(
  s: Surrogate, config: EvolveConfig, evaluated: readonly Member[], pools: readonly number[][], contest: RankAndCrowding,
  next: Member[], tracker: InnovationTracker, generation: number,
): { population: Member[]; children: SurrogateReport['children']; invalid: number } {
  const c = config.surrogate;
  const children = { guided: 0, crossSpecies: 0, filtered: 0 };
  const rng: Rng = stream(config.seed, generation, 22);
  const bred = next.map((m, i) => (m.made === 'elite' ? -1 : i)).filter((i) => i >= 0);
  // A random order of the bred children; the first ones are replaced.
  for (let i = bred.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [bred[i], bred[j]] = [bred[j] as number, bred[i] as number];
  }
  const everyone = pools.flat();
  const modelled = (m: Member): boolean => typeof s.arraysOf(m.genome) !== 'string';
  const pick = (pool: readonly number[]): Member | undefined => {
    const candidates = pool.filter((i) => modelled(evaluated[i] as Member));
    return candidates.length === 0 ? undefined : evaluated[binaryTournament(contest, rng, candidates)];
  };
  const plans: Plan[] = [];
  let cursor = 0;
  const count = (share: number): number => Math.min(Math.round(share * bred.length), bred.length - cursor);
  for (const [kind, share] of [['guided', c.guided], ['crossSpecies', c.crossSpecies], ['filtered', c.filtered]] as const) {
    for (let k = count(share); k > 0; k--) {
      const at = bred[cursor++] as number;
      if (kind === 'crossSpecies') {
        if (pools.length < 2) continue;
        const a = rng.int(pools.length);
        const b = (a + 1 + rng.int(pools.length - 1)) % pools.length;
        const [parent, other] = [pick(pools[a] as number[]), pick(pools[b] as number[])];
        if (parent !== undefined && other !== undefined) plans.push({ kind, at, parent, other });
      } else {
        const parent = pick(everyone);
        if (parent !== undefined) plans.push({ kind, at, parent });
      }
    }
  }
  const population = [...next];
  let invalid = 0;
  const place = (plan: Plan, genome: Genome): void => {
    const into = population[plan.at] as Member;
    population[plan.at] = { id: into.id, genome, origin: plan.parent.origin, made: plan.kind === 'crossSpecies' ? 'cross-species' : plan.kind, scale: plan.parent.scale ?? 0 };
    children[plan.kind]++;
  };
  // Guided and cross-species children: latent points, decoded together.
  const latent = plans.filter((p) => p.kind !== 'filtered');
  if (latent.length > 0) {
    const parents = latent.flatMap((p) => [p.parent, ...(p.other === undefined ? [] : [p.other])]);
    const arrays = parents.map((m) => s.arraysOf(m.genome) as GraphArrays);
    const means = latentMeans(s.model, arrays);
    const meanOf = new Map(parents.map((m, i) => [m, means[i] as Float32Array]));
    const guided = latent.filter((p) => p.kind === 'guided');
    const moved = guidedPoints(s, guided.map((p) => meanOf.get(p.parent) as Float32Array), activeMask(s, arrays), {
      weights: c.guidanceWeights, steps: c.guidanceSteps, stepSize: c.guidanceStepSize, trustRadius: c.trustRadius,
    });
    const points = latent.map((p) => (p.kind === 'guided' ? moved[guided.indexOf(p)] as Float32Array : crossPoint(meanOf.get(p.parent) as Float32Array, meanOf.get(p.other as Member) as Float32Array, rng)));
    decodeAll(s.model, points, s.shape).forEach((arrays, k) => {
      const plan = latent[k] as Plan;
      try {
        const parent = plan.parent.genome;
        place(plan, parseGenome(rekey(fromArrays(arrays, parent), parent, canonicalOrder(parent), tracker)));
      } catch {
        s.observeInvalid(arrays);
        invalid++;
      }
    });
  }
  // Filtered children: the predictor's pick among mutants of one parent.
  const options = breedingOptions(config, generation);
  for (const plan of plans.filter((p) => p.kind === 'filtered')) {
    const mutants: Genome[] = [];
    for (let k = 0; k < c.filterCandidates; k++) {
      const m = mutate(plan.parent.genome, rng, tracker, options);
      if (m.status === 'ok' && typeof s.arraysOf(m.genome) !== 'string') mutants.push(m.genome);
    }
    if (mutants.length === 0) continue;
    const best = thompsonPick(s, mutants.map((g) => s.arraysOf(g) as GraphArrays), c.guidanceWeights, rng);
    place(plan, mutants[best] as Genome);
  }
  return { population, children, invalid };
}
