// One run's report, drawn into the page's <main>: a header with the run's settings and state, then
// the sections in the order docs/report.md describes them. The same function draws a report file
// and, on every new generation, the live dashboard. The <main> element carries data-run, data-done
// and data-ready (set once every drawing is in place), which tests and scripts can wait on.

import type { RunPage } from '../page-data.ts';
import { frontsChart, hypervolumeChart, invalidChart, speciesChart, surrogateChart, type ViewState } from './charts.ts';
import { el, num, section } from './dom.ts';
import { genomesSection } from './graphs.ts';
import { heldOutSection } from './heldout.ts';

const STATUS: Record<RunPage['status'], string> = {
  running: 'running',
  finished: 'finished',
  stopped: 'stopped before its last generation (resume it with l2l evolve --resume)',
};

function header(run: RunPage): HTMLElement {
  const last = run.metrics.at(-1);
  const reports = run.metrics.filter((m) => m.report !== null);
  const seeds = run.metrics.find((m) => m.report?.seeds !== undefined)?.report?.seeds;
  const facts = [
    `${run.role} role`, `seed ${run.seed}`, `population ${run.population}`,
    `${run.done} of ${run.generations} generations`, STATUS[run.status],
  ];
  const lines: string[] = [];
  if (last !== undefined) lines.push(`Generation ${last.generation}: ${last.frontSize} genomes on the first front, ${last.species.length} species, ${last.lineages} seed lineages alive; tasks ${last.tasks.join(', ')} (${last.steps} steps).`);
  const firstReport = reports[0];
  const lastReport = reports.at(-1);
  if (firstReport?.report != null && lastReport?.report != null) {
    lines.push(`Report hypervolume: ${seeds === undefined ? '' : `the seeds ${num(seeds)}, `}generation ${firstReport.generation}'s front ${num(firstReport.report.hypervolume)}, generation ${lastReport.generation}'s ${num(lastReport.report.hypervolume)}.`);
  }
  return el('header', { id: 'summary' }, el('h1', {}, `Run ${run.name}`), el('p', { class: 'facts' }, facts.join(' \u00b7 ')), ...lines.map((l) => el('p', {}, l)));
}

/** Draws `run` into `main`, replacing what was there; resolves when the graph drawings are done. */
export async function renderRun(main: HTMLElement, run: RunPage, view: ViewState): Promise<void> {
  main.dataset.ready = 'false';
  main.dataset.run = run.name;
  main.dataset.done = String(run.done);
  main.dataset.status = run.status;
  const parts = [
    section('hypervolume', 'Hypervolume', 'The first front\'s hypervolume on each generation\'s own training plan (its tasks change with the curriculum, so it is not comparable across generations), and on the fixed report plan of held-out tasks at report generations (comparable), with the seeds\' own front on the report plan as the baseline.'),
    section('fronts', 'Pareto fronts', 'Each generation\'s first front on its training plan, one scatter plot per pair of objectives (lower is better in all of them); the slider picks the generation, colours say how each genome was made.'),
    section('species', 'Species', 'How many genomes each NEAT species holds, per generation, stacked: the population\'s split into species.'),
    section('heldout', 'Held-out tasks', 'The final front against the seeds on tasks no genome trained on, every genome at its best step size on each task\'s training data.'),
    section('invalid', 'Invalid genomes', 'Genomes of each generation that were invalid, by reason (docs/tasks.md): they get a penalty instead of objectives.'),
    section('surrogate', 'Surrogate', 'The graph-VAE surrogate\'s training loss and the children it made (docs/surrogate.md).'),
    section('genomes', 'Genomes', 'Every genome of the final front as a graph, with its update rule as formulas.'),
  ];
  main.replaceChildren(header(run), ...parts.map((p) => p.root));
  const body = (id: string): HTMLElement => parts.find((p) => p.root.id === id)!.body;
  hypervolumeChart(run, body('hypervolume'));
  frontsChart(run, body('fronts'), view);
  speciesChart(run, body('species'));
  heldOutSection(run, body('heldout'));
  invalidChart(run, body('invalid'));
  surrogateChart(run, body('surrogate'));
  await genomesSection(run, body('genomes'));
  main.dataset.ready = 'true';
}
