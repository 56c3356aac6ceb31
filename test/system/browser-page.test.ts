// The browser page (src/browser/, docs/browser.md) in Debian's chromium driven by puppeteer-core:
// the page is built (`npm run build:web`, as a user builds it), served by a real `l2l serve` process
// at /play/ (cross-origin isolated), and
//
//   - an optimizer seed is run on a task through the form: the loss curve the worker computed with
//     the engine.wasm the page fetched equals, double for double, what `l2l eval --json` prints for
//     the same seed, task, steps and run seed, and the chart drew every step;
//   - a learner seed is run on a learner task from a link (?role=learner...&run=1): its per-episode
//     scores are the ones Node computes;
//   - a 3-generation evolution runs in the page, its population evaluated by 2 workers sharing the
//     queue (SharedArrayBuffer): its metrics lines, front files and final front are the files
//     `l2l evolve` writes for the same configuration and seed (timings aside), its held-out table is
//     drawn, and its download links save those files; served without the isolation headers (a plain
//     static server), the page falls back to one worker and gives the same files;
//
// with no console error, page error, failed request or request outside the server. Screenshots go to
// test-output/browser-page/ (git-ignored).

import { execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalAnswer } from '../../src/browser/evaluate.ts';
import { runCli } from '../../src/cli/main.ts';
import { Engine } from '../../src/engine/engine.ts';
import { evaluateRequest } from '../../src/browser/evaluate.ts';
import type { EvalReport } from '../../src/tasks/report.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { pageConfig } from '../../src/browser/evolution.ts';
import { playFile } from '../../src/report/static.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';
import { watch } from './page-watch.ts';
import { chromiumPath, startServe } from './programs.ts';

const root = new URL('../..', import.meta.url).pathname;
const OUTPUT = join(root, 'test-output', 'browser-page');

let browser: Browser;
let server: { child: ChildProcessWithoutNullStreams; url: string; output: () => string };


beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'pipe' });
  server = await startServe(root, mkdtempSync(join(tmpdir(), 'l2l-browser-page-')));
  browser = await puppeteer.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  if (server !== undefined) {
    const exited = new Promise<number | null>((done) => server.child.once('exit', (code) => done(code)));
    server.child.kill('SIGINT');
    expect(await exited).toBe(130);
  }
});

async function answerOf(page: Page): Promise<EvalAnswer> {
  await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'running' && window.l2lAnswer !== undefined, { timeout: 60_000 });
  expect(await page.$eval('#status', (s) => s.textContent)).toBe('done');
  return JSON.parse(await page.evaluate(() => window.l2lAnswer as string)) as EvalAnswer;
}

async function cliEval(args: string[]): Promise<EvalReport> {
  let out = '';
  expect(await runCli(['eval', ...args, '--json'], { stdout: (s) => { out += s; }, stderr: () => undefined })).toBe(0);
  return JSON.parse(out) as EvalReport;
}

describe('the browser page in chromium, served by l2l serve', () => {
  it('trains a seed on a task in a worker and draws the loss curve l2l eval computes, bit for bit', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800 });
    const seen = watch(page);
    await page.goto(`${server.url}play/`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('ready') === true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.select('#seed', 'adam');
    await page.select('#task', 'rosenbrock');
    await page.type('#steps', '60');
    await page.$eval('#run-seed', (input) => { (input as HTMLInputElement).value = '5'; });
    await page.click('#run');
    const answer = await answerOf(page);
    if (answer.role !== 'optimizer') throw new Error(`expected an optimizer answer, got ${answer.role}`);
    const cli = await cliEval(['seed:adam', '--task', 'rosenbrock', '--steps', '60', '--seed', '5']);
    expect(answer.report.trainLoss.length).toBe(61);
    const differ = answer.report.trainLoss.findIndex((x, i) => !Object.is(x, cli.trainLoss[i]));
    expect(differ, `first difference at step ${differ}`).toBe(-1);
    expect(answer.report.result).toMatchObject({ status: cli.result.status });
    expect(answer.report.finalLoss).toBeLessThan(answer.report.initialLoss);
    // The chart: one line through every step and a dot per step.
    expect(await page.$$eval('#chart svg g[aria-label="dot"] circle', (c) => c.length)).toBe(61);
    expect(await page.$$eval('#chart svg g[aria-label="line"] path', (p) => p.length)).toBe(1);
    expect(await page.$eval('#summary', (s) => s.textContent)).toContain('adam on rosenbrock');
    await page.screenshot({ path: join(OUTPUT, 'optimizer.png') });
    await page.close();
    expect(seen.problems).toEqual([]);
    expect(seen.requests.every((u) => u.startsWith(server.url))).toBe(true);
    expect(seen.requests.some((u) => u.endsWith('.wasm'))).toBe(true);
  });

  it('runs a learner seed on a learner task from a link and scores it as Node does', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800 });
    const seen = watch(page);
    await page.goto(`${server.url}play/?role=learner&seed=delta&task=bandit&steps=8&runSeed=2&run=1`);
    const answer = await answerOf(page);
    if (answer.role !== 'learner') throw new Error(`expected a learner answer, got ${answer.role}`);
    const engine = await Engine.create();
    const node = evaluateRequest(engine, { genome: { kind: 'learner-seed', name: 'delta' }, task: 'bandit', runSeed: 2, steps: 8 });
    if (node.role !== 'learner') throw new Error('expected a learner answer in Node');
    expect(answer.scores).toEqual(node.scores);
    expect(answer.scores.length).toBe(8);
    const [pageTask, nodeTask] = [answer.evaluation.tasks[0], node.evaluation.tasks[0]];
    if (pageTask?.status !== 'ok' || nodeTask?.status !== 'ok') throw new Error('the learner task was not scored');
    expect(pageTask.metrics.validationLoss).toBe(nodeTask.metrics.validationLoss);
    expect(await page.$$eval('#chart svg g[aria-label="dot"] circle', (c) => c.length)).toBe(8);
    await page.screenshot({ path: join(OUTPUT, 'learner.png') });
    await page.close();
    expect(seen.problems).toEqual([]);
  });

  it('runs a 3-generation evolution in workers sharing memory, with the metrics lines Node writes', async () => {
    const { lines, status, run } = await evolveInPage(`${server.url}play/`, 'evolution.png');
    expect(status).toMatch(/^done: 3 generations of 16 .* with 2 workers sharing memory$/);
    expect(lines).toHaveLength(3);
    const node = await nodeFiles();
    expect(untimed(lines)).toEqual(untimed(node.lines));
    // The front files byte for byte, and final-front.json but for its wall-clock times.
    expect(run.fronts).toEqual(node.fronts);
    expect(timeless(run.finalText)).toEqual(timeless(node.finalText));
  });

  it('falls back to one worker where the page is not cross-origin isolated, with the same lines', async () => {
    // A plain static server: the page's files without the COOP/COEP headers.
    const plain = createServer((request, response) => {
      const file = playFile(new URL(request.url ?? '/', 'http://localhost').pathname);
      response.writeHead(file.status, { 'Content-Type': file.type });
      response.end(file.body);
    });
    await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
    try {
      const { lines, status, run } = await evolveInPage(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/play/`, 'evolution-one-worker.png');
      expect(status).toMatch(/^done: 3 generations of 16 .* with 1 worker \(not cross-origin isolated: one worker\)$/);
      const node = await nodeFiles();
      expect(untimed(lines)).toEqual(untimed(node.lines));
      expect(run.fronts).toEqual(node.fronts);
      expect(timeless(run.finalText)).toEqual(timeless(node.finalText));
    } finally {
      plain.closeAllConnections();
      await new Promise((done) => plain.close(done));
    }
  });
});

/** Metrics lines without what depends on timing. */
function untimed(lines: readonly string[]): unknown[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).map(({ evaluationsPerSecond: _, ...rest }) => rest);
}

/** A record file's JSON with every wall-clock time zeroed. */
const timeless = (text: string): unknown => JSON.parse(text, (key, value: unknown) => (key === 'wallTimeMs' ? 0 : value));

type RunFiles = { lines: string[]; fronts: string[]; finalText: string };

/** Runs the page's evolution (seed 3, 3 generations of 16, 2 workers asked) at `url`; its lines, files and final status. */
async function evolveInPage(url: string, screenshot: string): Promise<{ lines: string[]; status: string; run: RunFiles }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 1400 });
  const seen = watch(page);
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('ready') === true);
  const set = (id: string, value: string): Promise<void> => page.$eval(id, (input, v) => { (input as HTMLInputElement).value = v; }, value);
  await set('#evolve-seed', '3');
  await set('#evolve-generations', '3');
  await set('#evolve-population', '16');
  await set('#evolve-workers', '2');
  await page.click('#evolve-run');
  await page.waitForFunction(() => window.l2lMetrics !== undefined || document.getElementById('evolve-status')?.classList.contains('error') === true, { timeout: 120_000 });
  const status = await page.$eval('#evolve-status', (s) => s.textContent ?? '');
  const lines = (await page.evaluate(() => window.l2lMetrics ?? '')).split('\n');
  expect(await page.$$eval('#evolve-chart svg g[aria-label="dot"] circle', (c) => c.length)).toBe(3);
  const run = await page.evaluate(() => window.l2lRun) as RunFiles;
  // The held-out table (a header and the page's one held-out task) and the three files to save.
  expect(await page.$$eval('#evolve-final tr', (rows) => rows.map((r) => r.cells[0]?.textContent))).toEqual(['held-out task', 'quadratic-split']);
  const links = await page.$$eval('#evolve-final a', (as) => as.map((a) => ({ name: a.getAttribute('download'), blob: a.href.startsWith('blob:') })));
  expect(links).toEqual(['metrics.jsonl', 'fronts-gen-0002.json', 'final-front.json'].map((name) => ({ name, blob: true })));
  // What a link saves is the file itself.
  const saved = await page.$eval('#evolve-final a[download="final-front.json"]', async (a) => (await fetch((a as HTMLAnchorElement).href)).text());
  expect(saved).toBe(run.finalText);
  await page.screenshot({ path: join(OUTPUT, screenshot), fullPage: true });
  await page.close();
  expect(seen.problems).toEqual([]);
  return { lines, status, run };
}

let nodeRun: Promise<RunFiles> | undefined;

/** What `l2l evolve`'s loop (evolve(), an in-thread evaluator) writes on the page's configuration, seed 3. */
function nodeFiles(): Promise<RunFiles> {
  nodeRun ??= (async () => {
    const engine = await Engine.create();
    const out = mkdtempSync(join(tmpdir(), 'l2l-browser-evolve-'));
    await evolve({ config: pageConfig(3, 3, 16) }, { out, evaluator: inThreadEvaluator(engine, new InstanceCache()) });
    return {
      lines: readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n'),
      fronts: ['gen-0000.json', 'gen-0001.json', 'gen-0002.json'].map((f) => readFileSync(join(out, 'fronts', f), 'utf8')),
      finalText: readFileSync(join(out, 'final-front.json'), 'utf8'),
    };
  })();
  return nodeRun;
}
