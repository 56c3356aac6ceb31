// The report's charts of a run's generations, drawn with Observable Plot (https://observablehq.com/plot/):
// the hypervolume curves, the first fronts as scatter plots of each objective pair (a slider picks
// the generation), the species sizes stacked, invalid genomes by reason, and the surrogate's loss and
// children. Each function fills a section's body; with nothing to draw it says why instead.

import * as Plot from '@observablehq/plot';
import type { RunPage } from '../page-data.ts';
import { el, emptyNote, figure, num, widthOf } from './dom.ts';

/** What the page remembers across redraws of a live run. */
export interface ViewState {
  /** The generation the fronts slider shows; null: follow the latest. */
  frontGeneration: number | null;
  /** Whether the front plots keep one set of axes for every generation (else each fits its generation). */
  fixedAxes: boolean;
}

const noGenerations = (run: RunPage): HTMLElement => emptyNote(`No generation has finished yet (0 of ${run.generations}).`);

/** Whole generations, at most about a dozen, for an axis from `first` to `last`. */
function generationTicks(first: number, last: number): number[] {
  const step = Math.max(1, Math.ceil((last - first) / 12));
  const ticks: number[] = [];
  for (let g = first; g <= last; g += step) ticks.push(g);
  return ticks;
}

/** The generation axis of a line or area chart (a continuous scale with whole-number ticks). */
function generationAxis(run: RunPage): Plot.ScaleOptions {
  const first = run.metrics[0]?.generation ?? 0;
  const last = run.metrics.at(-1)?.generation ?? 0;
  return { label: 'generation', ticks: generationTicks(first, last), tickFormat: 'd', ...(first === last ? { domain: [first - 1, last + 1] } : {}) };
}

/** The generation axis of a bar chart: a band per generation, labelled at whole-number ticks. */
function generationBands(generations: readonly number[]): Plot.ScaleOptions {
  return { type: 'band', label: 'generation', domain: [...generations], ticks: generationTicks(generations[0] ?? 0, generations.at(-1) ?? 0), tickFormat: 'd', padding: 0.15 };
}

/** A count axis that starts at 0 and reaches at least 1, so a chart of zeros still has a scale. */
function countAxis(label: string, rows: readonly { generation: number; count: number }[]): Plot.ScaleOptions {
  const totals = new Map<number, number>();
  for (const r of rows) totals.set(r.generation, (totals.get(r.generation) ?? 0) + r.count);
  let top = 1;
  for (const t of totals.values()) top = Math.max(top, t);
  return { label, grid: true, domain: [0, top] };
}

export function hypervolumeChart(run: RunPage, body: HTMLElement): void {
  if (run.metrics.length === 0) return void body.append(noGenerations(run));
  const training = 'training plan (the generation\'s own tasks)';
  const report = 'report plan (held-out tasks, comparable)';
  const seeds = 'the seeds on the report plan';
  const rows: { generation: number; value: number; series: string }[] = [];
  for (const m of run.metrics) rows.push({ generation: m.generation, value: m.hypervolume, series: training });
  for (const m of run.metrics) if (m.report !== null) rows.push({ generation: m.generation, value: m.report.hypervolume, series: report });
  const baseline = run.metrics.find((m) => m.report?.seeds !== undefined)?.report?.seeds;
  const first = run.metrics[0]?.generation ?? 0;
  const last = run.metrics.at(-1)?.generation ?? 0;
  if (baseline !== undefined) rows.push({ generation: first, value: baseline, series: seeds }, { generation: last, value: baseline, series: seeds });
  const domain = [training, report, seeds].filter((s) => rows.some((r) => r.series === s));
  const chart = Plot.plot({
    width: widthOf(body), height: 300, grid: true, marginLeft: 50,
    x: generationAxis(run),
    y: { label: 'hypervolume' },
    color: { legend: true, domain, range: ['#4269d0', '#ff725c', '#9a9a9a'] },
    marks: [
      Plot.lineY(rows.filter((r) => r.series !== seeds), { x: 'generation', y: 'value', stroke: 'series', marker: 'circle' }),
      Plot.lineY(rows.filter((r) => r.series === seeds), { x: 'generation', y: 'value', stroke: 'series', strokeDasharray: '6 4' }),
      Plot.tip(rows, Plot.pointer({ x: 'generation', y: 'value', stroke: 'series', title: (r: (typeof rows)[number]) => `${r.series}\ngeneration ${r.generation}: ${num(r.value)}` })),
    ],
  });
  const note = baseline === undefined ? 'No report generation has run yet, so the seeds\' baseline is not known.' : `The ${run.role} seeds' own front on the report plan: ${num(baseline)}.`;
  body.append(figure('Hypervolume per generation', chart), el('p', { class: 'note' }, note));
}

/** Each objective's extent over `fronts`, padded a little; a constant objective gets a unit-wide range. */
function extents(run: RunPage, fronts: RunPage['fronts']): [number, number][] {
  return run.objectives.map((_, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const f of fronts) for (const p of f.points) {
      const v = p.objectives[k];
      if (v !== undefined && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo)) return [0, 1];
    const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(lo) * 0.1, 0.5);
    return [lo - pad, hi + pad];
  });
}

export function frontsChart(run: RunPage, body: HTMLElement, view: ViewState): void {
  if (run.fronts.length === 0) return void body.append(noGenerations(run));
  const last = run.fronts.length - 1;
  const chosen = view.frontGeneration === null ? last : Math.min(view.frontGeneration, last);
  const slider = el('input', { type: 'range', min: '0', max: String(last), step: '1', value: String(chosen), id: 'front-generation', 'aria-label': 'generation' });
  const label = el('output', { for: 'front-generation' });
  const grid = el('div', { class: 'pairs' });
  // Early generations' outliers would squeeze a later front into a corner, so by default each
  // generation gets its own axes; held axes show how the front moves.
  const fixed = el('input', { type: 'checkbox', id: 'front-fixed', ...(view.fixedAxes ? { checked: '' } : {}) });
  const overall = extents(run, run.fronts);
  const legend = Plot.legend({ color: { domain: run.made, type: 'categorical' } });
  const draw = (g: number): void => {
    const front = run.fronts[g];
    if (front === undefined) return;
    const domains = view.fixedAxes ? overall : extents(run, [front]);
    label.textContent = `generation ${front.generation}: ${front.points.length} genomes on the first front`;
    grid.replaceChildren();
    for (let i = 0; i < run.objectives.length; i++) {
      for (let j = i + 1; j < run.objectives.length; j++) {
        const x = (p: (typeof front.points)[number]): number | undefined => p.objectives[i];
        const y = (p: (typeof front.points)[number]): number | undefined => p.objectives[j];
        grid.append(Plot.plot({
          width: 300, height: 240, grid: true, marginLeft: 50, marginBottom: 40,
          x: { label: run.objectives[i], domain: domains[i] },
          y: { label: run.objectives[j], domain: domains[j] },
          color: { domain: run.made, type: 'categorical' },
          marks: [
            Plot.dot(front.points, {
              x, y, fill: 'made', r: 4, stroke: 'white', strokeWidth: 0.5, tip: true,
              title: (p: (typeof front.points)[number]) => `#${p.id} from ${p.origin} (${p.made})\n${run.objectives.map((o, k) => `${o} ${num(p.objectives[k])}`).join('\n')}`,
            }),
          ],
        }));
      }
    }
  };
  slider.addEventListener('input', () => {
    const g = Number(slider.value);
    view.frontGeneration = g === last ? null : g;
    draw(g);
  });
  fixed.addEventListener('change', () => {
    view.fixedAxes = fixed.checked;
    draw(Number(slider.value));
  });
  draw(chosen);
  body.append(el('div', { class: 'slider' }, slider, label, el('label', {}, fixed, ' same axes for every generation')), legend, grid);
}

export function speciesChart(run: RunPage, body: HTMLElement): void {
  if (run.metrics.length === 0) return void body.append(noGenerations(run));
  const names = new Map<number, string>();
  for (const m of run.metrics) for (const s of m.species) if (!names.has(s.id)) names.set(s.id, `#${s.id}${s.origin === null ? '' : ` ${s.origin}`}`);
  const ids = [...names.keys()].sort((a, b) => a - b);
  // Every species at every generation (0 where it is absent), so the stacked areas close up.
  const rows = run.metrics.flatMap((m) => {
    const size = new Map(m.species.map((s) => [s.id, s.size]));
    return ids.map((id) => ({ generation: m.generation, size: size.get(id) ?? 0, species: names.get(id) as string }));
  });
  // One generation has no area to stack: bars then.
  const single = run.metrics.length === 1;
  const chart = Plot.plot({
    width: widthOf(body), height: 300, marginLeft: 50,
    x: single ? generationBands(run.metrics.map((m) => m.generation)) : generationAxis(run),
    y: { label: 'genomes' },
    color: { legend: ids.length <= 16, domain: ids.map((id) => names.get(id) as string) },
    marks: [
      single
        ? Plot.barY(rows, { x: 'generation', y: 'size', fill: 'species', tip: true })
        : Plot.areaY(rows, { x: 'generation', y: 'size', fill: 'species', order: ids.map((id) => names.get(id) as string), tip: true }),
      Plot.ruleY([0]),
    ],
  });
  const last = run.metrics.at(-1)!;
  body.append(figure(`Species sizes (${ids.length} species over the run, ${last.species.length} in generation ${last.generation})`, chart));
}

export function invalidChart(run: RunPage, body: HTMLElement): void {
  if (run.metrics.length === 0) return void body.append(noGenerations(run));
  const reasons = new Set<string>();
  for (const m of run.metrics) for (const r of Object.keys(m.invalid)) reasons.add(r);
  const totals = new Map([...reasons].map((r) => [r, run.metrics.reduce((a, m) => a + (m.invalid[r] ?? 0), 0)]));
  const seen = [...reasons].filter((r) => (totals.get(r) ?? 0) > 0);
  if (seen.length === 0) {
    body.append(emptyNote(`No genome was invalid in any of the ${run.metrics.length} generations (reasons counted: ${[...reasons].join(', ')}).`));
    return;
  }
  const rows = run.metrics.flatMap((m) => seen.map((reason) => ({ generation: m.generation, count: m.invalid[reason] ?? 0, reason })));
  const chart = Plot.plot({
    width: widthOf(body), height: 260, marginLeft: 50,
    x: generationBands(run.metrics.map((m) => m.generation)),
    y: countAxis('invalid genomes', rows),
    color: { legend: true, domain: seen },
    marks: [Plot.barY(rows, { x: 'generation', y: 'count', fill: 'reason', tip: true }), Plot.ruleY([0])],
  });
  body.append(figure(`Invalid genomes by reason, of ${run.population} per generation (${seen.map((r) => `${r} ${totals.get(r)}`).join(', ')} in all)`, chart));
}

export function surrogateChart(run: RunPage, body: HTMLElement): void {
  const rows = run.metrics.flatMap((m) => (m.surrogate === undefined ? [] : [{ generation: m.generation, ...m.surrogate }]));
  if (rows.length === 0) {
    body.append(emptyNote(run.surrogate
      ? 'The surrogate is on in this run but no generation has reported it yet.'
      : 'The surrogate was off in this run (config key surrogate.enabled; docs/surrogate.md).'));
    return;
  }
  const losses = rows.filter((r) => r.loss !== null) as ((typeof rows)[number] & { loss: number })[];
  const width = widthOf(body);
  if (losses.length === 0) body.append(emptyNote('The surrogate has not trained yet: no loss to show.'));
  else {
    body.append(figure('Surrogate training loss per generation: the mean over its training steps of the negative ELBO plus the fitness predictor\'s negative log-likelihood', Plot.plot({
      width, height: 240, grid: true, marginLeft: 60, x: generationAxis(run), y: { label: 'loss' },
      marks: [Plot.lineY(losses, { x: 'generation', y: 'loss', marker: 'circle', tip: true })],
    })));
  }
  const kinds = [['guided', 'guided'], ['crossSpecies', 'cross-species'], ['filtered', 'filtered'], ['invalid', 'invalid decodes']] as const;
  const children = rows.flatMap((r) => kinds.map(([key, kind]) => ({ generation: r.generation, kind, count: key === 'invalid' ? r.invalid : r.children[key] })));
  const totals = kinds.map(([, kind]) => `${kind} ${children.reduce((a, c) => a + (c.kind === kind ? c.count : 0), 0)}`).join(', ');
  body.append(figure(`Children the surrogate made per generation, and its decodes that were not valid genomes (${totals} in all)`, Plot.plot({
    width, height: 220, marginLeft: 60, x: generationBands(rows.map((r) => r.generation)), y: countAxis('children', children),
    color: { legend: true, domain: kinds.map(([, kind]) => kind) },
    marks: [Plot.barY(children, { x: 'generation', y: 'count', fill: 'kind', tip: true }), Plot.ruleY([0])],
  })));
}
