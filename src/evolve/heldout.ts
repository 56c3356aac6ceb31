// The held-out table (docs/evolution.md, The truth at the end): on every held-out task, the final
// front's best learner against the best seed at no more state bytes, every genome at its best step
// size on that task's training data (src/tasks/scale.ts, tunedPerTask), and which front members
// are structurally new: not a seed with other constants (src/genome/structure.ts, isStructurallyNew).

import { isStructurallyNew } from '../genome/structure.ts';
import type { Genome } from '../genome/types.ts';
import type { Role, RoleKit } from './role.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { tunedPerTask } from '../tasks/scale.ts';
import type { SeedBaseline } from './state.ts';

export interface HeldOutMember {
  id: number;
  origin: string;
  genome: Genome;
  heldOut: GenomeEvaluation | null;
}

export interface MemberSummary {
  id: number;
  origin: string;
  stateBytes: number;
  /** Not a seed with other constants; `like`: the seed whose structure it has, when it is not new. */
  structurallyNew: boolean;
  like?: string;
  /** Per held-out task, its normalised validation loss at its best scale there (absent: invalid at every scale). */
  tasks: Record<string, number>;
  /** The held-out tasks on which it beats every seed of no more state bytes. */
  wins: string[];
  /** The held-out tasks on which it beats every seed, whatever their state bytes. */
  winsOverall: string[];
}

export interface TaskRow {
  task: string;
  /** The front member with the lowest loss on the task, and that loss. */
  best: { id: number; loss: number; stateBytes: number; structurallyNew: boolean } | null;
  /** The best seed with no more state bytes than that member. */
  seed: { name: string; loss: number; stateBytes: number } | null;
  /** The best seed of any size. */
  bestSeed: { name: string; loss: number; stateBytes: number } | null;
}

export interface HeldOutTable {
  tasks: TaskRow[];
  members: MemberSummary[];
}

/** The best seed on `task` with at most `bytes` state bytes (Infinity: any). */
function bestSeed(baseline: readonly SeedBaseline[], task: string, bytes: number): TaskRow['seed'] {
  let best: TaskRow['seed'] = null;
  for (const s of baseline) {
    const loss = s.tasks[task];
    if (loss === undefined || s.stateBytes > bytes) continue;
    if (best === null || loss < best.loss) best = { name: s.name, loss, stateBytes: s.stateBytes };
  }
  return best;
}

/** The table for the members' held-out evaluations (with every scale's results) and the seeds' baseline. */
export function heldOutTable(
  tasks: readonly string[], members: readonly HeldOutMember[], baseline: readonly SeedBaseline[], kit: Pick<RoleKit, 'seeds' | 'memory'>,
): HeldOutTable {
  const seeds = kit.seeds.map((s) => s.build());
  const summaries = members.map((m): MemberSummary => {
    const novelty = isStructurallyNew(m.genome, seeds);
    const stateBytes = kit.memory(m.genome);
    const tuned = tunedPerTask(m.heldOut?.byScale ?? []);
    const losses = Object.fromEntries(Object.entries(tuned).map(([t, x]) => [t, x.loss]));
    const wins = tasks.filter((t) => {
      const mine = losses[t];
      const seed = bestSeed(baseline, t, stateBytes);
      return mine !== undefined && (seed === null || mine < seed.loss);
    });
    const winsOverall = tasks.filter((t) => {
      const mine = losses[t];
      const seed = bestSeed(baseline, t, Number.POSITIVE_INFINITY);
      return mine !== undefined && (seed === null || mine < seed.loss);
    });
    return {
      id: m.id, origin: m.origin, stateBytes, structurallyNew: novelty.novel, ...(novelty.nearest === undefined ? {} : { like: novelty.nearest }),
      tasks: losses, wins, winsOverall,
    };
  });
  const rows = tasks.map((task): TaskRow => {
    let best: TaskRow['best'] = null;
    for (const m of summaries) {
      const loss = m.tasks[task];
      if (loss !== undefined && (best === null || loss < best.loss)) best = { id: m.id, loss, stateBytes: m.stateBytes, structurallyNew: m.structurallyNew };
    }
    return { task, best, seed: best === null ? null : bestSeed(baseline, task, best.stateBytes), bestSeed: bestSeed(baseline, task, Number.POSITIVE_INFINITY) };
  });
  return { tasks: rows, members: summaries };
}

/** The table as text lines for the command line. */
export function formatHeldOutTable(table: HeldOutTable, role: Role = 'optimizer'): string[] {
  const num = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(4));
  const lines = [role === 'learner'
    ? 'held-out tasks (shortfall: 0 at the oracle\'s score, 1 at chance; bytes: state and graph):'
    : 'held-out tasks (normalised validation loss, each genome at its best step size on the task\'s training data):'];
  lines.push(`  ${'task'.padEnd(16)} ${'best front member'.padEnd(30)} ${`best seed at <= its ${role === 'learner' ? 'bytes' : 'state'}`.padEnd(32)} best seed`);
  for (const r of table.tasks) {
    const member = r.best === null ? 'none valid' : `#${r.best.id} ${num(r.best.loss)} (${r.best.stateBytes} B${r.best.structurallyNew ? ', new' : ''})`;
    const seed = r.seed === null ? 'none' : `${r.seed.name} ${num(r.seed.loss)} (${r.seed.stateBytes} B)`;
    const any = r.bestSeed === null ? 'none' : `${r.bestSeed.name} ${num(r.bestSeed.loss)} (${r.bestSeed.stateBytes} B)`;
    const mark = r.best !== null && r.seed !== null && r.best.loss < r.seed.loss ? ' <' : '';
    lines.push(`  ${r.task.padEnd(16)} ${(member + mark).padEnd(30)} ${seed.padEnd(32)} ${any}`);
  }
  const novel = table.members.filter((m) => m.structurallyNew);
  lines.push(`structurally new front members (no seed has their graph up to constants): ${novel.length} of ${table.members.length}` +
    (novel.length === 0 ? '' : `: ${novel.map((m) => `#${m.id} (from ${m.origin}, ${m.stateBytes} B, beats the best seed at <= its state on ${m.wins.length}/${table.tasks.length}, the best of all on ${m.winsOverall.length})`).join(', ')}`));
  return lines;
}
