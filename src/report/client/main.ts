// The report page's browser entry, bundled by esbuild into the page (src/report/bundle.ts). The page
// says how it starts in a JSON script element (page-data.ts, PageBoot): with a run's data embedded,
// for a report file opened from disk, or live from `l2l serve`.

import type { PageBoot } from '../page-data.ts';
import { startLive } from './live.ts';
import { renderRun } from './render.ts';

function boot(): void {
  const script = document.getElementById('l2l-boot');
  const main = document.getElementById('report');
  const nav = document.getElementById('runs');
  if (script === null || main === null || nav === null) throw new Error('the page lacks #l2l-boot, #report or #runs');
  const page = JSON.parse(script.textContent ?? '') as PageBoot;
  if (page.mode === 'static') void renderRun(main, page.run, { frontGeneration: null, fixedAxes: false });
  else startLive(nav, main);
}

boot();
