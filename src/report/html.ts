// The report page as one HTML file: its style, the bundled client script (bundle.ts) and how it
// starts (page-data.ts, PageBoot) as JSON in a script element. The same page is a report file, with
// a run's data embedded, and the live dashboard of `l2l serve`. A Content-Security-Policy keeps the
// page to itself: a report file may load nothing at all, the dashboard only talk to its server, so
// a page that tried to reach the network would fail loudly instead of quietly depending on it.

import type { PageBoot } from './page-data.ts';

const STYLE = `
:root { color-scheme: light; --ink: #1f2430; --muted: #5b6170; --line: #e2e5ea; --card: #ffffff; --bg: #f5f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); display: flex; align-items: flex-start; }
nav#runs { position: sticky; top: 0; width: 260px; flex: none; height: 100vh; overflow: auto; padding: 16px; border-right: 1px solid var(--line); background: var(--card); }
nav#runs ul { list-style: none; padding: 0; margin: 0; }
nav#runs li { padding: 6px 4px; border-bottom: 1px solid var(--line); }
nav#runs li.selected { background: #eef3ff; }
nav#runs a { font-weight: 600; word-break: break-all; }
.status { color: var(--muted); font-size: 12px; display: block; }
.status.running { color: #1a7f37; }
main#report { flex: 1; min-width: 0; max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
header#summary h1 { margin: 8px 0 4px; font-size: 22px; word-break: break-all; }
.facts { color: var(--muted); }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
section.card h2 { margin: 0 0 4px; font-size: 17px; }
.about, .note { color: var(--muted); margin: 4px 0 8px; }
.empty { color: var(--muted); font-style: italic; padding: 12px; background: var(--bg); border-radius: 6px; }
.error { color: #b42318; }
figure.chart { margin: 8px 0 16px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.slider { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.slider input { flex: 1; max-width: 520px; }
.pairs { display: flex; flex-wrap: wrap; gap: 8px; }
table.heldout { border-collapse: collapse; margin: 8px 0; width: 100%; }
table.heldout caption { text-align: left; color: var(--muted); margin-bottom: 4px; }
table.heldout th, table.heldout td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
table.heldout tr.win td { background: #ecfdf3; }
.genomes { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
article.genome { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 0; }
article.genome h3 { margin: 0; font-size: 15px; }
.drawing { overflow: auto; max-height: 560px; }
svg.graph { width: 100%; height: auto; max-height: 540px; cursor: zoom-in; }
.drawing[data-full] { max-height: none; }
.drawing[data-full] svg.graph { max-width: none; max-height: none; cursor: zoom-out; }
pre.formula { background: var(--bg); padding: 8px; border-radius: 4px; overflow: auto; max-height: 240px; font-size: 12px; }
a { color: #2457c5; }
`;

/** JSON inside a script element: "<" escaped, so no value can close the element or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page; `script` is the client bundle (bundle.ts, clientScript). */
export function pageHtml(boot: PageBoot, script: string): string {
  const title = boot.mode === 'static' ? `l2l report: ${boot.run.name}` : 'l2l serve: live runs';
  const connect = boot.mode === 'static' ? "'none'" : "'self'";
  const policy = `default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src ${connect}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<nav id="runs" hidden></nav>
<main id="report" data-ready="false"><p class="note">Drawing the report\u2026 (this page needs JavaScript)</p></main>
<script id="l2l-boot" type="application/json">${scriptJson(boot)}</script>
<script>${script}</script>
</body>
</html>
`;
}
