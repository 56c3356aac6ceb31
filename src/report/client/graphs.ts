// The genomes section: every genome of the final front (of the latest front while a run is under way)
// drawn by Graphviz compiled to WebAssembly (@viz-js/viz, whose module carries its wasm inline, so a
// report file draws with no network), from the DOT text of src/genome/export.ts, with its update
// rule as formulas (src/genome/formula.ts). Graphviz is started once per page; drawings are kept by
// DOT text, so a live page redraws only genomes it has not drawn before.

import { instance, type Viz } from '@viz-js/viz';
import type { DrawnGenome, RunPage } from '../page-data.ts';
import { el, emptyNote, num } from './dom.ts';

let viz: Promise<Viz> | undefined;
const drawings = new Map<string, SVGSVGElement>();

async function drawing(dot: string): Promise<SVGSVGElement> {
  const known = drawings.get(dot);
  if (known !== undefined) return known.cloneNode(true) as SVGSVGElement;
  viz ??= instance();
  const svg = (await viz).renderSVGElement(dot);
  svg.setAttribute('class', 'graph');
  // Graphviz sizes the drawing in points; the page scales it down to the card's width, and a click
  // shows it at that size (large learners are unreadable scaled down).
  svg.dataset.width = svg.getAttribute('width') ?? '';
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  drawings.set(dot, svg);
  return svg.cloneNode(true) as SVGSVGElement;
}

/** A click toggles the drawing between the card's width and its own size. */
function zoomable(box: HTMLElement): HTMLElement {
  box.addEventListener('click', () => {
    const svg = box.querySelector('svg');
    if (svg === null) return;
    const full = box.toggleAttribute('data-full');
    svg.style.width = full ? (svg.dataset.width ?? '') : '';
  });
  return box;
}

function card(run: RunPage, g: DrawnGenome, picture: Node): HTMLElement {
  const objectives = run.objectives.map((o, k) => `${o} ${num(g.objectives[k])}`).join(', ');
  const born = g.born !== g.made ? `, first made by ${g.born}` : '';
  return el('article', { class: 'genome', 'data-genome': String(g.id) },
    el('h3', {}, `#${g.id} from ${g.origin}`),
    el('p', { class: 'note' }, `${g.made}${born}; ${g.nodes} nodes, ${g.edges} edges; ${objectives}`),
    zoomable(el('div', { class: 'drawing', title: 'click: full size' }, picture)),
    g.formula === null
      ? el('p', { class: 'note' }, `No formula: ${g.formulaError ?? 'it could not be written'}.`)
      : el('pre', { class: 'formula' }, g.formula));
}

/** Fills `body` with the genomes' cards; resolves when every drawing is in place. */
export async function genomesSection(run: RunPage, body: HTMLElement): Promise<void> {
  const genomes = run.genomes;
  if (genomes === null || genomes.members.length === 0) {
    body.append(emptyNote('No front to draw yet: no generation has finished.'));
    return;
  }
  const what = genomes.final
    ? `The final front (generation ${genomes.generation}): ${genomes.members.length} genomes.`
    : `The run has not finished: the first front of generation ${genomes.generation}, the latest, ${genomes.members.length} genomes. The final front replaces it at the end.`;
  body.append(el('p', { class: 'note' }, what, ' Dashed edges are delayed (they carry state across ticks); dotted grey ones are disabled.'));
  const grid = el('div', { class: 'genomes' });
  body.append(grid);
  for (const g of genomes.members) {
    let picture: Node;
    try {
      picture = await drawing(g.dot);
    } catch (error) {
      picture = el('p', { class: 'error' }, `Graphviz could not draw this genome: ${error instanceof Error ? error.message : String(error)}`);
    }
    grid.append(card(run, g, picture));
  }
}
