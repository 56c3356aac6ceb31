// A genome argument of the command line: seed:NAME, a genome file, or a member of a run, written
// RUN#ID (the run directory and the genome id that `l2l evolve`'s summary, `l2l inspect` and the
// report show). A member is taken from the newest front file that holds it, with its step-size scale
// built in (genome/step-scale.ts): evolution scored it at that scale, so the rule a user exports or
// evaluates is the rule the run judged.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, readFront } from '../evolve/rundir.ts';
import { shortNumber } from '../genome/export.ts';
import type { Genome } from '../genome/types.ts';
import { withStepScale } from '../genome/step-scale.ts';
import { resolveGenome } from '../seeds/index.ts';
import type { Hyper } from '../seeds/types.ts';
import { scaleValue } from '../tasks/scale.ts';
import { InputError } from '../util/errors.ts';

/** How help describes a genome argument. */
export const GENOME_ARGUMENT = 'seed:NAME (l2l seeds), a genome file (JSON; .msgpack: msgpack) or RUN#ID, a genome on a front of the run directory RUN';

const MEMBER = /^(.+)#(\d+)$/;
const FRONT_FILE = /^gen-(\d{4,})\.json$/;

export interface ResolvedGenome {
  genome: Genome;
  /** For a run member: where it came from and at which scale, for a note to the user. */
  member?: { run: string; id: number; generation: number; scale: number };
}

/** The genome `arg` names (field `genome` in errors); `hyper` applies to seeds only. */
export function resolveGenomeArg(arg: string, hyper?: Hyper): ResolvedGenome {
  const match = MEMBER.exec(arg);
  if (match === null || !isFolder(match[1] as string)) return { genome: resolveGenome(arg, hyper) };
  if (hyper !== undefined && Object.keys(hyper).length > 0) throw new InputError('hyperparameters', 'apply only to seed:NAME genomes, not to a run member', arg);
  return runMember(match[1] as string, Number(match[2]));
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function runMember(run: string, id: number): ResolvedGenome {
  const folder = join(run, FILES.fronts);
  if (!isFolder(folder)) throw new InputError('genome', `RUN#ID needs a run directory of l2l evolve with a ${FILES.fronts}/ folder`, run);
  const generations = readdirSync(folder)
    .map((name) => FRONT_FILE.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  for (const generation of generations) {
    const entry = readFront(run, generation).front.find((m) => m.id === id);
    if (entry !== undefined) {
      const scale = scaleValue(entry.scale);
      return { genome: withStepScale(entry.genome, scale), member: { run, id, generation, scale } };
    }
  }
  throw new InputError('genome', `must be the id of a genome on one of the run's fronts (${FILES.fronts}/gen-*.json; l2l inspect lists them)`, `${run}#${id}`);
}

/** One line telling the user which member was taken and at which scale. */
export function memberNote(resolved: ResolvedGenome): string | null {
  const m = resolved.member;
  if (m === undefined) return null;
  const scale = m.scale === 1 ? 'its own step size (scale 1)' : `step-size scale ${shortNumber(m.scale)} built in`;
  return `l2l: genome #${m.id} from ${m.run}, front of generation ${m.generation}, with ${scale}\n`;
}
