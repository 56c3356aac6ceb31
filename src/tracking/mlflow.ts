// The MLflow tracker of `l2l evolve --mlflow URI` (docs/tracking.md): it listens to a run's events
// (start, each finished generation, the end) and mirrors them into an MLflow run through the REST
// client (mlflow-client.ts): the configuration as params, each generation's numbers as metrics at
// step = generation, its front, species table and invalid counts as JSON artifacts, and at the end
// the final front, config.json, metrics.jsonl and report.html if there is one.
//
// It only reads: what it sends comes from the events and from files the run has already written,
// so a run gives the same results with or without it. Calls go through one queue, in order, off
// the run's path (the run never waits for the server, only at the end and for a bounded time).
// The first failure is reported in one line and tracking stops there, without retries: the run
// goes on and its directory holds everything. Stopping rather than retrying keeps a dead server
// from costing a timeout per generation, and an MLflow run with a gap would be misleading anyway.
// When the server did answer (an HTTP error), the run is marked FAILED at the end, so it does not
// stay RUNNING in MLflow's UI.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { EvolveConfig } from '../evolve/config.ts';
import { FILES, readMetrics, type MetricsLine } from '../evolve/rundir.ts';
import type { GenerationReport } from '../evolve/state.ts';
import { ARTIFACT_RULE, artifactUrl, MlflowClient, MlflowError, type EndStatus, type KeyValue, type Metric } from './mlflow-client.ts';

export interface TrackerOptions {
  /** The tracking server (http or https). */
  uri: URL;
  /** The experiment the run goes in; created when missing. */
  experiment: string;
  /** The run directory. */
  out: string;
  /** One line for the user (the tracker's failure); the caller prints it. */
  warn: (line: string) => void;
  /** Tags added to the MLflow run (e.g. the l2l version). */
  tags?: Record<string, string>;
  /** Each request's time limit; default 10 s. */
  timeoutMs?: number;
  /** How long the end of the run waits for the queue at most; default 30 s. */
  flushMs?: number;
  /** Request headers (authentication). */
  headers?: Record<string, string>;
}

/** What the tracker did, for the run's summary. */
export interface TrackerEnd {
  /** The run's page in MLflow's UI; null when the run was not created. */
  runUrl: string | null;
  /** The failure that stopped tracking, if any. */
  failure: string | null;
}

type Report = GenerationReport | MetricsLine;

const frontName = (generation: number): string => `gen-${String(generation).padStart(4, '0')}.json`;

/**
 * A generation's numbers as metric keys: every finite number of its metrics line by dotted path
 * (hypervolume, frontSize, best.validationLoss, invalid.non_learner, report.hypervolume, cache.hits,
 * ...; arrays and the generation itself, the step, left out), and the sizes of its tables:
 * species.count, species.largest, invalid.total.
 */
export function generationMetrics(report: Report): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) out[path] = value;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
    }
  };
  for (const [k, v] of Object.entries(report)) if (k !== 'generation') walk(v, k);
  out['species.count'] = report.species.length;
  out['species.largest'] = report.species.reduce((m, s) => Math.max(m, s.size), 0);
  out['invalid.total'] = Object.values(report.invalid).reduce((a, n) => a + n, 0);
  return out;
}

/**
 * The configuration as params: one per leaf by dotted path (curriculum.steps.min), arrays of
 * objects by index (curriculum.tasks.0.task), other arrays and values as JSON.
 */
export function configParams(config: EvolveConfig): KeyValue[] {
  const out: KeyValue[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
      value.forEach((v, i) => walk(v, `${path}.${i}`));
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
    } else {
      out.push({ key: path, value: typeof value === 'string' ? value : JSON.stringify(value) });
    }
  };
  walk(config, '');
  return out;
}

export class MlflowTracker {
  private readonly client: MlflowClient;
  private readonly controller = new AbortController();
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private started = false;
  private experimentId: string | null = null;
  private runId: string | null = null;
  /** The run's artifact URI; null until the run exists or when it cannot be written. */
  private artifacts: string | null = null;

  constructor(private readonly options: TrackerOptions) {
    this.client = new MlflowClient(options.uri, {
      signal: this.controller.signal,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    });
  }

  /** The run starts at `generation` (resumed: the generations before it are sent from the run directory). */
  start(info: { config: EvolveConfig; generation: number; resumed: boolean }): void {
    if (this.started) return;
    this.started = true;
    const out = resolve(this.options.out);
    const startTime = Date.now();
    this.enqueue(async () => {
      this.experimentId = await this.client.experimentId(this.options.experiment);
      const tags = {
        'mlflow.source.name': 'l2l evolve', 'mlflow.source.type': 'LOCAL',
        'l2l.run_dir': out, 'l2l.role': info.config.role, 'l2l.seed': String(info.config.seed),
        'l2l.resumed': String(info.resumed), 'l2l.start_generation': String(info.generation),
        ...this.options.tags,
      };
      const run = await this.client.createRun({
        experimentId: this.experimentId, runName: basename(out), startTime,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      this.runId = run.runId;
      if (artifactUrl(this.options.uri, run.artifactUri, 'x') === null) {
        this.options.warn(`mlflow tracker: the run's artifact location ${JSON.stringify(run.artifactUri)} cannot be written (${ARTIFACT_RULE}); parameters and metrics are tracked, artifacts are not`);
      } else {
        this.artifacts = run.artifactUri;
      }
      await this.client.logBatch(run.runId, { params: configParams(info.config) });
    });
    if (info.resumed && info.generation > 0) {
      let lines: MetricsLine[] = [];
      try {
        lines = readMetrics(out);
      } catch (error) {
        this.fail(error);
      }
      for (const line of lines) this.generation(line);
    }
  }

  /** A generation was written to the run directory. */
  generation(report: Report): void {
    if (!this.started || this.failure !== null) return;
    const timestamp = Date.now();
    const step = report.generation;
    const metrics: Metric[] = Object.entries(generationMetrics(report)).map(([key, value]) => ({ key, value, timestamp, step }));
    const name = frontName(step);
    const species = `${JSON.stringify({ generation: step, species: report.species }, null, 1)}\n`;
    const invalid = `${JSON.stringify({ generation: step, invalid: report.invalid }, null, 1)}\n`;
    this.enqueue(async () => {
      await this.client.logBatch(this.run(), { metrics });
      await this.upload(`${FILES.fronts}/${name}`, { file: join(this.options.out, FILES.fronts, name) });
      await this.upload(`species/${name}`, { text: species });
      await this.upload(`invalid/${name}`, { text: invalid });
    });
  }

  /**
   * The run ended with `status`: the end-of-run artifacts are sent and the MLflow run is closed.
   * Waits for the queue at most `flushMs`; what is still unsent then is abandoned (and reported).
   */
  async finish(status: EndStatus): Promise<TrackerEnd> {
    if (!this.started) return { runUrl: null, failure: null };
    const out = this.options.out;
    this.enqueue(async () => {
      for (const [name, type] of [[FILES.final, 'application/json'], [FILES.config, 'application/json'], [FILES.metrics, 'application/x-ndjson'], ['report.html', 'text/html']] as const) {
        if (existsSync(join(out, name))) await this.upload(name, { file: join(out, name) }, type);
      }
      await this.client.updateRun(this.run(), status, Date.now());
    });
    const flushMs = this.options.flushMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      this.chain.then(() => true),
      new Promise<false>((r) => {
        timer = setTimeout(() => r(false), flushMs);
      }),
    ]);
    clearTimeout(timer);
    if (!done) {
      this.fail(new Error(`did not finish sending within ${flushMs / 1000} s; the rest is abandoned`));
      this.controller.abort();
    } else if (this.failure instanceof MlflowError && !this.failure.unreachable && this.runId !== null) {
      // The server answers: close the run as FAILED (its record is incomplete) rather than leave it RUNNING.
      await this.client.updateRun(this.runId, 'FAILED', Date.now()).catch(() => undefined);
    }
    return { runUrl: this.runUrl(), failure: this.failure?.message ?? null };
  }

  private runUrl(): string | null {
    if (this.runId === null || this.experimentId === null) return null;
    return `${this.options.uri.href.replace(/\/+$/, '')}/#/experiments/${encodeURIComponent(this.experimentId)}/runs/${encodeURIComponent(this.runId)}`;
  }

  private run(): string {
    if (this.runId === null) throw new Error('the MLflow run was not created');
    return this.runId;
  }

  /** An artifact at `path`, from a file of the run directory or from text. */
  private async upload(path: string, from: { file: string } | { text: string }, type = 'application/json'): Promise<void> {
    if (this.artifacts === null) return;
    const text = 'file' in from ? await readFile(from.file, 'utf8') : from.text;
    await this.client.uploadArtifact(this.artifacts, path, text, type);
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== null) return;
      try {
        await task();
      } catch (error) {
        this.fail(error);
      }
    });
  }

  /** The first failure: one line, and tracking stops. */
  private fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    const where = this.options.uri.href.replace(/\/+$/, '');
    const then = 'the run continues, its directory holds everything';
    this.options.warn(error instanceof MlflowError && error.unreachable
      ? `mlflow tracker unreachable at ${where} (${error.reason}); ${then}`
      : `mlflow tracker at ${where} stopped: ${this.failure.message}; ${then}`);
  }
}
