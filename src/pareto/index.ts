// Multi-objective selection over objective arrays (docs/pareto.md). Pure functions: they take rows
// of objective values (all minimised) and return indices or numbers; they never see a genome.

export type { ObjectiveRow, Objectives, Ranking } from './types.ts';
export { checkMask, checkObjectives, paretoRules } from './errors.ts';
export { dominates, frontRanks, nonDominatedSort } from './sort.ts';
export { crowdingByFront, crowdingDistance } from './crowding.ts';
export { rankAndCrowding, survive, surviveRanked } from './survival.ts';
export { binaryTournament, crowdedBetter, tournamentSelect, type RankAndCrowding } from './tournament.ts';
export { hypervolume } from './hypervolume.ts';
export { columnBounds, normaliseObjectives, normaliseWith, type ColumnBounds } from './normalise.ts';
export { speciesFitness, type SpeciesFitness } from './fitness.ts';
