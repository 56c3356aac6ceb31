// Reads a run directory of `l2l evolve` (src/evolve/rundir.ts has the layout) into the data of its
// report page (page-data.ts). Unlike a resume, which trusts only what the checkpoint holds, a report
// shows every complete line of metrics.jsonl: a run being written appends a generation's front, then
// its metrics line, then its checkpoint, so a complete line always has its front file, and the page
// can follow a live run line by line. Every file is checked on the way in (the metrics lines by
// records.ts, config.json by the config schema), and a bad one is named with the rule it breaks.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseConfig, type EvolveConfig } from '../evolve/config.ts';
import { holderAlive, LOCK_FILE, type LockInfo } from '../evolve/lock.ts';
import { genome, parseMetricsLine, schemaError, type MetricsLine } from '../evolve/records.ts';
import { FILES, readFront } from '../evolve/rundir.ts';
import { MADE } from '../evolve/state.ts';
import { exportGenome } from '../genome/export.ts';
import { formula } from '../genome/formula.ts';
import type { Genome } from '../genome/types.ts';
import { OBJECTIVES } from '../tasks/registry.ts';
import { InputError } from '../util/errors.ts';
import { fileError, readInputText } from '../util/files.ts';
import type { DrawnGenome, FrontPoint, RunPage, RunStatus } from './page-data.ts';

/** What a folder must hold to be read as a run directory. */
export const RUN_DIR_RULE = `must be a run directory of l2l evolve (a folder with ${FILES.config} and ${FILES.metrics})`;

// Run files grow with the run (a final front with every scale's held-out results); the 64 MiB input
// limit of util/files.ts is for inputs people hand in, not for files a run wrote.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Whether `dir` looks like a run directory (config.json and metrics.jsonl are files). */
export function isRunDir(dir: string): boolean {
  try {
    return statSync(join(dir, FILES.config)).isFile() && statSync(join(dir, FILES.metrics)).isFile();
  } catch {
    return false;
  }
}

/** Refuses `dir` (named `field` in errors) unless it is a run directory. */
export function checkRunDir(dir: string, field: string): void {
  let folder: boolean;
  try {
    folder = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(field, `${RUN_DIR_RULE}: ${JSON.stringify(dir)} does not exist`);
    throw fileError(error, field, dir);
  }
  if (!folder) throw new InputError(field, `${RUN_DIR_RULE}: ${JSON.stringify(dir)} is not a folder`);
  const missing = [FILES.config, FILES.metrics].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new InputError(field, `${RUN_DIR_RULE}: ${JSON.stringify(dir)} has no ${missing.join(' and no ')}`);
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(name, `must be valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function readConfig(dir: string): EvolveConfig {
  // The run was perhaps made on a machine with more cores: its workers setting is not checked here.
  return parseConfig(parseJson(readInputText(join(dir, FILES.config), FILES.config), FILES.config), FILES.config, { forceWorkers: true });
}

/** Every complete line of metrics.jsonl, checked; a line still being written (no newline yet) is left out. */
export function readMetricLines(dir: string): MetricsLine[] {
  const text = readInputText(join(dir, FILES.metrics), FILES.metrics, NO_LIMIT);
  return text.split('\n').slice(0, -1).map((line, i) => parseMetricsLine(line, i, `${FILES.metrics} line ${i + 1}`));
}

const frontName = (generation: number): string => `${FILES.fronts}/gen-${String(generation).padStart(4, '0')}.json`;

const int = z.number().int().nonnegative();
const POINT = z.object({ id: int, origin: z.string(), made: z.string(), scale: z.number().int(), objectives: z.array(z.number()) });
// The points of a front file without their genomes: the scatter plots need no graphs, and checking
// every genome of every generation would make a long run's page slow to build.
const FRONT_POINTS = z.object({ generation: int, front: z.array(POINT) });

/** A cache of front files' points by path, size and modification time: a live page rereads only new files. */
export type FrontCache = Map<string, { size: number; mtimeMs: number; points: FrontPoint[] }>;

function readFrontPoints(dir: string, generation: number, cache?: FrontCache): FrontPoint[] {
  const name = frontName(generation);
  const path = join(dir, name);
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new InputError(name, `must exist: ${FILES.metrics} has a line for generation ${generation}`);
    throw fileError(error, name, path);
  }
  const known = cache?.get(path);
  if (known !== undefined && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.points;
  const parsed = FRONT_POINTS.safeParse(parseJson(readInputText(path, name, NO_LIMIT), name));
  if (!parsed.success) throw schemaError(name, '', parsed.error);
  if (parsed.data.generation !== generation) throw new InputError(`${name}: generation`, `must be ${generation}`, parsed.data.generation);
  const points = parsed.data.front.map(({ id, origin, made, scale, objectives }) => ({ id, origin, made, scale, objectives }));
  cache?.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, points });
  return points;
}

const loss = z.number();
const seedCell = z.object({ name: z.string(), loss, stateBytes: z.number() }).nullable();
// Only what the page shows of final-front.json: the members' held-out evaluations (every scale's
// results) stay out; the table already holds their tuned losses.
const FINAL_FRONT = z.object({
  generation: int,
  members: z.array(z.object({
    id: int, origin: z.string(), made: z.string(), born: z.string(), scale: z.number().int(), objectives: z.array(z.number()), genome,
  })),
  baseline: z.array(z.object({ name: z.string(), stateBytes: z.number(), scale: z.number(), tasks: z.record(z.string(), loss) })).nullable(),
  table: z.object({
    tasks: z.array(z.object({
      task: z.string(),
      best: z.object({ id: int, loss, stateBytes: z.number(), structurallyNew: z.boolean() }).nullable(),
      seed: seedCell,
      bestSeed: seedCell,
    })),
    members: z.array(z.object({
      id: int, origin: z.string(), stateBytes: z.number(), structurallyNew: z.boolean(), like: z.string().optional(),
      tasks: z.record(z.string(), loss), wins: z.array(z.string()), winsOverall: z.array(z.string()),
    })),
  }).nullable(),
});
type FinalFrontFile = z.output<typeof FINAL_FRONT>;

function readFinalFront(dir: string): FinalFrontFile | null {
  const path = join(dir, FILES.final);
  if (!existsSync(path)) return null;
  const parsed = FINAL_FRONT.safeParse(parseJson(readInputText(path, FILES.final, NO_LIMIT), FILES.final));
  if (!parsed.success) throw schemaError(FILES.final, '', parsed.error);
  return parsed.data;
}

/** Whether a live process holds the run's lock (a lock left by a killed run does not count). */
function lockHeld(dir: string): boolean {
  try {
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid !== 'number' || typeof info.host !== 'string') return false;
    return holderAlive({ pid: info.pid, host: info.host, since: String(info.since ?? ''), started: String(info.started ?? '') });
  } catch {
    return false;
  }
}

export function runStatus(dir: string): RunStatus {
  if (existsSync(join(dir, FILES.final))) return 'finished';
  return lockHeld(dir) ? 'running' : 'stopped';
}

/** A genome with its drawing and formula. */
export function drawGenome(
  member: { id: number; origin: string; made: string; born?: string; objectives: number[] }, g: Genome,
): DrawnGenome {
  let text: string | null = null;
  let formulaError: string | undefined;
  try {
    text = formula(g);
  } catch (error) {
    formulaError = error instanceof Error ? error.message : String(error);
  }
  return {
    id: member.id, origin: member.origin, made: member.made, born: member.born ?? member.made, objectives: member.objectives,
    nodes: g.nodes.length, edges: g.edges.length, dot: exportGenome(g, 'dot'), formula: text, ...(formulaError === undefined ? {} : { formulaError }),
  };
}

/**
 * The report page's data for the run directory `dir` (named `field` in errors). `cache` keeps front
 * files' points between calls (the live server passes one).
 */
export function readRunPage(dir: string, field = 'RUN', cache?: FrontCache): RunPage {
  checkRunDir(dir, field);
  const config = readConfig(dir);
  const metrics = readMetricLines(dir);
  const final = readFinalFront(dir);
  const fronts = metrics.map((m) => ({ generation: m.generation, points: readFrontPoints(dir, m.generation, cache) }));
  const last = metrics.at(-1);
  let genomes: RunPage['genomes'] = null;
  if (final !== null) {
    genomes = { generation: final.generation, final: true, members: final.members.map((m) => drawGenome(m, m.genome)) };
  } else if (last !== undefined) {
    const front = readFront(dir, last.generation);
    genomes = { generation: last.generation, final: false, members: front.front.map((m) => drawGenome(m, m.genome)) };
  }
  return {
    name: basename(resolve(dir)),
    role: config.role,
    seed: config.seed,
    population: config.population,
    generations: config.generations,
    done: metrics.length,
    status: final !== null ? 'finished' : lockHeld(dir) ? 'running' : 'stopped',
    objectives: [...OBJECTIVES],
    made: [...MADE],
    surrogate: config.surrogate.enabled,
    metrics,
    fronts,
    genomes,
    heldOut: final === null || final.table === null || final.baseline === null ? null : { table: final.table, baseline: final.baseline },
  };
}
