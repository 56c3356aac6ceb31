// The runs of the folder `l2l serve` shows, and a watcher that notices when one changes. A run is a
// run directory (rundata.ts, isRunDir) directly in the folder, or the folder itself when it is one.
// The watcher polls rather than using fs.watch: a poll of a few stat calls per run is cheap, and it
// behaves the same on every filesystem (fs.watch misses changes on network and some container
// filesystems). A run's version is its metrics.jsonl's size and time plus its status, so it changes
// exactly when a generation lands or the run starts, finishes or stops.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FILES } from '../evolve/rundir.ts';
import type { RunListing } from './page-data.ts';
import { isRunDir, readConfig, runStatus } from './rundata.ts';

/** A run of the served folder: its listing and where it is. */
export interface ServedRun extends RunListing {
  dir: string;
}

/** What a listing keeps between polls: reading config.json and counting lines only when metrics.jsonl changed. */
type Known = Map<string, { version: string; run: ServedRun }>;

/** The run directories of `folder`: the folder itself if it is one, else its sub-folders that are, by name. */
export function runDirs(folder: string): string[] {
  if (isRunDir(folder)) return [resolve(folder)];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  // Dot-folders are skipped: a fresh run is built under a hidden name and renamed into place.
  return names.filter((n) => !n.startsWith('.')).sort().map((n) => join(resolve(folder), n)).filter(isRunDir);
}

function listingOf(dir: string, known: Known): ServedRun | null {
  try {
    const metrics = statSync(join(dir, FILES.metrics));
    const status = runStatus(dir);
    const version = `${metrics.size}-${Math.round(metrics.mtimeMs)}-${status}`;
    const before = known.get(dir);
    if (before !== undefined && before.version === version) return before.run;
    const config = readConfig(dir);
    // Complete lines only: the last one may still be being written.
    const done = metrics.size === 0 ? 0 : readFileSync(join(dir, FILES.metrics), 'utf8').split('\n').length - 1;
    const run: ServedRun = { name: basename(dir), dir, role: config.role, done, generations: config.generations, status, version, modified: metrics.mtimeMs };
    known.set(dir, { version, run });
    return run;
  } catch {
    // A run directory being created, or a damaged one: listed once it can be read.
    return null;
  }
}

/** The runs of `folder` as the dashboard lists them. */
export function listRuns(folder: string, known: Known = new Map()): ServedRun[] {
  return runDirs(folder).map((d) => listingOf(d, known)).filter((r): r is ServedRun => r !== null);
}

/** Polls `folder` every `intervalMs` and calls `onChange` with the runs whenever any run or the set of runs changed. */
export class RunWatcher {
  private readonly known: Known = new Map();
  private runs: ServedRun[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly folder: string, intervalMs: number, private readonly onChange: (runs: ServedRun[]) => void) {
    this.runs = listRuns(folder, this.known);
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  current(): ServedRun[] {
    return this.runs;
  }

  private poll(): void {
    const next = listRuns(this.folder, this.known);
    const key = (runs: ServedRun[]): string => runs.map((r) => `${r.name}:${r.version}`).join('|');
    if (key(next) === key(this.runs)) return;
    this.runs = next;
    this.onChange(next);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
