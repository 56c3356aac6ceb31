// Small DOM helpers for the report page's browser code: elements built from data (text is always set
// as text, never parsed as HTML, so names from a run cannot add markup), and the report's sections,
// each with a title, a line saying what it shows, and a note in place of a chart when there is
// nothing to draw.

type Child = Node | string | null | undefined;

/** An element with attributes and children; strings become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A report section: its element (id `id`) and the body charts go in. */
export function section(id: string, title: string, about: string): { root: HTMLElement; body: HTMLElement } {
  const body = el('div', { class: 'body' });
  const root = el('section', { id, class: 'card' }, el('h2', {}, title), el('p', { class: 'about' }, about), body);
  return { root, body };
}

/** The note a section shows instead of a chart when it has no data. */
export function emptyNote(text: string): HTMLElement {
  return el('p', { class: 'empty', 'data-empty': '' }, text);
}

/** A chart with a caption above it. */
export function figure(caption: string, chart: Node): HTMLElement {
  return el('figure', { class: 'chart' }, el('figcaption', {}, caption), chart);
}

/** The width a chart may take in `body` (the page may not be laid out yet: a sensible default then). */
export function widthOf(body: HTMLElement, fallback = 900): number {
  const w = body.clientWidth;
  return Math.max(320, Math.min(1100, w > 0 ? w - 8 : fallback));
}

/** A number for people: four significant digits, or an integer as it is. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
