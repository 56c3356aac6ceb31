// `l2l report` (src/report/report.ts, src/cli/report.ts): one HTML file that needs nothing from the
// network: no external script, style or link, a Content-Security-Policy that forbids any request,
// the run's data embedded whole, and names from the run that cannot break out of the page.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { reportHtml } from '../../src/report/report.ts';
import { readRunPage } from '../../src/report/rundata.ts';
import { copyRun, makeRun, smallConfig } from './fixture.ts';

let root: string;
let run: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'l2l-report-html-'));
  run = await makeRun(join(root, 'run'), smallConfig());
});

async function l2l(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

/** The page's boot JSON. */
const bootOf = (html: string): unknown => JSON.parse(/<script id="l2l-boot" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');

describe('the report file', () => {
  it('is self-contained: no external resource, and a policy that forbids requests', async () => {
    const html = await reportHtml(run);
    expect(html).toMatch(/^<!doctype html>/);
    // Every element attribute that could load something: none points outside the page.
    const refs = [...html.matchAll(/\b(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]);
    expect(refs.filter((r) => r !== undefined && /^(?:https?:)?\/\//i.test(r))).toEqual([]);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+rel=["']?stylesheet/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'none'");
    // Exactly the two scripts: the data and the bundle.
    expect(html.match(/<script\b/gi)?.length).toBe(2);
    expect(html.match(/<\/script>/gi)?.length).toBe(2);
    // Graphviz's wasm is inline in the bundle, not a file beside it.
    expect(html).not.toMatch(/\.wasm["'`]/);
  });

  it('embeds the run\'s page data whole', async () => {
    const html = await reportHtml(run);
    expect(bootOf(html)).toEqual({ mode: 'static', run: JSON.parse(JSON.stringify(readRunPage(run))) });
  });

  it('keeps a run name with markup in it as text', async () => {
    // "<!--<script>" inside a script element would make the parser skip the closing tag.
    const name = 'x<!--<script>&"<b>';
    copyRun(run, join(root, name));
    const html = await reportHtml(join(root, name));
    expect(html.match(/<\/script>/gi)?.length).toBe(2);
    expect(html).not.toContain(name);
    expect(html).toContain('<title>l2l report: x&#60;!--&#60;script&#62;&#38;&#34;&#60;b&#62;</title>');
    expect((bootOf(html) as { run: { name: string } }).run.name).toBe(name);
  });
});

describe('l2l report', () => {
  it('writes RUN/report.html, or --out', async () => {
    const a = await l2l('report', run);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(new RegExp(`^report: ${join(run, 'report.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\.\\d MB; open it in a browser\\)\\n$`));
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toBe(await reportHtml(run));
    const out = join(root, 'elsewhere.html');
    expect((await l2l('report', run, '--out', out)).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('refuses what is not a run directory, with exit code 2 and the rule', async () => {
    expect(await l2l('report', root)).toEqual({
      code: 2, stdout: '', stderr: `l2l: RUN must be a run directory of l2l evolve (a folder with config.json and metrics.jsonl): ${JSON.stringify(root)} has no config.json and no metrics.jsonl\n`,
    });
    expect(await l2l('report')).toMatchObject({ code: 2, stderr: 'l2l: RUN is required: l2l report <RUN> [--out FILE]\n' });
    expect((await l2l('report', run, '--out', '/proc/x.html')).code).toBe(2);
  });
});
