// `l2l serve` (src/report/server.ts, src/cli/serve.ts) on a real local port: the dashboard with the
// cross-origin isolation headers, the run list (run directories only), a run's page data, a
// server-sent event when a generation lands in a run, and the refusals: a missing folder, a port in
// use. The CLI command stops cleanly on an interrupt with exit code 130.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Interrupt } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { readRunPage } from '../../src/report/rundata.ts';
import { startServer, type RunningServer } from '../../src/report/server.ts';
import { appendGeneration, copyRun, cutCopy, makeRun, smallConfig } from './fixture.ts';

let root: string;
let run: string;
const open: RunningServer[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'l2l-report-serve-'));
  run = await makeRun(join(root, 'source'), smallConfig());
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A folder with a finished run, a run cut back to one generation, and folders that are not runs. */
function servedFolder(name: string): string {
  const folder = join(root, name);
  mkdirSync(folder);
  copyRun(run, join(folder, 'finished'));
  cutCopy(run, join(folder, 'under-way'), 1);
  mkdirSync(join(folder, 'not-a-run'));
  writeFileSync(join(folder, 'notes.txt'), 'hello');
  cutCopy(run, join(folder, '.hidden.l2l-new-1'), 1);
  return folder;
}

async function serve(folder: string): Promise<RunningServer> {
  const server = await startServer({ folder, port: 0, host: '127.0.0.1', pollMs: 50 });
  open.push(server);
  return server;
}

/** Reads server-sent events from `url` until `until` accepts one (or `ms` pass). */
async function eventsUntil(url: string, until: (event: { event: string; data: unknown }) => boolean, act: () => void, ms = 10_000): Promise<{ event: string; data: unknown }[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const response = await fetch(url, { signal: controller.signal });
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const seen: { event: string; data: unknown }[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === undefined || data === undefined) continue;
        const parsed = { event, data: JSON.parse(data) as unknown };
        seen.push(parsed);
        if (seen.length === 1) act();
        if (until(parsed)) return seen;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

describe('the live server', () => {
  it('serves the dashboard with the cross-origin isolation headers', async () => {
    const server = await serve(servedFolder('headers'));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const path of ['', 'api/runs', 'api/events', 'nothing-here']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      await response.body?.cancel();
      expect(response.status).toBe(path === 'nothing-here' ? 404 : 200);
    }
    const page = await (await fetch(server.url)).text();
    expect(JSON.parse(/<script id="l2l-boot" type="application\/json">(.*?)<\/script>/s.exec(page)?.[1] ?? '')).toEqual({ mode: 'live' });
    expect(page).toContain("connect-src 'self'");
  });

  it('lists the run directories of the folder and serves their page data', async () => {
    const folder = servedFolder('list');
    const server = await serve(folder);
    const runs = await (await fetch(`${server.url}api/runs`)).json() as { name: string; done: number; generations: number; status: string; role: string }[];
    expect(runs.map((r) => [r.name, r.role, r.done, r.generations, r.status])).toEqual([
      ['finished', 'optimizer', 3, 3, 'finished'],
      ['under-way', 'optimizer', 1, 3, 'stopped'],
    ]);
    const data = await (await fetch(`${server.url}api/run?name=under-way`)).json();
    expect(data).toEqual(JSON.parse(JSON.stringify(readRunPage(join(folder, 'under-way')))));
    const missing = await fetch(`${server.url}api/run?name=${encodeURIComponent('../source')}`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'no run named "../source" in the served folder' }]);
  });

  it('sends an event when a generation lands, and serves the new generation', async () => {
    const folder = servedFolder('live');
    const server = await serve(folder);
    const landed = (e: { data: unknown }): boolean => (e.data as { name: string; done: number }[]).some((r) => r.name === 'under-way' && r.done === 2);
    const events = await eventsUntil(`${server.url}api/events`, landed, () => appendGeneration(run, join(folder, 'under-way'), 1));
    expect(events[0]?.event).toBe('runs');
    expect((events[0]?.data as { name: string; done: number }[]).find((r) => r.name === 'under-way')?.done).toBe(1);
    expect(landed(events.at(-1) as { data: unknown })).toBe(true);
    const data = await (await fetch(`${server.url}api/run?name=under-way`)).json() as { done: number; fronts: unknown[] };
    expect([data.done, data.fronts.length]).toEqual([2, 2]);
  });

  it('refuses a missing folder and a port in use', async () => {
    await expect(startServer({ folder: join(root, 'none'), port: 0, host: '127.0.0.1' })).rejects
      .toThrow(`RUNS must be an existing folder of run directories or a run directory (${JSON.stringify(join(root, 'none'))} does not exist; l2l evolve --out makes runs)`);
    const server = await serve(servedFolder('busy'));
    const port = Number(new URL(server.url).port);
    await expect(startServer({ folder: root, port, host: '127.0.0.1' })).rejects
      .toThrow(`--port must be a free port: ${port} on 127.0.0.1 is in use (another l2l serve? pick another with --port, or 0 for any free one) (got ${port})`);
  });
});

describe('l2l serve', () => {
  it('prints the address, serves until interrupted, and exits 130', async () => {
    const folder = servedFolder('cli');
    let stdout = '';
    let stderr = '';
    const interrupt = new Interrupt();
    const exit = runCli(['serve', folder, '--port', '0'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, interrupt });
    for (let i = 0; i < 200 && stdout === ''; i++) await new Promise((r) => setTimeout(r, 50));
    const url = /at (http:\/\/\S+) /.exec(stdout)?.[1] ?? '';
    expect(stdout).toBe(`l2l serve: the runs in ${folder} at ${url} (Ctrl-C stops)\n`);
    expect(((await (await fetch(`${url}api/runs`)).json()) as unknown[]).length).toBe(2);
    expect(interrupt.raise('SIGINT')).toBe('clean');
    expect(await exit).toBe(130);
    expect(stderr).toBe('l2l serve: stopped\n');
    await expect(fetch(`${url}api/runs`)).rejects.toThrow();
  });

  it('with no folder on a fresh checkout, makes runs/ and serves an empty list', async () => {
    // A real process in an empty working directory, as a new user's first `npx l2l serve`.
    const cwd = mkdtempSync(join(tmpdir(), 'l2l-serve-fresh-'));
    const bin = new URL('../../bin/l2l.mjs', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += String(d); });
    child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      for (let i = 0; i < 400 && !stdout.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /at (http:\/\/\S+) /.exec(stdout)?.[1] ?? '';
      expect(stderr).toBe('l2l serve: no runs yet; made runs/, where l2l evolve writes them\n');
      expect(existsSync(join(cwd, 'runs'))).toBe(true);
      expect(await (await fetch(`${url}api/runs`)).json()).toEqual([]);
    } finally {
      child.kill('SIGINT');
      await exit;
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses a bad port with exit code 2', async () => {
    let stderr = '';
    const code = await runCli(['serve', root, '--port', '70000'], { stdout: () => undefined, stderr: (t) => { stderr += t; } });
    expect([code, stderr]).toEqual([2, 'l2l: --port must be an integer from 0 to 65535 (got "70000")\n']);
  });
});
