// The live dashboard of `l2l serve`: the runs of the served folder in a side list, the chosen one
// (#run=NAME in the address, else the one that changed last) drawn by the report's own code. The
// server pushes the run list as server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html)
// whenever a generation lands or a run starts or ends; a run whose version changed is fetched again
// and redrawn. EventSource reconnects by itself if the server restarts.

import type { RunListing, RunPage } from '../page-data.ts';
import type { ViewState } from './charts.ts';
import { el } from './dom.ts';
import { renderRun } from './render.ts';

const chosenInAddress = (): string | null => new URLSearchParams(window.location.hash.slice(1)).get('run');

export function startLive(nav: HTMLElement, main: HTMLElement): void {
  let runs: RunListing[] = [];
  let selected: string | null = null;
  let shownVersion: string | null = null;
  let request = 0;
  let view: ViewState = { frontGeneration: null, fixedAxes: false };
  // Draws one at a time: a drawing awaits Graphviz, and a newer one must not interleave with it.
  let drawing: Promise<void> = Promise.resolve();
  const state = el('p', { id: 'live-state', class: 'note' }, 'connecting\u2026');
  const list = el('ul', { id: 'run-list' });
  nav.hidden = false;
  nav.replaceChildren(el('h2', {}, 'Runs'), state, list);

  const drawList = (): void => {
    list.replaceChildren(...runs.map((r) => el('li', r.name === selected ? { class: 'selected' } : {},
      el('a', { href: `#run=${encodeURIComponent(r.name)}`, 'data-run': r.name }, r.name),
      el('span', { class: `status ${r.status}` }, ` ${r.role}, ${r.done}/${r.generations} ${r.status}`))));
  };

  const load = async (name: string, version: string): Promise<void> => {
    const mine = ++request;
    const response = await fetch(`api/run?name=${encodeURIComponent(name)}`, { cache: 'no-store' });
    const answer = await response.json() as RunPage | { error: string };
    if (mine !== request) return;
    if ('error' in answer) {
      main.replaceChildren(el('p', { class: 'error' }, `Run ${name} could not be read: ${answer.error}`));
      return;
    }
    shownVersion = version;
    drawing = drawing.then(() => renderRun(main, answer, view));
    await drawing;
  };

  const update = (): void => {
    const wanted = chosenInAddress() ?? selected ?? [...runs].sort((a, b) => b.modified - a.modified)[0]?.name ?? null;
    const entry = runs.find((r) => r.name === wanted);
    if (entry === undefined) {
      selected = null;
      main.replaceChildren(el('p', { class: 'empty', 'data-empty': '' }, wanted === null
        ? 'No runs in the served folder yet: start one with l2l evolve --out <folder>/<name>.'
        : `No run named ${wanted} in the served folder.`));
      drawList();
      return;
    }
    if (entry.name !== selected) view = { frontGeneration: null, fixedAxes: view.fixedAxes };
    const changed = entry.name !== selected || entry.version !== shownVersion;
    selected = entry.name;
    drawList();
    if (changed) void load(entry.name, entry.version);
  };

  window.addEventListener('hashchange', update);
  const events = new EventSource('api/events');
  events.addEventListener('runs', (event) => {
    runs = JSON.parse((event as MessageEvent<string>).data) as RunListing[];
    state.textContent = `live: ${runs.length} run${runs.length === 1 ? '' : 's'}, updated as generations land`;
    update();
  });
  events.addEventListener('error', () => {
    state.textContent = 'disconnected from l2l serve; retrying\u2026';
  });
}
