// Agreement between a seed graph and a reference implementation of its update rule: both run on
// the same problem with the same seed, the same gradient noise and curvature probes, and their loss
// trajectories are compared step by step (issue 3: 1e-5 relative, 1e-7 absolute once the loss is
// below 1e-3).
//
// A reference keeps its own state and works in float32 like the engine (Math.fround after every
// operation); it is written from the paper's equations, never by running a graph.

import { expect } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import type { Genome, LaneGroup } from '../../src/genome/types.ts';
import { optimize, problemStreams, type OptimizeResult } from '../../src/optimizer/driver.ts';
import type { Problem } from '../../src/optimizer/problems.ts';

export interface StepInput {
  readonly gradient: Float32Array;
  readonly parameter: Float32Array;
  /** The loss and previous loss, rounded to float32 as the engine's scalar slots hold them. */
  readonly loss: number;
  readonly previousLoss: number;
  /** From 1. */
  readonly step: number;
  /** z * (H z); zeros unless the rule sets usesCurvature. */
  readonly curvature: Float32Array;
  /** The parameter tensors, laid out one after another. */
  readonly groups: readonly LaneGroup[];
}

export interface ReferenceRule {
  readonly usesCurvature?: boolean;
  /** The new parameters (a new array; the rule keeps its own state between calls). */
  step(input: StepInput): Float32Array;
}

/** The reference's loss trajectory, driven exactly as optimize() drives a graph. */
export function referenceTrajectory(rule: ReferenceRule, problem: Problem, steps: number, seed = 0): number[] {
  const { noise, probe } = problemStreams(seed);
  const lanes = problem.groups.reduce((s, g) => s + g.rows * g.cols, 0);
  let theta = problem.initial();
  const gradient = new Float32Array(lanes);
  const curvature = new Float32Array(lanes);
  const losses: number[] = [];
  let previous = Number.NaN;
  for (let step = 1; step <= steps; step++) {
    const loss = problem.evaluate(theta, gradient, noise);
    losses.push(loss);
    if (rule.usesCurvature === true) problem.curvature(theta, curvature, probe);
    theta = rule.step({
      gradient: Float32Array.from(gradient),
      parameter: Float32Array.from(theta),
      loss: Math.fround(loss),
      previousLoss: Math.fround(step === 1 ? loss : previous),
      step,
      curvature: Float32Array.from(curvature),
      groups: problem.groups,
    });
    previous = loss;
  }
  losses.push(problem.evaluate(theta, gradient, noise));
  return losses;
}

/** The first step where two trajectories disagree beyond the tolerance, or -1. */
export function firstDisagreement(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    const small = Math.abs(x) < 1e-3 && Math.abs(y) < 1e-3;
    const ok = small ? Math.abs(x - y) <= 1e-7 : Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y));
    if (!ok) return i;
  }
  return -1;
}

/** Runs the genome and the reference and expects agreement at every step; returns the graph's run. */
export function expectAgreement(engine: Engine, genome: Genome, rule: ReferenceRule, problem: Problem, steps = 200, seed = 0): OptimizeResult {
  const graph = optimize(engine, genome, problem, { steps, seed });
  expect(graph.status, `${genome.name} on ${problem.name}`).toBe('ok');
  const reference = referenceTrajectory(rule, problem, steps, seed);
  const at = firstDisagreement(graph.trainLoss, reference);
  const where = at < 0 ? '' : `step ${at}: graph ${graph.trainLoss[at]} vs reference ${reference[at]}`;
  expect(where, `${genome.name} on ${problem.name}`).toBe('');
  return graph;
}

/** Float32 helpers for references. */
export const f = Math.fround;

/** The lane ranges of the tensors: [start, end) per group. */
export function tensorRanges(groups: readonly LaneGroup[]): [number, number][] {
  let at = 0;
  return groups.map((g) => {
    const r: [number, number] = [at, at + g.rows * g.cols];
    at = r[1];
    return r;
  });
}
