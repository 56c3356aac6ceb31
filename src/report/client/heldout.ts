// The held-out section (docs/evolution.md, The truth at the end): final-front.json's table, the
// final front's best learner on each held-out task against the best tuned seed of no more state
// bytes and the best seed of all (src/evolve/heldout.ts computes it; the page only shows it), and a
// dot chart of every front member's and every seed's tuned loss per task.

import * as Plot from '@observablehq/plot';
import type { RunPage } from '../page-data.ts';
import { el, emptyNote, figure, num, widthOf } from './dom.ts';

type Cell = { name: string; loss: number; stateBytes: number } | null;

const seedText = (s: Cell): string => (s === null ? 'none' : `${s.name} ${num(s.loss)} (${s.stateBytes} B)`);

export function heldOutSection(run: RunPage, body: HTMLElement): void {
  const held = run.heldOut;
  if (held === null) {
    body.append(emptyNote(run.status === 'finished'
      ? 'This run has no held-out tasks (config key curriculum.heldOut), so there is no held-out table.'
      : 'The held-out table appears when the run finishes: the final front is then evaluated on the held-out tasks.'));
    return;
  }
  const { table, baseline } = held;
  const unit = run.role === 'learner' ? 'shortfall: 0 at the oracle\'s score, 1 at chance' : 'normalised validation loss at the best step size';
  const head = el('tr', {}, ...['task', 'best front member', `best seed at \u2264 its ${run.role === 'learner' ? 'bytes' : 'state'}`, 'best seed of all'].map((t) => el('th', {}, t)));
  const rows = table.tasks.map((r) => {
    const wins = r.best !== null && r.seed !== null && r.best.loss < r.seed.loss;
    const member = r.best === null ? 'none valid' : `#${r.best.id} ${num(r.best.loss)} (${r.best.stateBytes} B${r.best.structurallyNew ? ', structurally new' : ''})`;
    return el('tr', wins ? { class: 'win' } : {}, el('td', {}, r.task), el('td', {}, member + (wins ? ' \u2713' : '')), el('td', {}, seedText(r.seed)), el('td', {}, seedText(r.bestSeed)));
  });
  const novel = table.members.filter((m) => m.structurallyNew);
  body.append(
    el('table', { class: 'heldout' }, el('caption', {}, `Held-out tasks (${unit}); \u2713: the front member beats the seed at no more state`), el('thead', {}, head), el('tbody', {}, ...rows)),
    el('p', { class: 'note' }, `Structurally new front members (no seed has their graph up to constants): ${novel.length} of ${table.members.length}` +
      (novel.length === 0 ? '.' : `: ${novel.map((m) => `#${m.id} from ${m.origin} (${m.stateBytes} B, beats the seed at \u2264 its state on ${m.wins.length} of ${table.tasks.length})`).join(', ')}.`)),
  );
  const points = [
    ...baseline.flatMap((s) => Object.entries(s.tasks).map(([task, loss]) => ({ task, loss, who: 'seeds (tuned)', name: `${s.name} (${s.stateBytes} B)` }))),
    ...table.members.flatMap((m) => Object.entries(m.tasks).map(([task, loss]) => ({ task, loss, who: 'final front', name: `#${m.id} from ${m.origin} (${m.stateBytes} B)` }))),
  ].filter((p) => Number.isFinite(p.loss));
  if (points.length === 0) return;
  body.append(figure('Every seed\'s and every final-front member\'s loss on each held-out task (lower is better)', Plot.plot({
    width: widthOf(body), height: 60 + 36 * table.tasks.length, marginLeft: 110, grid: true,
    x: { label: unit },
    y: { label: null, domain: table.tasks.map((t) => t.task) },
    color: { legend: true, domain: ['seeds (tuned)', 'final front'], range: ['#b0b0b0', '#ff725c'] },
    marks: [Plot.dot(points, { x: 'loss', y: 'task', stroke: 'who', r: 4, tip: true, title: (p: (typeof points)[number]) => `${p.name}\n${p.task}: ${num(p.loss)}` })],
  })));
}
