// The report page in a real browser: Debian's chromium driven by puppeteer-core (never a downloaded
// browser). A small real run with the surrogate on and a held-out task is made, then
//
//   - its report file (`l2l report`) is opened from disk: no console error, page error or failed
//     request, no request at all but the file itself, and every section drew what its data holds
//     (charts with their marks, the held-out table, each genome's graph with all its nodes);
//   - the live dashboard (`l2l serve`, a real process) shows a copy of the run cut back to fewer
//     generations; generations are appended to it as a running `l2l evolve` writes them, and the open
//     page redraws with each one without reloading, until the run finishes and its held-out table
//     appears. The page is cross-origin isolated (the COOP/COEP headers). Ctrl-C ends the server, 130.
//
// Screenshots go to test-output/report-browser/ (git-ignored); with L2L_UPDATE_DOCS=1 the report's
// top is also saved as docs/report.png, the docs' picture, so an ordinary run leaves the checkout clean.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { PageBoot, RunPage } from '../../src/report/page-data.ts';
import { appendGeneration, copyRun, cutCopy, finishCopy, makeRun, smallConfig } from '../report/fixture.ts';
import { watch } from './page-watch.ts';
import { chromiumPath, startServe } from './programs.ts';

const root = new URL('../..', import.meta.url).pathname;
const OUTPUT = join(root, 'test-output', 'report-browser');
const GENERATIONS = 6;

let work: string;
let run: string;
let browser: Browser;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'l2l-report-browser-'));
  mkdirSync(OUTPUT, { recursive: true });
  run = await makeRun(join(work, 'made', 'surrogate-run'), smallConfig({ surrogate: true, generations: GENERATIONS, population: 16 }));
  browser = await puppeteer.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  return page;
}

/** What each section of the page drew: Plot charts and their marks, notes, table rows, genome drawings. */
async function drawn(page: Page): Promise<Record<string, { charts: number; marks: Record<string, number>; empty: number; rows: number; genomes: { id: string; nodes: number; formula: boolean }[] }>> {
  return page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll('main section')).map((s) => {
    const marks: Record<string, number> = {};
    for (const g of Array.from(s.querySelectorAll('svg[class^="plot-"] g[aria-label]'))) {
      const label = g.getAttribute('aria-label') as string;
      // A mark's own shapes are its group's children (a line's markers sit in <defs> beside them).
      marks[label] = (marks[label] ?? 0) + g.querySelectorAll(':scope > circle, :scope > path, :scope > rect').length;
    }
    const genomes = Array.from(s.querySelectorAll('article.genome')).map((a) => ({
      id: a.getAttribute('data-genome') as string, nodes: a.querySelectorAll('svg.graph g.node').length, formula: a.querySelector('pre.formula') !== null,
    }));
    return [s.id, {
      charts: s.querySelectorAll('svg[class^="plot-"]').length, marks, empty: s.querySelectorAll('[data-empty]').length,
      rows: s.querySelectorAll('table tbody tr').length, genomes,
    }];
  })));
}

/** Checks every section against the page's data: drawn where there is data, a note where there is none. */
function expectSections(sections: Awaited<ReturnType<typeof drawn>>, data: RunPage): void {
  expect(Object.keys(sections)).toEqual(['hypervolume', 'fronts', 'species', 'heldout', 'invalid', 'surrogate', 'genomes']);
  const hv = sections.hypervolume!;
  expect(hv.charts).toBe(1);
  // The training and report curves and the seeds' baseline.
  expect(hv.marks.line).toBe(3);
  const fronts = sections.fronts!;
  const latest = data.fronts.at(-1)!.points.length;
  expect(fronts.charts).toBe(6);
  expect(fronts.marks.dot).toBe(6 * latest);
  const species = new Set(data.metrics.flatMap((m) => m.species.map((s) => s.id)));
  expect(sections.species!.marks.area).toBe(species.size);
  const invalid = data.metrics.some((m) => Object.values(m.invalid).some((n) => n > 0));
  expect(invalid).toBe(true);
  expect([sections.invalid!.charts, sections.invalid!.empty]).toEqual([1, 0]);
  expect(sections.invalid!.marks.bar).toBeGreaterThan(0);
  expect([sections.surrogate!.charts, sections.surrogate!.empty]).toEqual([2, 0]);
  expect(sections.surrogate!.marks.line).toBe(1);
  if (data.heldOut === null) {
    expect([sections.heldout!.rows, sections.heldout!.empty]).toEqual([0, 1]);
  } else {
    expect(sections.heldout!.rows).toBe(data.heldOut.table.tasks.length);
    expect(sections.heldout!.marks.dot).toBeGreaterThan(data.heldOut.baseline.length - 1);
  }
  const genomes = data.genomes!;
  expect(sections.genomes!.genomes.map((g) => g.id)).toEqual(genomes.members.map((m) => String(m.id)));
  for (const [i, g] of sections.genomes!.genomes.entries()) {
    expect(g.nodes).toBe(genomes.members[i]!.nodes);
    expect(g.formula).toBe(genomes.members[i]!.formula !== null);
  }
}

const bootData = (page: Page): Promise<PageBoot> => page.evaluate(() => JSON.parse(document.getElementById('l2l-boot')!.textContent!) as PageBoot);

describe('the report file in chromium', () => {
  it('opens from disk with no request but itself and draws every section', async () => {
    expect(await runCli(['report', run], { stdout: () => undefined, stderr: () => undefined })).toBe(0);
    const page = await newPage();
    const seen = watch(page);
    const url = `file://${join(run, 'report.html')}`;
    await page.goto(url);
    await page.waitForSelector('main[data-ready="true"]', { timeout: 90_000 });
    const boot = await bootData(page);
    if (boot.mode !== 'static') throw new Error('the report file is not a static page');
    expect(boot.run.done).toBe(GENERATIONS);
    expect(boot.run.heldOut).not.toBeNull();
    expectSections(await drawn(page), boot.run);
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
    if (process.env.L2L_UPDATE_DOCS === '1') {
      await page.screenshot({ path: join(root, 'docs', 'report.png'), clip: { x: 0, y: 0, width: 1280, height: 1700 } });
    }
    // The slider shows each generation's front.
    await page.$eval('#front-generation', (input) => {
      (input as HTMLInputElement).value = '0';
      input.dispatchEvent(new Event('input'));
    });
    const first = (await drawn(page)).fronts!;
    expect(first.marks.dot).toBe(6 * boot.run.fronts[0]!.points.length);
    expect(await page.$eval('#fronts output', (o) => o.textContent)).toBe(`generation 0: ${boot.run.fronts[0]!.points.length} genomes on the first front`);
    await page.close();
    expect(seen.problems).toEqual([]);
    expect(seen.requests).toEqual([url]);
  });
});


const waitDone = (page: Page, done: number, status?: string): Promise<unknown> =>
  page.waitForSelector(`main[data-ready="true"][data-done="${done}"]${status === undefined ? '' : `[data-status="${status}"]`}`, { timeout: 30_000 });

describe('the live dashboard in chromium', () => {
  it('redraws as generations land, without reloading, and stops on Ctrl-C', async () => {
    const folder = join(work, 'served');
    mkdirSync(folder);
    copyRun(run, join(folder, 'finished'));
    const growing = join(folder, 'growing');
    cutCopy(run, growing, 3);
    const server = await startServe(root, folder);
    try {
      const page = await newPage();
      const seen = watch(page);
      await page.goto(`${server.url}#run=growing`);
      await waitDone(page, 3, 'stopped');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await page.$$eval('#run-list a', (links) => links.map((a) => a.textContent))).toEqual(['finished', 'growing']);
      let sections = await drawn(page);
      expect([sections.heldout!.rows, sections.heldout!.empty]).toEqual([0, 1]);
      expect(sections.fronts!.marks.dot).toBeGreaterThan(0);
      await page.evaluate(() => {
        (window as unknown as { sameDocument: boolean }).sameDocument = true;
      });
      for (let g = 3; g < GENERATIONS; g++) {
        appendGeneration(run, growing, g);
        await waitDone(page, g + 1);
      }
      finishCopy(run, growing);
      await waitDone(page, GENERATIONS, 'finished');
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      const data = await (await fetch(`${server.url}api/run?name=growing`)).json() as RunPage;
      sections = await drawn(page);
      expectSections(sections, data);
      expect(sections.heldout!.rows).toBe(data.heldOut!.table.tasks.length);
      await page.screenshot({ path: join(OUTPUT, 'live.png'), fullPage: false });
      await page.click('#run-list a[data-run="finished"]');
      await page.waitForSelector('main[data-ready="true"][data-run="finished"]', { timeout: 30_000 });
      await page.close();
      expect(seen.problems).toEqual([]);
      expect(seen.requests.every((u) => u.startsWith(server.url))).toBe(true);
    } finally {
      const exited = new Promise<number | null>((done) => server.child.once('exit', (code) => done(code)));
      server.child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(server.output()).toContain('l2l serve: stopped');
    }
  });
});
