// The MLflow REST client (src/tracking/mlflow-client.ts) against a local server implementing MLflow's
// documented contract (mlflow-server.ts; no MLflow server can be installed here): experiments found
// or created, log-batch split within the documented limits, keys and values made valid, artifact
// locations mapped to the artifacts proxy, and every failure an MlflowError saying what happened.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactUrl, batches, LIMITS, MlflowClient, MlflowError, mlflowKey, mlflowValue } from '../../src/tracking/mlflow-client.ts';
import { authHeaders } from '../../src/cli/tracking.ts';
import { deadPort, startMlflowServer, type MlflowServer } from './mlflow-server.ts';

async function failure(promise: Promise<unknown>): Promise<MlflowError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MlflowError) return error;
    throw error;
  }
  throw new Error('expected an MlflowError');
}

let server: MlflowServer;
let client: MlflowClient;

beforeEach(async () => {
  server = await startMlflowServer();
  client = new MlflowClient(new URL(server.url));
});
afterEach(async () => {
  await server.close();
});

describe('MlflowClient', () => {
  it('creates an experiment when missing and finds it afterwards', async () => {
    const a = await client.experimentId('l2l-test');
    const b = await client.experimentId('l2l-test');
    expect(a).toBe(b);
    expect([...server.experiments.values()].map((e) => e.name)).toEqual(['l2l-test']);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name 404',
      'POST /api/2.0/mlflow/experiments/create 200',
      'GET /api/2.0/mlflow/experiments/get-by-name 200',
    ]);
  });

  it('creates a run and logs any number of metrics, params and tags within the per-request limits', async () => {
    const experimentId = await client.experimentId('e');
    const { runId, artifactUri } = await client.createRun({ experimentId, runName: 'r', startTime: 1000, tags: [{ key: 'l2l.role', value: 'optimizer' }] });
    expect(artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 7}`, value: i / 3, timestamp: 5000 + i, step: i }));
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p.${i}`, value: String(i) }));
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: 'x' }));
    await client.logBatch(runId, { metrics, params, tags });
    const batchesSent = server.requests.filter((r) => r.path.endsWith('/runs/log-batch'));
    expect(batchesSent.every((r) => r.status === 200)).toBe(true);
    expect(batchesSent.length).toBe(batches(metrics, params, tags).length);
    const run = server.runs.get(runId);
    expect(run?.metrics).toEqual(metrics);
    expect(run?.params.size).toBe(150);
    expect(run?.tags.get('t119')).toBe('x');
    expect(run?.tags.get('l2l.role')).toBe('optimizer');
    await client.updateRun(runId, 'FINISHED', 9000);
    expect(run?.info).toMatchObject({ status: 'FINISHED', end_time: 9000 });
  });

  it('splits batches at the documented limits', () => {
    const m = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'k', value: i, timestamp: 0, step: i }));
    const kv = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: '' }));
    const sizes = batches(m(1950), kv(230), kv(101)).map((b) => [b.metrics.length, b.params.length, b.tags.length]);
    expect(sizes).toEqual([[1000, 0, 0], [950, 50, 0], [0, 100, 100], [0, 80, 1]]);
    for (const [a, b, c] of sizes) expect((a as number) + (b as number) + (c as number)).toBeLessThanOrEqual(LIMITS.total);
    expect(batches([], [], [])).toEqual([]);
  });

  it('is held to a server that refuses requests over the limits, as MLflow does', async () => {
    const experimentId = await client.experimentId('e');
    const { runId } = await client.createRun({ experimentId, runName: 'r', startTime: 0, tags: [] });
    const raw = async (body: unknown): Promise<unknown> => (await fetch(`${server.url}/api/2.0/mlflow/runs/log-batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const metric = { key: 'k', value: 1, timestamp: 0, step: 0 };
    expect(await raw({ run_id: runId, metrics: Array.from({ length: 1001 }, () => metric) })).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await raw({ run_id: runId, params: [{ key: 'p', value: 'v'.repeat(251) }] })).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await raw({ run_id: runId, metrics: [{ ...metric, key: 'a@b' }] })).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await raw({ run_id: runId, metrics: [{ name: 'k', value: 1 }] })).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(await raw({ run_id: runId, metrics: [metric] })).toEqual({});
  });

  it('makes keys and values valid, and leaves out metrics that are not finite', async () => {
    expect(mlflowKey('MAP@k[1]:x')).toBe('MAP_k_1__x');
    expect(mlflowKey('x'.repeat(300))).toHaveLength(250);
    expect(mlflowValue('v'.repeat(300))).toBe(`${'v'.repeat(247)}...`);
    const experimentId = await client.experimentId('e');
    const { runId } = await client.createRun({ experimentId, runName: 'r', startTime: 0, tags: [] });
    await client.logBatch(runId, {
      metrics: [{ key: 'a@b', value: 1, timestamp: 0, step: 0 }, { key: 'nan', value: Number.NaN, timestamp: 0, step: 0 }],
      params: [{ key: 'long', value: 'y'.repeat(400) }],
    });
    const run = server.runs.get(runId);
    expect(run?.metrics.map((x) => x.key)).toEqual(['a_b']);
    expect(run?.params.get('long')).toHaveLength(250);
  });

  it('raises the server\'s error with the call, the HTTP status and MLflow\'s error code', async () => {
    const error = await failure(client.logBatch('no-such-run', { metrics: [{ key: 'k', value: 1, timestamp: 0, step: 0 }] }));
    expect(error.unreachable).toBe(false);
    expect(error.message).toBe("POST /api/2.0/mlflow/runs/log-batch: HTTP 404 RESOURCE_DOES_NOT_EXIST (Run 'no-such-run' not found)");
    // A param may not change once logged (the contract's rule, enforced by the server).
    const experimentId = await client.experimentId('e');
    const { runId } = await client.createRun({ experimentId, runName: 'r', startTime: 0, tags: [] });
    await client.logBatch(runId, { params: [{ key: 'seed', value: '1' }] });
    expect((await failure(client.logBatch(runId, { params: [{ key: 'seed', value: '2' }] }))).code).toBe('INVALID_PARAMETER_VALUE');
    server.failWhen = () => true;
    expect((await failure(client.updateRun(runId, 'FINISHED', 0))).message).toMatch(/^POST \/api\/2\.0\/mlflow\/runs\/update: HTTP 500 INTERNAL_ERROR/);
  });

  it('says a server is unreachable with the network error, and gives up on a silent one at its time limit', async () => {
    const port = await deadPort();
    const refused = await failure(new MlflowClient(new URL(`http://127.0.0.1:${port}`)).experimentId('e'));
    expect(refused.unreachable).toBe(true);
    expect(refused.message).toBe(`GET /api/2.0/mlflow/experiments/get-by-name: connect ECONNREFUSED 127.0.0.1:${port}`);
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const began = performance.now();
      const slow = await failure(new MlflowClient(new URL(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), { timeoutMs: 200 }).experimentId('e'));
      expect(slow.unreachable).toBe(true);
      expect(slow.reason).toBe('no answer within 200 ms');
      expect(performance.now() - began).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('uploads artifacts through the artifacts proxy, under a path prefix too', async () => {
    const experimentId = await client.experimentId('e');
    const { runId, artifactUri } = await client.createRun({ experimentId, runName: 'r', startTime: 0, tags: [] });
    await client.uploadArtifact(artifactUri, 'fronts/gen-0000.json', '{"a":1}\n', 'application/json');
    expect(server.artifacts.get(`${experimentId}/${runId}/artifacts/fronts/gen-0000.json`)).toEqual({ body: '{"a":1}\n', type: 'application/json' });
    const base = new URL('https://mlflow.example/team/');
    expect(artifactUrl(base, 'mlflow-artifacts:/3/abc/artifacts', 'species/gen-0001.json')?.href).toBe('https://mlflow.example/team/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/species/gen-0001.json');
    expect(artifactUrl(base, 'mlflow-artifacts://other:5000/3/abc/artifacts', 'a b.json')?.href).toBe('https://other:5000/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/a%20b.json');
    expect(artifactUrl(base, 'http://store.example/root/', 'x.json')?.href).toBe('http://store.example/root/x.json');
    expect(artifactUrl(base, 's3://bucket/3/abc/artifacts', 'x.json')).toBeNull();
    expect((await failure(client.uploadArtifact('/mlruns/3/abc/artifacts', 'x.json', '', 'text/plain'))).message).toMatch(/cannot upload to the run's artifact location \/mlruns/);
  });

  it('sends the authentication MLflow\'s clients take from the environment', async () => {
    expect(authHeaders({ MLFLOW_TRACKING_TOKEN: 't0k' })).toEqual({ authorization: 'Bearer t0k' });
    expect(authHeaders({ MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw' })).toEqual({ authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` });
    expect(authHeaders({})).toEqual({});
    await new MlflowClient(new URL(server.url), { headers: authHeaders({ MLFLOW_TRACKING_TOKEN: 't0k' }) }).experimentId('e');
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer t0k')).toBe(true);
  });
});
