// The run directory of `l2l evolve` and what resumes from it:
//
//   config.json            the resolved configuration
//   metrics.jsonl          one line per generation (GenerationReport without the front's genomes)
//   fronts/gen-NNNN.json   each generation's first front: ids, origins, objectives and genomes
//   final-front.json       the last generation's front, with its held-out evaluation
//   checkpoint.msgpack     the run state after the last finished generation (msgpackr), written
//                          to a temporary file and renamed, so it is always whole
//
// A generation writes its front and metrics line first and the checkpoint last; resuming truncates
// metrics.jsonl to the generations the checkpoint holds, so a run killed at any point continues
// exactly where its last checkpoint left it.

import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack, unpack } from 'msgpackr';
import type { Genome } from '../genome/types.ts';
import { InputError } from '../util/errors.ts';
import type { EvolveConfig } from './config.ts';
import type { GenerationReport, RunState } from './run.ts';

const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  version: number;
  config: EvolveConfig;
  state: RunState;
}

export function createRunDir(dir: string, config: EvolveConfig): void {
  mkdirSync(join(dir, 'fronts'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(dir, 'metrics.jsonl'), '');
}

/** The front of a generation with its genomes, then its metrics line, then the checkpoint. */
export function writeGeneration(dir: string, report: GenerationReport, genomes: ReadonlyMap<number, Genome>, checkpoint: Checkpoint): void {
  const name = `gen-${String(report.generation).padStart(4, '0')}.json`;
  const front = report.front.map((m) => ({ ...m, genome: genomes.get(m.id) }));
  writeFileSync(join(dir, 'fronts', name), `${JSON.stringify({ generation: report.generation, front }, null, 1)}\n`);
  appendFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ ...report, front: report.front.map((m) => m.id) })}\n`);
  writeCheckpoint(dir, checkpoint);
}

export function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  const file = join(dir, 'checkpoint.msgpack');
  writeFileSync(`${file}.tmp`, pack(checkpoint));
  renameSync(`${file}.tmp`, file);
}

/** The checkpoint in `dir`; `field` names the argument in the error when there is none. */
export function readCheckpoint(dir: string, field = 'run directory'): Checkpoint {
  const file = join(dir, 'checkpoint.msgpack');
  if (!existsSync(file)) throw new InputError(field, `must name a run directory with a checkpoint.msgpack (none in ${dir})`);
  const c = unpack(readFileSync(file)) as Checkpoint;
  if (c?.version !== CHECKPOINT_VERSION) throw new InputError('checkpoint.version', `must be ${CHECKPOINT_VERSION}`, c?.version);
  return c;
}

export function checkpointOf(config: EvolveConfig, state: RunState): Checkpoint {
  return { version: CHECKPOINT_VERSION, config, state };
}

/** Keeps the first `generations` lines of metrics.jsonl (those the checkpoint covers). */
export function truncateMetrics(dir: string, generations: number): void {
  const file = join(dir, 'metrics.jsonl');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
  writeFileSync(file, lines.slice(0, generations).map((l) => `${l}\n`).join(''));
}

/** A line of metrics.jsonl: a report with its front as ids. */
export type MetricsLine = Omit<GenerationReport, 'front'> & { front: number[] };

export interface FrontFile {
  generation: number;
  front: (GenerationReport['front'][number] & { genome: Genome })[];
}

export function readFront(dir: string, generation: number): FrontFile {
  return JSON.parse(readFileSync(join(dir, 'fronts', `gen-${String(generation).padStart(4, '0')}.json`), 'utf8')) as FrontFile;
}

export function readMetrics(dir: string): MetricsLine[] {
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) throw new InputError('run directory', `must hold metrics.jsonl (none in ${dir})`);
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as MetricsLine);
}

export function writeFinalFront(dir: string, front: unknown): void {
  writeFileSync(join(dir, 'final-front.json'), `${JSON.stringify(front, null, 1)}\n`);
}
