// What evolution does differently for the two roles (docs/learner.md, Evolution): an optimizer
// genome updates another model's parameters; a learner genome is the learner. Everything else (the
// NEAT species, NSGA-II selection, the curriculum, the cache, the reports) is shared; this table
// holds the rest: the seeds generation 0 starts from, the step-size scales tried (learners have no
// step size: scale 0 only), the learning check, the memory count of the held-out table, and the
// mutation settings (learners mutate their IO coding and start with larger caps).

import type { Engine } from '../engine/engine.ts';
import { packedLength } from '../genome/pack.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import type { MutationOverrides } from '../genome/mutation.ts';
import type { Genome } from '../genome/types.ts';
import { codingOf } from '../learner/coding.ts';
import { LEARNER_SEEDS } from '../learner/index.ts';
import { SEEDS } from '../seeds/index.ts';
import { learnerCheck } from '../tasks/learner.ts';
import { checkLearning, type LearningCheck } from '../tasks/learning.ts';
import { SCALE_GRID, scaleNeighbours } from '../tasks/scale.ts';

export const ROLES = ['optimizer', 'learner'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleKit {
  seeds: readonly { name: string; build: () => Genome }[];
  /** The scales calibration and the report plan try, the genome's own (0) first, then outwards. */
  grid: readonly number[];
  /** The scales a member with scale `k` tries in a generation. */
  neighbours: (k: number) => number[];
  /** The learning check with a work limit (the plan's units). */
  check: (engine: Engine, genome: Genome, workLimit: number) => LearningCheck;
  /** The memory a genome carries as the held-out table counts it (bytes). */
  memory: (genome: Genome) => number;
  /** The structure caps of generation 0, which capGrowth raises. */
  caps: { nodes: number; edges: number };
  /** Mutation settings beyond the defaults. */
  mutation: MutationOverrides;
  /** Whether calibration sets hurdles (optimizer runs stop hopeless training early; learners have none). */
  hurdles: boolean;
}

/** Every grid scale, the genome's own (0) first, then outwards: ties go to the smaller change. */
const GRID_FROM_ZERO: readonly number[] = [...SCALE_GRID].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);

const OPTIMIZER: RoleKit = {
  seeds: SEEDS,
  grid: GRID_FROM_ZERO,
  neighbours: scaleNeighbours,
  check: (engine, genome, workLimit) => checkLearning(engine, genome, { workLimit }),
  memory: stateBytesPerParameter,
  caps: { nodes: 64, edges: 128 },
  mutation: {},
  hurdles: true,
};

/** A learner genome with the default IO coding (codingOf) when it has none, so that mutation can reach it. */
export function withDefaultCoding(genome: Genome): Genome {
  return genome.coding !== undefined ? genome : { ...genome, coding: codingOf(genome) };
}

const LEARNER: RoleKit = {
  seeds: LEARNER_SEEDS.map((s) => ({ name: s.name, build: () => withDefaultCoding(s.build()) })),
  grid: [0],
  neighbours: () => [0],
  check: learnerCheck,
  // As the evaluation counts it (src/tasks/learner.ts): state bytes plus graph bytes.
  memory: (genome) => stateBytesPerParameter(genome) + 4 * packedLength(genome),
  caps: { nodes: 256, edges: 1024 },
  mutation: { rates: { coding: 0.5 } },
  hurdles: false,
};

export function roleKit(role: Role): RoleKit {
  return role === 'learner' ? LEARNER : OPTIMIZER;
}
