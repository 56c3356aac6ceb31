// The records a run writes as JSON, and their checks on the way back in: a metrics line
// (metrics.jsonl, one per generation) and a front file (fronts/gen-NNNN.json). A file that does not
// fit is named with its line or field and the rule, so a damaged run is refused before it runs on.

import { z } from 'zod';
import { parseGenome } from '../genome/parse.ts';
import type { Genome } from '../genome/types.ts';
import { InputError } from '../util/errors.ts';
import type { GenerationReport } from './state.ts';

/** A line of metrics.jsonl: a report with its front as ids. */
export type MetricsLine = Omit<GenerationReport, 'front'> & { front: number[] };

export interface FrontFile {
  generation: number;
  front: (GenerationReport['front'][number] & { genome: Genome })[];
}

const int = z.number().int().nonnegative();
// JSON has no NaN: a statistic of no valid genomes is written as null.
const stat = z.number().nullable();
const summary = z.object({
  hypervolume: z.number(), valid: int, frontSize: int, evaluations: int, seeds: z.number().optional(),
});

const METRICS_LINE = z.object({
  generation: int,
  tasks: z.array(z.string()),
  steps: int,
  evaluations: int,
  evaluationsPerSecond: z.number(),
  hypervolume: z.number(),
  report: summary.nullable(),
  frontSize: int,
  front: z.array(int),
  invalid: z.record(z.string(), int),
  best: z.record(z.string(), stat),
  mean: z.record(z.string(), stat),
  species: z.array(z.object({ id: int, size: int, origin: z.string().nullable(), bestFitness: stat, offspring: int })),
  unlocked: z.array(z.string()),
  rejectedChildren: int,
  lineages: int,
  cache: z.object({ lookups: int, hits: int }),
  updates: z.object({ trained: int, saved: int }),
  surrogate: z.object({
    observed: int, steps: int, loss: stat,
    children: z.object({ guided: int, crossSpecies: int, filtered: int }), invalid: int, ms: z.number(),
  }).optional(),
});

/** A genome inside a record, checked by the genome parser. */
export const genome = z.unknown().transform((value, ctx): Genome => {
  try {
    return parseGenome(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `must be a valid genome: ${error instanceof Error ? error.message : String(error)}` });
    return z.NEVER;
  }
});

const FRONT_FILE = z.object({
  generation: int,
  front: z.array(z.object({ id: int, origin: z.string(), made: z.string(), born: z.string().optional(), scale: z.number().int(), objectives: z.array(z.number()), genome })),
});

/** "a.b[2].c" for a zod issue path. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`), '');
}

/** The first issue of a failed zod parse as an InputError of `file` (fields under `prefix`). */
export function schemaError(file: string, prefix: string, error: z.ZodError): InputError {
  const issue = error.issues[0];
  const at = issuePath([...(prefix === '' ? [] : [prefix]), ...(issue?.path ?? [])]);
  return new InputError(`${file}: ${at === '' ? 'the file' : at}`, issue?.message ?? 'is not valid');
}

function json(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(name, `must be valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A record file's text: JSON with one-space indents and a final newline. */
export function jsonFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}

/** The name of generation `generation`'s front file in a run's fronts/ folder. */
export function frontFileName(generation: number): string {
  return `gen-${String(generation).padStart(4, '0')}.json`;
}

/** A generation's front file (fronts/gen-NNNN.json): its front members, each with its genome. */
export function frontFileText(report: GenerationReport, genomes: ReadonlyMap<number, Genome>): string {
  return jsonFileText({ generation: report.generation, front: report.front.map((m) => ({ ...m, genome: genomes.get(m.id) })) });
}

/** A generation's line of metrics.jsonl (without its newline): the report with the front as its ids. */
export function metricsLine(report: GenerationReport): string {
  return JSON.stringify({ ...report, front: report.front.map((m) => m.id) });
}

/** Line `index` (0-based) of metrics.jsonl, named `name` in errors; it must be generation `index`. */
export function parseMetricsLine(text: string, index: number, name: string): MetricsLine {
  const parsed = METRICS_LINE.safeParse(json(text, name));
  if (!parsed.success) throw schemaError(name, '', parsed.error);
  if (parsed.data.generation !== index) throw new InputError(`${name}: generation`, `must be ${index} (lines are generations in order)`, parsed.data.generation);
  return parsed.data as MetricsLine;
}

/** A front file's text, named `name` in errors; it must be generation `generation`'s. */
export function parseFrontFile(text: string, generation: number, name: string): FrontFile {
  const parsed = FRONT_FILE.safeParse(json(text, name));
  if (!parsed.success) throw schemaError(name, '', parsed.error);
  if (parsed.data.generation !== generation) throw new InputError(`${name}: generation`, `must be ${generation}`, parsed.data.generation);
  return parsed.data as FrontFile;
}
