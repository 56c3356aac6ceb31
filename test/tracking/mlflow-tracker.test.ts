// The tracker (src/tracking/mlflow.ts) at its edges, without an evolution run: the bounded wait at
// the end of a run when the server takes too long, a server whose artifact store the REST API cannot
// write (metrics and params are still tracked), and the fetch standard's blocked ports.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/evolve/config.ts';
import { MlflowTracker } from '../../src/tracking/mlflow.ts';
import { startMlflowServer } from './mlflow-server.ts';

const THEN = 'the run continues, its directory holds everything';

describe('MlflowTracker', () => {
  it('waits for the server at the end of a run only as long as it is told to, then abandons the rest', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const warned: string[] = [];
    const uri = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const tracker = new MlflowTracker({ uri: new URL(uri), experiment: 'e', out: mkdtempSync(join(tmpdir(), 'l2l-tracker-')), warn: (l) => warned.push(l), timeoutMs: 60_000, flushMs: 300 });
      tracker.start({ config: DEFAULT_CONFIG, generation: 0, resumed: false });
      const began = performance.now();
      const end = await tracker.finish('FINISHED');
      expect(performance.now() - began).toBeLessThan(5000);
      expect(end).toEqual({ runUrl: null, failure: 'did not finish sending within 0.3 s; the rest is abandoned' });
      expect(warned).toEqual([`mlflow tracker at ${uri} stopped: did not finish sending within 0.3 s; the rest is abandoned; ${THEN}`]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('tracks params and metrics when the run\'s artifact store cannot be written through the REST API', async () => {
    const server = await startMlflowServer({ artifactRoot: (e, r) => `s3://bucket/${e}/${r}/artifacts` });
    try {
      const warned: string[] = [];
      const tracker = new MlflowTracker({ uri: new URL(server.url), experiment: 'e', out: mkdtempSync(join(tmpdir(), 'l2l-tracker-')), warn: (l) => warned.push(l) });
      tracker.start({ config: DEFAULT_CONFIG, generation: 0, resumed: false });
      const end = await tracker.finish('FINISHED');
      expect(end.failure).toBeNull();
      const run = [...server.runs.values()][0];
      expect(end.runUrl).toBe(`${server.url}/#/experiments/${run?.info.experiment_id}/runs/${run?.info.run_id}`);
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/^mlflow tracker: the run's artifact location "s3:\/\/bucket\/.*" cannot be written \(only mlflow-artifacts: .*\); parameters and metrics are tracked, artifacts are not$/);
      expect(run?.params.get('population')).toBe(String(DEFAULT_CONFIG.population));
      expect(run?.info.status).toBe('FINISHED');
      expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('names a port fetch refuses to connect to', async () => {
    const warned: string[] = [];
    const tracker = new MlflowTracker({ uri: new URL('http://127.0.0.1:9'), experiment: 'e', out: tmpdir(), warn: (l) => warned.push(l) });
    tracker.start({ config: DEFAULT_CONFIG, generation: 0, resumed: false });
    expect(await tracker.finish('FINISHED')).toMatchObject({ runUrl: null });
    expect(warned).toEqual([`mlflow tracker unreachable at http://127.0.0.1:9 (fetch refuses port 9, the well-known port of another protocol); ${THEN}`]);
  });
});
