// A genome as text for people and tools: its JSON form (codec.ts), a Graphviz DOT digraph and a
// Mermaid flowchart. Nodes show their op (with the constant, period or clamp bounds, and the policy
// when it is not `always`); input and output nodes show their slot and are drawn apart; edges show
// the port when it is not x, the weight when it is not 1 and the delay when it is not 0. Delayed
// edges are dashed (they carry state across ticks), disabled ones dotted and grey.

import { genomeToJSON } from './codec.ts';
import type { EdgeGene, Genome, NodeGene } from './types.ts';

export const EXPORT_FORMATS = ['json', 'dot', 'mermaid'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportGenome(genome: Genome, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return genomeToJSON(genome);
    case 'dot':
      return toDot(genome);
    case 'mermaid':
      return toMermaid(genome);
  }
}

/** The shortest decimal that reads back as the same float32 (weights are float32). */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  for (let digits = 1; digits <= 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === Math.fround(x)) return String(Number(text));
  }
  return String(x);
}

const PORT_NAMES = ['x', 'y', 'z'];

/** The lines of a node's label: slot (input/output), op and its attributes, policy. */
export function nodeLabel(genome: Genome, n: NodeGene): string[] {
  if (n.role === 'input') return [`in ${n.slot}: ${genome.inputs[n.slot]?.name ?? '?'}`];
  const lines: string[] = [];
  if (n.role === 'output') lines.push(`out ${n.slot}: ${genome.outputs[n.slot]?.name ?? '?'}`);
  const [a0, a1] = n.attrs;
  if (n.op === 'const') lines.push(`const ${shortNumber(a0)}`);
  else if (n.op === 'every') lines.push(`every ${shortNumber(a0)}`);
  else if (n.op === 'clamp') lines.push(`clamp [${shortNumber(a0)}, ${shortNumber(a1)}]`);
  else lines.push(n.op);
  if (n.policy.kind !== 'always') lines.push(`${n.policy.kind} ${shortNumber(n.policy.threshold)}`);
  if (n.effects.length > 0) lines.push(`${n.effects.length} effect${n.effects.length > 1 ? 's' : ''}`);
  return lines;
}

/** An edge's label: port (when not x), weight (when not 1), delay (when not 0), 'disabled'; or ''. */
export function edgeLabel(e: EdgeGene): string {
  const parts: string[] = [];
  if (e.port !== 0) parts.push(PORT_NAMES[e.port] ?? `port ${e.port}`);
  if (e.weight !== 1) parts.push(`w ${shortNumber(e.weight)}`);
  if (e.delay !== 0) parts.push(`d ${e.delay}`);
  if (!e.enabled) parts.push('disabled');
  return parts.join(' ');
}

const id = (key: number): string => `n${key}`;

// Names (the genome's, its slots') are user text and may hold anything. Each format gets them
// escaped so that no name can end a string, a comment or a line: control characters (and the
// Unicode line and paragraph separators) become visible escapes such as \n, so the output has the
// same lines and structure whatever the names, and the name is still readable.
const VISIBLE: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const visible = (s: string): string =>
  s.replace(CONTROL, (c) => VISIBLE[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// DOT quoted strings end at an unescaped quote, and Graphviz reads backslash sequences in them
// (\N, \G, \l are substitutions and line breaks): a backslash is doubled, a quote escaped.
const escapeDot = (s: string): string => visible(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const quoteDot = (s: string): string => `"${escapeDot(s)}"`;

function toDot(g: Genome): string {
  const lines = [
    `digraph ${quoteDot(g.name || 'genome')} {`,
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of g.nodes) {
    const label = nodeLabel(g, n).map(escapeDot).join('\\n');
    const style =
      n.role === 'input' ? ', shape=invhouse, style=filled, fillcolor="#dbeafe"'
        : n.role === 'output' ? ', shape=doubleoctagon, style=filled, fillcolor="#dcfce7"'
          : n.op === 'const' ? ', shape=plaintext' : '';
    lines.push(`  ${id(n.key)} [label="${label}"${style}];`);
  }
  for (const e of g.edges) {
    const attrs = [`id="e${e.key}"`];
    const label = edgeLabel(e);
    if (label !== '') attrs.push(`label=${quoteDot(label)}`);
    if (!e.enabled) attrs.push('style=dotted', 'color=grey');
    else if (e.delay > 0) attrs.push('style=dashed');
    lines.push(`  ${id(e.source)} -> ${id(e.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// Mermaid labels are quoted strings read as HTML: a quote, `#` (which starts Mermaid's entity
// codes), `<`, `>` and `&` are written as entity codes, so a name can neither end the string nor
// add markup (the labels' own line breaks are `<br/>`, added after escaping).
const MERMAID_ENTITIES: Record<string, string> = { '#': '#35;', '"': '#quot;', '<': '#60;', '>': '#62;', '&': '#38;' };
const escapeMermaid = (s: string): string => visible(s).replace(/[#"<>&]/g, (c) => MERMAID_ENTITIES[c] as string);
const quoteMermaid = (s: string): string => `"${escapeMermaid(s)}"`;
// A comment runs to the end of its line; `%%{` would start a directive, so the name in the
// comment has no braces or percent signs.
const commentText = (s: string): string => visible(s).replace(/[{}%]/g, (c) => `#${c.charCodeAt(0)};`);

function toMermaid(g: Genome): string {
  const lines = ['flowchart LR', `  %% ${commentText(g.name || 'genome')}: ${g.nodes.length} nodes, ${g.edges.length} edges`];
  for (const n of g.nodes) {
    const label = `"${nodeLabel(g, n).map(escapeMermaid).join('<br/>')}"`;
    // stadium for inputs, subroutine box for outputs, plain boxes for the rest
    const shape = n.role === 'input' ? `([${label}])` : n.role === 'output' ? `[[${label}]]` : `[${label}]`;
    lines.push(`  ${id(n.key)}${shape}`);
  }
  for (const e of g.edges) {
    const arrow = !e.enabled || e.delay > 0 ? '-.->' : '-->';
    const label = edgeLabel(e);
    lines.push(`  ${id(e.source)} ${arrow}${label === '' ? '' : `|${quoteMermaid(label)}|`} ${id(e.target)}`);
  }
  const byRole = (role: NodeGene['role']): string => g.nodes.filter((n) => n.role === role).map((n) => id(n.key)).join(',');
  lines.push('  classDef input fill:#dbeafe,stroke:#1d4ed8', '  classDef output fill:#dcfce7,stroke:#15803d');
  if (byRole('input') !== '') lines.push(`  class ${byRole('input')} input`);
  if (byRole('output') !== '') lines.push(`  class ${byRole('output')} output`);
  return `${lines.join('\n')}\n`;
}
