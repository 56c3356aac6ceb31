// What the browser tests fail on: every console error, page error, failed request and HTTP error of
// a page, and every request it made (the report must make none but its own file).

import type { Page } from 'puppeteer-core';

/** Every console error, page error, failed request and request of `page`, from now on. */
export function watch(page: Page): { problems: string[]; requests: string[] } {
  const seen = { problems: [] as string[], requests: [] as string[] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => seen.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) seen.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('request', (r) => seen.requests.push(r.url()));
  return seen;
}
