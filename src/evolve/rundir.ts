// The run directory of `l2l evolve`, owned by one run (docs/evolution.md, The run directory):
//
//   run.lock                  the writer's pid, host and start (lock.ts); gone when the run ends
//   config.json               the configuration, equal to the checkpoint's
//   checkpoint.msgpack        the run state after the last finished generation (checkpoint.ts)
//   checkpoint.prev.msgpack   the one before it: the fallback if the latest is damaged
//   metrics.jsonl             one line per finished generation (GenerationReport, front as ids)
//   fronts/gen-NNNN.json      each generation's first front with its genomes
//   final-front.json          the last generation's front with its held-out evaluation
//
// A fresh run builds its directory whole under a temporary name beside it (lock, config,
// generation 0's checkpoint) and renames it into place, so the run is resumable from the moment its
// directory exists and no other process can enter it first. Every file is replaced atomically
// (util/files.ts); metrics lines are appended and fsynced. A generation writes its front, its
// metrics line and then its checkpoint; resuming reads the checkpoint (or the previous one) and
// cuts metrics.jsonl back to the generations it holds, so a run killed at any moment continues
// exactly where its checkpoint left it. Everything read is checked before a generation is
// computed, and a bad file is named with the rule it breaks.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, linkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Genome } from '../genome/types.ts';
import { InputError } from '../util/errors.ts';
import {
  appendDurable, checkStoragePath, fileError, readInputFile, readInputText, syncFolder, TEMP_SUFFIX, writeFileAtomic,
} from '../util/files.ts';
import { checkpointOf, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { checkWorkers, configDifferences, parseConfig, RESUMABLE_KEYS, type EvolveConfig } from './config.ts';
import { acquireLock, holderAlive, lockIn, writeLock, type RunLock } from './lock.ts';
import { frontFileName, frontFileText, jsonFileText, metricsLine, parseFrontFile, parseMetricsLine, type FrontFile, type MetricsLine } from './records.ts';
import type { GenerationReport, RunState } from './state.ts';

export type { Checkpoint } from './checkpoint.ts';
export { checkpointOf } from './checkpoint.ts';
export type { FrontFile, MetricsLine } from './records.ts';

export const FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint.msgpack',
  previous: 'checkpoint.prev.msgpack',
  metrics: 'metrics.jsonl',
  fronts: 'fronts',
  final: 'final-front.json',
} as const;

/** A run directory this process writes (it holds the lock). */
export interface RunDir {
  dir: string;
  lock: RunLock;
}


/** What is in `dir`, for an error message: up to five names, then how many more. */
function listing(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/** The prefix of the temporary folder a fresh run is built in, beside its final place. */
const buildPrefix = (dir: string): string => `.${basename(resolve(dir))}.l2l-new-`;

/**
 * Creates the run directory `dir` (named `field` in errors) for a fresh run: refused if it exists
 * and is not an empty folder, or is under a pseudo-filesystem. Returns it locked, with config.json,
 * generation 0's checkpoint and an empty metrics.jsonl in place.
 */
export function createRunDir(dir: string, field: string, config: EvolveConfig, state: RunState): RunDir {
  checkStoragePath(dir, field);
  refuseExisting(dir, field);
  const parent = dirname(resolve(dir));
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw fileError(error, field, parent);
  }
  removeDeadBuilds(dir);
  const build = join(parent, `${buildPrefix(dir)}${process.pid}`);
  try {
    rmSync(build, { recursive: true, force: true });
    mkdirSync(join(build, FILES.fronts), { recursive: true });
    writeLock(build);
    writeFileAtomic(join(build, FILES.config), `${JSON.stringify(config, null, 2)}\n`, FILES.config);
    writeFileAtomic(join(build, FILES.checkpoint), encodeCheckpoint(checkpointOf(config, state)), FILES.checkpoint);
    writeFileAtomic(join(build, FILES.metrics), '', FILES.metrics);
    // rename(2) replaces an empty folder and fails on one that is not empty: if another process
    // made `dir` since the check above, this run refuses it rather than mixing in.
    renameSync(build, dir);
    syncFolder(parent);
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    if ((error as { code?: string }).code === 'ENOTEMPTY' || (error as { code?: string }).code === 'EEXIST') refuseExisting(dir, field);
    throw fileError(error, field, dir);
  }
  // The lock was written in the build folder; it now lives in `dir`.
  return { dir, lock: lockIn(dir) };
}

/** Refuses `dir` for a fresh run if it exists and is not an empty folder. */
function refuseExisting(dir: string, field: string): void {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(field, `must name a new or empty folder: ${JSON.stringify(dir)} exists and is not a folder`);
    names = readdirSync(dir);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw fileError(error, field, dir);
  }
  if (names.length === 0) return;
  const hint = names.includes(FILES.checkpoint) ? `; to continue that run: l2l evolve --resume ${dir}` : '';
  throw new InputError(field, `must name a new or empty folder: ${JSON.stringify(dir)} holds ${listing(names.sort())}${hint}`);
}

/** Build folders of this target left by killed processes. */
function removeDeadBuilds(dir: string): void {
  const parent = dirname(resolve(dir));
  const prefix = buildPrefix(dir);
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && !holderAlive({ pid, host: hostname(), since: '', started: '' })) {
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

/** Removes the temporary files of writes that a killed run left behind. */
function removeLeftovers(dir: string): void {
  for (const folder of [dir, join(dir, FILES.fronts)]) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) if (name.endsWith(TEMP_SUFFIX)) rmSync(join(folder, name), { force: true });
  }
}

/** The checkpoint of `dir`: the latest, or the previous one when the latest is missing or damaged. */
function loadCheckpoint(dir: string, field: string): { checkpoint: Checkpoint; fallback?: string } {
  const latest = join(dir, FILES.checkpoint);
  const previous = join(dir, FILES.previous);
  try {
    if (!existsSync(latest) && !existsSync(previous)) {
      throw new InputError(field, `must name a run directory with a ${FILES.checkpoint} (none in ${dir})`);
    }
    return { checkpoint: decodeCheckpoint(readInputFile(latest, FILES.checkpoint, Number.MAX_SAFE_INTEGER), FILES.checkpoint) };
  } catch (error) {
    if (!existsSync(previous)) throw error;
    try {
      const checkpoint = decodeCheckpoint(readInputFile(previous, FILES.previous, Number.MAX_SAFE_INTEGER), FILES.previous);
      return { checkpoint, fallback: error instanceof Error ? error.message : String(error) };
    } catch {
      throw error;
    }
  }
}

/** The checkpoint of a run directory, checked (the previous one if the latest is damaged). */
export function readCheckpoint(dir: string, field = 'run directory'): Checkpoint {
  return loadCheckpoint(dir, field).checkpoint;
}

/** The metrics lines of the generations the checkpoint holds, each checked; `count` lines are required. */
function checkedMetrics(dir: string, count: number): { lines: MetricsLine[]; extra: boolean } {
  const file = join(dir, FILES.metrics);
  if (!existsSync(file)) throw new InputError(FILES.metrics, `must exist in the run directory (the checkpoint holds ${count} generations; ${dir} has no ${FILES.metrics})`);
  const text = readInputText(file, FILES.metrics, Number.MAX_SAFE_INTEGER);
  const raw = text.split('\n');
  // The last piece is '' after a final newline, else a line cut off by a kill: never a line.
  const complete = raw.slice(0, -1);
  if (complete.length < count) {
    throw new InputError(FILES.metrics, `must hold a line for each of the ${count} generations the checkpoint holds (it has ${complete.length})`);
  }
  const lines = complete.slice(0, count).map((line, i) => parseMetricsLine(line, i, `${FILES.metrics} line ${i + 1}`));
  return { lines, extra: raw.length - 1 > count || raw.at(-1) !== '' };
}

/** The checked metrics lines of the generations the run's checkpoint holds (a line being written is left out). */
export function readMetrics(dir: string, field = 'run directory'): MetricsLine[] {
  return checkedMetrics(dir, loadCheckpoint(dir, field).checkpoint.state.generation).lines;
}

export function readFront(dir: string, generation: number): FrontFile {
  const name = `${FILES.fronts}/${frontFileName(generation)}`;
  const text = readInputText(join(dir, FILES.fronts, frontFileName(generation)), name, Number.MAX_SAFE_INTEGER);
  return parseFrontFile(text, generation, name);
}

/** Settings a resumed run may change, from the command line. */
export type ResumeChanges = Partial<Pick<EvolveConfig, (typeof RESUMABLE_KEYS)[number]>> & { forceWorkers?: boolean };

/**
 * Opens the run directory `dir` (named `field` in errors) to resume it: takes its lock, removes
 * leftovers of failed writes, and checks everything before any generation runs: config.json equal
 * to the checkpoint's configuration (every difference named), the checkpoint (or, if it is
 * damaged, the previous one), a metrics line per finished generation, the finished generations'
 * fronts. Then cuts metrics.jsonl and fronts/ back to the checkpoint and applies `changes`.
 */
export function openRunDir(dir: string, field: string, changes: ResumeChanges): { run: RunDir; config: EvolveConfig; state: RunState; notes: string[] } {
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(field, `must name a run directory (${JSON.stringify(dir)} is not a folder)`);
  } catch (error) {
    throw fileError(error, field, dir);
  }
  const lock = acquireLock(dir, field);
  const run: RunDir = { dir, lock };
  try {
    removeLeftovers(dir);
    const notes: string[] = [];
    const { checkpoint, fallback } = loadCheckpoint(dir, field);
    if (fallback !== undefined) notes.push(`${fallback}; resuming from ${FILES.previous} (generation ${checkpoint.state.generation})`);
    const stored = readConfigFile(dir);
    const differences = configDifferences(stored, checkpoint.config);
    if (differences.length > 0) {
      const named = differences.map((d) => `${d.field} (config.json ${JSON.stringify(d.a)}, checkpoint ${JSON.stringify(d.b)})`).join('; ');
      throw new InputError(FILES.config, `must equal the run's checkpoint; it differs in ${named}. A resumed run keeps its configuration: restore config.json; ${RESUMABLE_KEYS.join(', ')} may change with flags`);
    }
    const done = checkpoint.state.generation;
    const metrics = checkedMetrics(dir, done);
    for (let g = 0; g < done; g++) {
      if (!existsSync(join(dir, FILES.fronts, frontFileName(g)))) throw new InputError(`${FILES.fronts}/${frontFileName(g)}`, `must exist (the checkpoint holds ${done} generations)`);
    }
    if (done > 0) readFront(dir, done - 1);
    const config = applyChanges(checkpoint.config, changes, done);
    // From here on the directory is changed: everything above was only read.
    if (fallback !== undefined || config !== checkpoint.config) writeCheckpointFile(dir, { ...checkpoint, config });
    if (config !== checkpoint.config) writeFileAtomic(join(dir, FILES.config), `${JSON.stringify(config, null, 2)}\n`, FILES.config);
    if (metrics.extra) writeFileAtomic(join(dir, FILES.metrics), metrics.lines.map((l) => `${JSON.stringify(l)}\n`).join(''), FILES.metrics);
    for (const name of readdirSync(join(dir, FILES.fronts))) {
      const g = /^gen-(\d+)\.json$/.exec(name);
      if (g !== null && Number(g[1]) >= done) rmSync(join(dir, FILES.fronts, name), { force: true });
    }
    rmSync(join(dir, FILES.final), { force: true });
    return { run, config, state: checkpoint.state, notes };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function readConfigFile(dir: string): EvolveConfig {
  const text = readInputText(join(dir, FILES.config), FILES.config);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(FILES.config, `must be valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  // A run may have been made on a machine with more cores: the workers rule applies on resume.
  return parseConfig(json, FILES.config, { forceWorkers: true });
}

function applyChanges(config: EvolveConfig, changes: ResumeChanges, done: number): EvolveConfig {
  const { forceWorkers, ...values } = changes;
  checkWorkers(values.workers ?? config.workers, values.workers === undefined ? 'workers (the run\'s; change it with --workers)' : '--workers', { forceWorkers });
  const set = Object.entries(values).filter(([k, v]) => v !== undefined && v !== config[k as keyof EvolveConfig]);
  if (set.length === 0) return config;
  if (values.generations !== undefined && values.generations < done) {
    throw new InputError('--generations', `must be at least ${done}, the generations the run has finished`, values.generations);
  }
  return { ...config, ...Object.fromEntries(set) };
}

/** Replaces the checkpoint atomically, keeping the one it replaces as checkpoint.prev.msgpack. */
function writeCheckpointFile(dir: string, checkpoint: Checkpoint): void {
  const latest = join(dir, FILES.checkpoint);
  const previous = join(dir, FILES.previous);
  const bytes = encodeCheckpoint(checkpoint);
  try {
    if (existsSync(latest)) {
      // A hard link renamed over the previous one: the latest stays in place throughout.
      const link = `${previous}${TEMP_SUFFIX}`;
      rmSync(link, { force: true });
      linkSync(latest, link);
      renameSync(link, previous);
    }
  } catch (error) {
    throw fileError(error, FILES.previous, previous);
  }
  writeFileAtomic(latest, bytes, FILES.checkpoint);
}

/** A finished generation: its front with genomes, its metrics line, then the checkpoint. */
export function writeGeneration(run: RunDir, report: GenerationReport, genomes: ReadonlyMap<number, Genome>, checkpoint: Checkpoint): void {
  const name = frontFileName(report.generation);
  writeFileAtomic(join(run.dir, FILES.fronts, name), frontFileText(report, genomes), `${FILES.fronts}/${name}`);
  appendDurable(join(run.dir, FILES.metrics), `${metricsLine(report)}\n`, FILES.metrics);
  writeCheckpointFile(run.dir, checkpoint);
}

export function writeFinalFront(run: RunDir, front: unknown): void {
  writeFileAtomic(join(run.dir, FILES.final), jsonFileText(front), FILES.final);
}

export function closeRunDir(run: RunDir): void {
  run.lock.release();
}
