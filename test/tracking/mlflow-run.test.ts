// `l2l evolve --mlflow URI` end to end: small real runs tracked by a local server that implements
// MLflow's documented REST contract (mlflow-server.ts; no MLflow server can be installed on these
// machines). What reaches the server must equal the run directory (params = config.json, metrics
// per generation = metrics.jsonl at step = generation, fronts and species as artifacts, the run
// closed with its status), and a tracker that fails, at once or midway, never changes the run.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Interrupt, type CliIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { readCheckpoint, readMetrics } from '../../src/evolve/rundir.ts';
import { configParams, generationMetrics } from '../../src/tracking/mlflow.ts';
import { mlflowValue } from '../../src/tracking/mlflow-client.ts';
import { deadPort, startMlflowServer, type MlflowServer, type StoredRun } from './mlflow-server.ts';

const root = new URL('../..', import.meta.url).pathname;
// Small and quick: few short steps, one cheap held-out task.
const CONFIG = join(mkdtempSync(join(tmpdir(), 'l2l-mlflow-config-')), 'small.json');
writeFileSync(CONFIG, JSON.stringify({ curriculum: { steps: { min: 10, max: 20 }, heldOut: ['quadratic-split'] } }));
const SMALL = ['--config', CONFIG, '--population', '16', '--tasks', 'quadratic', '--workers', '1', '--seed', '5'];
const THEN = 'the run continues, its directory holds everything';

async function l2l(args: string[], extra: Partial<CliIO> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; }, ...extra };
  return { code: await runCli(['evolve', ...SMALL, ...args], io), ...out };
}

const runDir = (): string => join(mkdtempSync(join(tmpdir(), 'l2l-mlflow-')), 'run');
/** Metrics lines without what depends on timing. */
const lines = (dir: string): unknown[] => readMetrics(dir).map(({ evaluationsPerSecond: _, ...rest }) => rest);
const fronts = (dir: string): string[] => readdirSync(join(dir, 'fronts')).sort().map((f) => readFileSync(join(dir, 'fronts', f), 'utf8'));

function onlyRun(server: MlflowServer): StoredRun {
  expect(server.runs.size).toBe(1);
  return [...server.runs.values()][0] as StoredRun;
}

/** The run's artifacts, by path under its artifact root. */
function artifactsOf(server: MlflowServer, run: StoredRun): Map<string, string> {
  const prefix = `${run.info.experiment_id}/${run.info.run_id}/artifacts/`;
  return new Map([...server.artifacts].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v.body]));
}

/** The run's metrics must be, generation by generation, what metrics.jsonl holds. */
function expectMetricsOf(run: StoredRun, dir: string): void {
  const metrics = readMetrics(dir);
  expect(new Set(run.metrics.map((m) => m.step))).toEqual(new Set(metrics.map((m) => m.generation)));
  for (const m of metrics) {
    const logged = new Map(run.metrics.filter((x) => x.step === m.generation).map((x) => [x.key, x.value]));
    expect(Object.fromEntries(logged)).toEqual(generationMetrics(m));
    // The names docs/tracking.md promises, checked against the line itself.
    expect(logged.get('hypervolume')).toBe(m.hypervolume);
    expect(logged.get('frontSize')).toBe(m.frontSize);
    expect(logged.get('invalid.non_learner')).toBe(m.invalid.non_learner);
    expect(logged.get('invalid.total')).toBe(Object.values(m.invalid).reduce((a, n) => a + n, 0));
    expect(logged.get('species.count')).toBe(m.species.length);
    expect(logged.get('best.validationLoss')).toBe(m.best.validationLoss);
    expect(logged.get('cache.lookups')).toBe(m.cache.lookups);
    expect(logged.get('report.hypervolume')).toBe(m.report?.hypervolume);
  }
}

function expectArtifactsOf(run: StoredRun, server: MlflowServer, dir: string): void {
  const artifacts = artifactsOf(server, run);
  for (const m of readMetrics(dir)) {
    const name = `gen-${String(m.generation).padStart(4, '0')}.json`;
    expect(artifacts.get(`fronts/${name}`)).toBe(readFileSync(join(dir, 'fronts', name), 'utf8'));
    expect(JSON.parse(artifacts.get(`species/${name}`) ?? 'null')).toEqual({ generation: m.generation, species: m.species });
    expect(JSON.parse(artifacts.get(`invalid/${name}`) ?? 'null')).toEqual({ generation: m.generation, invalid: m.invalid });
  }
}

let server: MlflowServer;
beforeEach(async () => {
  server = await startMlflowServer();
});
afterEach(async () => {
  await server.close();
});

describe('l2l evolve --mlflow', () => {
  it('logs params, metrics per generation and artifacts, and closes the run FINISHED', async () => {
    const dir = runDir();
    const began = Date.now();
    const result = await l2l(['--generations', '3', '--out', dir, '--mlflow', server.url, '--mlflow-experiment', 'l2l test']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/mlflow/);
    expect([...server.experiments.values()].map((e) => e.name)).toEqual(['l2l test']);
    const run = onlyRun(server);
    expect(result.stdout).toContain(`mlflow run: ${server.url}/#/experiments/${run.info.experiment_id}/runs/${run.info.run_id}\n`);
    expect(run.info).toMatchObject({ run_name: basename(dir), status: 'FINISHED' });
    expect(run.info.start_time).toBeGreaterThanOrEqual(began);
    expect(run.info.end_time).toBeGreaterThanOrEqual(run.info.start_time);
    expect(Object.fromEntries(run.tags)).toMatchObject({ 'l2l.run_dir': resolve(dir), 'l2l.resumed': 'false', 'l2l.seed': '5', 'l2l.role': 'optimizer', 'mlflow.source.name': 'l2l evolve' });
    // Params: config.json, key by key.
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(Object.fromEntries(run.params)).toEqual(Object.fromEntries(configParams(config).map((p) => [p.key, mlflowValue(p.value)])));
    expect(run.params.get('population')).toBe('16');
    expect(run.params.get('curriculum.tasks.0.task')).toBe('quadratic');
    expectMetricsOf(run, dir);
    expect(new Set(run.metrics.map((m) => m.step))).toEqual(new Set([0, 1, 2]));
    expectArtifactsOf(run, server, dir);
    const artifacts = artifactsOf(server, run);
    for (const file of ['final-front.json', 'config.json', 'metrics.jsonl']) expect(artifacts.get(file)).toBe(readFileSync(join(dir, file), 'utf8'));
    expect(artifacts.has('report.html')).toBe(false);
    // The run is closed last.
    expect(server.requests.at(-1)?.path).toBe('/api/2.0/mlflow/runs/update');
    expect(server.requests.every((r) => r.status === 200 || r.path.endsWith('/get-by-name'))).toBe(true);
  }, 60_000);

  // The acceptance: pointed where nothing listens, a run completes and says so (a real process).
  it('completes with the same results when nothing listens at the address, and says the tracker was unreachable', async () => {
    const port = await deadPort();
    const [tracked, plain] = [runDir(), runDir()];
    const child = await promisify(execFile)(process.execPath, ['bin/l2l.mjs', 'evolve', ...SMALL, '--generations', '2', '--out', tracked, '--mlflow', `http://127.0.0.1:${port}`], { cwd: root, timeout: 60_000 });
    expect(child.stderr.split('\n').filter((l) => l.includes('mlflow'))).toEqual([
      `l2l: mlflow tracker unreachable at http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}); ${THEN}`,
    ]);
    expect(child.stdout).toContain('final front (generation 1)');
    expect(child.stdout).not.toContain('mlflow run');
    expect((await l2l(['--generations', '2', '--out', plain])).code).toBe(0);
    expect(lines(tracked)).toEqual(lines(plain));
    expect(fronts(tracked)).toEqual(fronts(plain));
    // The final front without its wall-clock times.
    const final = (d: string): unknown => JSON.parse(readFileSync(join(d, 'final-front.json'), 'utf8'), (k, v: unknown) => (k === 'wallTimeMs' ? undefined : v));
    expect(final(tracked)).toEqual(final(plain));
  }, 90_000);

  it('stops tracking at a server error midway, says so once, marks the MLflow run FAILED, and the run completes', async () => {
    let batches = 0;
    // The third log-batch: after the params and generation 0's metrics, generation 1's fail.
    server.failWhen = ({ path }) => path.endsWith('/runs/log-batch') && ++batches === 3;
    const dir = runDir();
    const result = await l2l(['--generations', '3', '--out', dir, '--mlflow', server.url]);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((l) => l.includes('mlflow'))).toEqual([
      `l2l: mlflow tracker at ${server.url} stopped: POST /api/2.0/mlflow/runs/log-batch: HTTP 500 INTERNAL_ERROR (the test server was told to fail this request); ${THEN}`,
    ]);
    const run = onlyRun(server);
    expect(result.stdout).toContain(`mlflow run (incomplete: the tracker stopped): ${server.url}/#/experiments/`);
    expect(new Set(run.metrics.map((m) => m.step))).toEqual(new Set([0]));
    const failed = server.requests.findIndex((r) => r.status === 500);
    expect(server.requests.slice(failed + 1).map((r) => r.path)).toEqual(['/api/2.0/mlflow/runs/update']);
    expect(run.info.status).toBe('FAILED');
    expect(readMetrics(dir)).toHaveLength(3);
    expect(existsSync(join(dir, 'final-front.json'))).toBe(true);
  }, 60_000);

  it('closes an interrupted run KILLED, and tracks its resume as a new run holding every generation', async () => {
    const dir = runDir();
    const interrupt = new Interrupt();
    const stopped = l2l(['--generations', '10000', '--out', dir, '--mlflow', server.url], { interrupt });
    for (let waited = 0; !(existsSync(join(dir, 'checkpoint.msgpack')) && readCheckpoint(dir).state.generation >= 1); waited += 20) {
      if (waited > 60_000) throw new Error('timed out waiting for generation 1');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(interrupt.raise('SIGINT')).toBe('clean');
    expect((await stopped).code).toBe(130);
    const first = onlyRun(server);
    expect(first.info.status).toBe('KILLED');
    expectMetricsOf(first, dir);
    const done = readCheckpoint(dir).state.generation;
    const resumed = await runCli(['evolve', '--resume', dir, '--generations', String(done + 1), '--mlflow', server.url], { stdout: () => {}, stderr: () => {} });
    expect(resumed).toBe(0);
    expect(server.runs.size).toBe(2);
    const second = [...server.runs.values()].find((r) => r !== first) as StoredRun;
    expect(Object.fromEntries(second.tags)).toMatchObject({ 'l2l.resumed': 'true', 'l2l.start_generation': String(done) });
    expect(second.info.status).toBe('FINISHED');
    expect(second.params.get('generations')).toBe(String(done + 1));
    expectMetricsOf(second, dir);
    expect(new Set(second.metrics.map((m) => m.step)).size).toBe(done + 1);
    expectArtifactsOf(second, server, dir);
  }, 120_000);

  it('refuses an address that is not http(s), one with credentials, and --mlflow-experiment alone', async () => {
    const dir = runDir();
    expect(await l2l(['--out', dir, '--mlflow', 'ftp://host/x'])).toEqual({ code: 2, stdout: '', stderr: 'l2l: --mlflow must be an http:// or https:// URL (not ftp:) (got "ftp://host/x")\n' });
    expect(await l2l(['--out', dir, '--mlflow', 'localhost:5000'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^l2l: --mlflow must be an http:\/\/ or https:\/\/ URL/) });
    expect(await l2l(['--out', dir, '--mlflow', '127.0.0.1:5000'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^l2l: --mlflow must be an http:\/\/ or https:\/\/ URL such as/) });
    const secret = await l2l(['--out', dir, '--mlflow', 'http://ann:hunter2@mlflow.example']);
    expect(secret).toEqual({ code: 2, stdout: '', stderr: 'l2l: --mlflow must not hold credentials: give them in the environment (docs/tracking.md) (got "http://...@mlflow.example")\n' });
    expect(await l2l(['--out', dir, '--mlflow-experiment', 'x'])).toEqual({ code: 2, stdout: '', stderr: 'l2l: --mlflow-experiment needs --mlflow (the tracking server)\n' });
    expect(existsSync(dir)).toBe(false);
  });
});
