// The data of a run's report page (docs/report.md): what the Node side reads from a run directory
// (rundata.ts) and the browser side draws (client/). Types only, so the browser bundle can import
// them without pulling in Node modules; everything here is plain JSON, because the page gets it
// either embedded in the HTML (`l2l report`) or fetched from the server (`l2l serve`).

import type { HeldOutTable } from '../evolve/heldout.ts';
import type { MetricsLine } from '../evolve/records.ts';
import type { SeedBaseline } from '../evolve/state.ts';

/** Whether the run is being written (its lock's holder is alive), finished (final-front.json), or neither: interrupted or killed. */
export type RunStatus = 'running' | 'finished' | 'stopped';

/** A member of a generation's first front, without its genome. */
export interface FrontPoint {
  id: number;
  origin: string;
  made: string;
  scale: number;
  objectives: number[];
}

/** A genome to draw: its Graphviz DOT text (src/genome/export.ts) and its update rule as formulas (src/genome/formula.ts). */
export interface DrawnGenome {
  id: number;
  origin: string;
  made: string;
  born: string;
  objectives: number[];
  nodes: number;
  edges: number;
  dot: string;
  /** null when the formula could not be written (see `formulaError`). */
  formula: string | null;
  formulaError?: string;
}

export interface RunPage {
  /** The run directory's name (its last path component). */
  name: string;
  role: 'optimizer' | 'learner';
  seed: number;
  population: number;
  /** Generations the configuration asks for, and how many metrics.jsonl holds. */
  generations: number;
  done: number;
  status: RunStatus;
  /** Objective names, in the order of every objective vector. */
  objectives: string[];
  /** The ways a member is made (src/evolve/state.ts, MADE): the colours of the front plots, the same in every generation. */
  made: string[];
  surrogate: boolean;
  /** metrics.jsonl, line by line (generation order). */
  metrics: MetricsLine[];
  /** fronts/gen-NNNN.json of every generation in `metrics`, without genomes. */
  fronts: { generation: number; points: FrontPoint[] }[];
  /** The genomes drawn: the final front when the run finished, else the latest generation's front. */
  genomes: { generation: number; final: boolean; members: DrawnGenome[] } | null;
  /** final-front.json's held-out table and the seeds' baseline; null until the run finishes or without held-out tasks. */
  heldOut: { table: HeldOutTable; baseline: SeedBaseline[] } | null;
}

/** A run as the live dashboard lists it. */
export interface RunListing {
  name: string;
  role: string;
  done: number;
  generations: number;
  status: RunStatus;
  /** Changes whenever a generation lands or the run's status changes (watch.ts). */
  version: string;
  /** When metrics.jsonl last changed (ms since the epoch): the dashboard opens the latest run. */
  modified: number;
}

/** How the page starts: with one run's data embedded (a report file), or live from the server. */
export type PageBoot = { mode: 'static'; run: RunPage } | { mode: 'live' };
