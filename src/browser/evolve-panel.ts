// The page's evolution panel (docs/browser.md): runs evolution.ts with the worker pool (pool.ts)
// and the learning check on an engine of the page's own thread, as `l2l evolve` screens on its main
// thread; draws the hypervolume per generation and lists the metrics lines as they land. The lines
// stay on window.l2lMetrics (joined by newlines) for tests that compare them with Node's.

import * as Plot from '@observablehq/plot';
import { Engine, provideEngineModule } from '../engine/engine.ts';
import type { GenerationReport } from '../evolve/state.ts';
import { evolveInMemory, pageConfig, screenOn } from './evolution.ts';
import { browserPool } from './pool.ts';
import { compileEngine } from './wasm.ts';

declare global {
  interface Window {
    /** The evolution's metrics lines so far, joined by newlines. */
    l2lMetrics?: string;
  }
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
    window.l2lMetrics = undefined;
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
      await evolveInMemory(config, pool.evaluate, screen, (report, line) => {
        reports.push(report);
        lines.push(line);
        list.textContent = lines.join('\n');
        draw(reports);
        status.textContent = `generation ${report.generation + 1}/${config.generations}, hypervolume ${report.hypervolume.toFixed(4)}, front ${report.frontSize}; ${how}`;
      });
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
