// The page's evolution panel (docs/browser.md): runs evolution.ts with the worker pool (pool.ts)
// and the learning check on an engine of the page's own thread, as `l2l evolve` screens on its main
// thread; draws the hypervolume per generation and lists the metrics lines as they land; at the end,
// shows the held-out table of the final front and offers the run's files for download. The lines
// stay on window.l2lMetrics (joined by newlines) and the files on window.l2lRun, for tests that
// compare them with Node's.

import * as Plot from '@observablehq/plot';
import { Engine, provideEngineModule } from '../engine/engine.ts';
import type { HeldOutTable } from '../evolve/heldout.ts';
import { frontFileName } from '../evolve/records.ts';
import type { GenerationReport } from '../evolve/state.ts';
import { evolveInMemory, pageConfig, screenOn, type PageRun } from './evolution.ts';
import { browserPool } from './pool.ts';
import { compileEngine } from './wasm.ts';

declare global {
  interface Window {
    /** The evolution's metrics lines so far, joined by newlines. */
    l2lMetrics?: string;
    /** The finished evolution's files: metrics lines, front files, final-front.json's text. */
    l2lRun?: { lines: string[]; fronts: string[]; finalText: string };
  }
}

/** A loss as the table shows it. */
const loss = (x: number): string => (x < 1e-3 || x >= 1e4 ? x.toExponential(2) : x.toPrecision(3));

/** The held-out table (src/evolve/heldout.ts) as an HTML table: per task, the front's best against the seeds. */
function heldOutRows(table: HeldOutTable): HTMLTableElement {
  const out = document.createElement('table');
  const row = (cells: string[], tag: 'td' | 'th'): void => {
    const tr = out.insertRow();
    for (const text of cells) {
      const cell = document.createElement(tag);
      cell.textContent = text;
      tr.append(cell);
    }
  };
  row(['held-out task', 'front\'s best (id, loss)', 'best seed of no more state', 'best seed'], 'th');
  for (const t of table.tasks) {
    row([
      t.task,
      t.best === null ? 'none valid' : `#${t.best.id}${t.best.structurallyNew ? ' (new structure)' : ''}: ${loss(t.best.loss)}`,
      t.seed === null ? 'none' : `${t.seed.name}: ${loss(t.seed.loss)}`,
      t.bestSeed === null ? 'none' : `${t.bestSeed.name}: ${loss(t.bestSeed.loss)}`,
    ], 'td');
  }
  return out;
}

/** Links that save the run's files as `l2l evolve` names them in a run directory. */
function downloads(run: PageRun): HTMLAnchorElement[] {
  const last = run.fronts.length - 1;
  const files: [string, string][] = [
    ['metrics.jsonl', `${run.lines.join('\n')}\n`],
    [`fronts/${frontFileName(last)}`, run.fronts[last] ?? ''],
    ['final-front.json', run.finalText],
  ];
  return files.map(([name, text]) => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: name.endsWith('.jsonl') ? 'application/jsonl' : 'application/json' }));
    link.download = name.replace('/', '-');
    link.textContent = name;
    return link;
  });
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

export function setupEvolution(): void {
  const form = element<HTMLFormElement>('evolve-form');
  const seedInput = element<HTMLInputElement>('evolve-seed');
  const generationsInput = element<HTMLInputElement>('evolve-generations');
  const populationInput = element<HTMLInputElement>('evolve-population');
  const workersInput = element<HTMLInputElement>('evolve-workers');
  const button = element<HTMLButtonElement>('evolve-run');
  const status = element<HTMLParagraphElement>('evolve-status');
  const chart = element<HTMLDivElement>('evolve-chart');
  const list = element<HTMLPreElement>('evolve-lines');
  const finalBox = element<HTMLDivElement>('evolve-final');
  workersInput.value = String(Math.min(4, Math.max(1, navigator.hardwareConcurrency || 1)));
  provideEngineModule(compileEngine());
  let engine: Promise<Engine> | undefined;

  const draw = (reports: readonly GenerationReport[]): void => {
    const points = reports.map((r) => ({ generation: r.generation, hypervolume: r.hypervolume }));
    chart.replaceChildren(Plot.plot({
      width: 800, height: 260, grid: true,
      x: { label: 'generation', ticks: points.map((p) => p.generation), tickFormat: 'd' },
      y: { label: 'hypervolume (this generation\'s plan)' },
      marks: [Plot.line(points, { x: 'generation', y: 'hypervolume', stroke: '#aa5533' }), Plot.dot(points, { x: 'generation', y: 'hypervolume', fill: '#aa5533' })],
    }));
  };

  const run = async (): Promise<void> => {
    button.disabled = true;
    status.classList.remove('error');
    list.textContent = '';
    finalBox.querySelectorAll('a').forEach((link) => URL.revokeObjectURL(link.href));
    finalBox.replaceChildren();
    window.l2lMetrics = undefined;
    window.l2lRun = undefined;
    const pool = browserPool(Number(workersInput.value));
    try {
      const config = pageConfig(Number(seedInput.value), Number(generationsInput.value), Number(populationInput.value));
      engine ??= Engine.create();
      const screen = screenOn(await engine, config);
      const how = `${pool.workers} worker${pool.workers === 1 ? '' : 's'}${pool.shared ? ' sharing memory' : ' (not cross-origin isolated: one worker)'}`;
      status.textContent = `evolving with ${how}`;
      const reports: GenerationReport[] = [];
      const lines: string[] = [];
      const started = performance.now();
      const result = await evolveInMemory(config, pool.evaluate, screen, (report, line) => {
        reports.push(report);
        lines.push(line);
        list.textContent = lines.join('\n');
        draw(reports);
        status.textContent = `generation ${report.generation + 1}/${config.generations}, hypervolume ${report.hypervolume.toFixed(4)}, front ${report.frontSize}; ${how}`;
      });
      const heading = document.createElement('h3');
      heading.textContent = `The final front (generation ${result.final.generation}: ${result.final.members.length} members) on the held-out tasks`;
      const files = document.createElement('p');
      files.append('The run\'s files, as l2l evolve writes them: ', ...downloads(result).flatMap((a, i) => (i === 0 ? [a] : [', ', a])));
      finalBox.replaceChildren(heading, ...(result.final.table === null ? [] : [heldOutRows(result.final.table)]), files);
      window.l2lRun = { lines: result.lines, fronts: result.fronts, finalText: result.finalText };
      window.l2lMetrics = lines.join('\n');
      status.textContent = `done: ${config.generations} generations of ${config.population} in ${((performance.now() - started) / 1000).toFixed(1)} s with ${how}`;
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
      status.classList.add('error');
    } finally {
      pool.destroy();
      button.disabled = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
}
