// `l2l report RUN`: a run directory's report as one self-contained HTML file (docs/report.md). The
// run's data (rundata.ts) is embedded in the page with the bundled client code (bundle.ts), so the
// file opens from disk in a browser with no network and no server. Written atomically: a reader
// never sees half a report.

import { join } from 'node:path';
import { checkStoragePath, fileError, writeFileAtomic } from '../util/files.ts';
import { clientScript } from './bundle.ts';
import { pageHtml } from './html.ts';
import { readRunPage } from './rundata.ts';

export const REPORT_FILE = 'report.html';

/** The report page of the run directory `dir` (named `field` in errors) as HTML text. */
export async function reportHtml(dir: string, field = 'RUN'): Promise<string> {
  const run = readRunPage(dir, field);
  return pageHtml({ mode: 'static', run }, await clientScript());
}

/**
 * Writes the report of `dir` to `out` (default RUN/report.html; `outField` names it in errors) and
 * answers the path and size written.
 */
export async function writeReport(dir: string, out?: string, outField = '--out'): Promise<{ path: string; bytes: number }> {
  const path = out ?? join(dir, REPORT_FILE);
  checkStoragePath(path, outField);
  const html = await reportHtml(dir);
  try {
    writeFileAtomic(path, html, outField);
  } catch (error) {
    throw fileError(error, outField, path);
  }
  return { path, bytes: Buffer.byteLength(html) };
}
