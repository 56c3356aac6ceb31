// Step 2 of a generation, before the pool (docs/evolution.md, Cache): the main thread runs every
// genome's learning check once (src/tasks/learning.ts), which gives its verdict and its functional
// fingerprint, a hash of its outputs on the fixed probe. A non-learner is scored here without
// training (`non_learner` on every task). Among the rest, a genome whose fingerprint and scales
// equal an earlier genome's of the same generation reuses that genome's result (Gillard et al.
// 2023, "Unified functional hashing in automatic machine learning"): mutations that change a
// disabled edge's weight or nothing the update computes cost no evaluation. The others go to the
// evaluator with their check, so the workers do not run it again.
//
// The fingerprint covers what the update computes, not what it costs: dead code still costs engine
// work, and a dead read of the curvature slot the curvature probe. So the key also holds the
// genome's cost profile (costProfile): its state bytes, whether it reads the curvature slot, and
// its nodes and enabled edges counted by width and firing policy, on which the engine's work per
// tick depends. Two genomes with the same key get the same time and memory objectives.

import { nodeWidths, stateBytesPerParameter } from '../genome/state.ts';
import type { Genome } from '../genome/types.ts';
import { readsSlot, SLOT } from '../optimizer/role.ts';
import { combineTasks, PENALTY, type GenomeEvaluation, type TaskResult } from '../tasks/metrics.ts';
import type { LearningCheck } from '../tasks/learning.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { Candidate, Evaluator, Screener } from './state.ts';

export interface Screened {
  results: GenomeEvaluation[];
  cache: { lookups: number; hits: number };
  /** Task evaluations sent to the evaluator: genomes x tasks x scales. */
  evaluations: number;
}

/** A non-learner's evaluation: `non_learner` on every task of the plan, nothing trained. */
function nonLearner(id: number, plan: EvaluationPlan, check: Extract<LearningCheck, { verdict: 'non_learner' }>, scale: number): GenomeEvaluation {
  const tasks = plan.tasks.map((t): TaskResult => ({
    status: 'invalid', task: t.task, reason: 'non_learner', penalty: PENALTY.non_learner, wallTimeMs: 0, message: check.message,
  }));
  return { ...combineTasks(id, tasks), scale, steps: { trained: 0, saved: 0 } };
}

/**
 * Evaluates `candidates` (each with the scales to try, its own first) on `plan`: learning check on
 * this thread, duplicates by fingerprint and scales answered from the first of them, the rest by
 * `evaluate`. Results in the candidates' order, each with its own genome id.
 */
export async function evaluateScreened(candidates: readonly Candidate[], plan: EvaluationPlan, screen: Screener, evaluate: Evaluator): Promise<Screened> {
  const results: (GenomeEvaluation | undefined)[] = new Array(candidates.length);
  const first = new Map<string, number>(); // cache key -> index of the candidate evaluated
  const copyOf: number[] = new Array(candidates.length).fill(-1);
  const sent: Candidate[] = [];
  const sentAt: number[] = [];
  let hits = 0;
  candidates.forEach((c, i) => {
    const check = screen(c.genome);
    const scales = c.scales ?? [0];
    if (check.verdict === 'non_learner') {
      results[i] = nonLearner(c.id, plan, check, scales[0] ?? 0);
      return;
    }
    if (check.verdict === 'learner') {
      const key = `${check.fingerprint}/${costProfile(c.genome)}/${scales.join(',')}${c.allScales === true ? '/all' : ''}`;
      const earlier = first.get(key);
      if (earlier !== undefined) {
        copyOf[i] = earlier;
        hits++;
        return;
      }
      first.set(key, i);
    }
    sent.push({ ...c, scales, learning: check });
    sentAt.push(i);
  });
  const evaluated = sent.length === 0 ? [] : await evaluate(sent, plan);
  evaluated.forEach((r, k) => {
    results[sentAt[k] as number] = r;
  });
  copyOf.forEach((from, i) => {
    if (from < 0) return;
    const r = results[from] as GenomeEvaluation;
    results[i] = { ...r, genomeId: (candidates[i] as Candidate).id, steps: { trained: 0, saved: 0 } };
  });
  const evaluations = sent.reduce((n, c) => n + (c.scales?.length ?? 1) * plan.tasks.length, 0);
  return { results: results as GenomeEvaluation[], cache: { lookups: candidates.length, hits }, evaluations };
}

/** What a genome's time and memory objectives depend on beside its function (see the header). */
export function costProfile(genome: Genome): string {
  const widths = nodeWidths(genome);
  const counts = new Map<string, number>();
  const bump = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const n of genome.nodes) bump(`n${widths.get(n.key)}${n.policy.kind}${n.effects.length}`);
  for (const e of genome.edges) if (e.enabled) bump(`e${widths.get(e.source)}${widths.get(e.target)}${e.delay > 0 ? 'd' : ''}`);
  const parts = [...counts].map(([k, v]) => `${k}:${v}`).sort();
  return `${stateBytesPerParameter(genome)}|${readsSlot(genome, SLOT.curvature) ? 'c' : ''}|${parts.join(',')}`;
}
