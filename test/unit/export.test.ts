// The export formats (src/genome/export.ts) and the state count (src/genome/state.ts) on hand-built
// genomes: every node and edge appears, inputs and outputs are marked, labels carry weights, delays
// and ports; state per parameter agrees with the engine's costs where all delayed values are lanes.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { adamGenome } from '../../src/examples/adam.ts';
import { genomeFromJSON } from '../../src/genome/codec.ts';
import { edgeLabel, exportGenome, shortNumber } from '../../src/genome/export.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { nodeWidths, stateBytesPerParameter } from '../../src/genome/state.ts';
import type { Genome } from '../../src/genome/types.ts';
import { emaJSON, lifJSON } from '../fixtures/genomes.ts';

const genomes = (): Genome[] => [adamGenome(), parseGenome(emaJSON()), parseGenome(lifJSON())];

describe('exportGenome', () => {
  it('json is the codec form and reads back equal', () => {
    for (const g of genomes()) expect(genomeFromJSON(exportGenome(g, 'json'))).toEqual(g);
  });

  it('dot is a digraph with every node once and every edge once', () => {
    for (const g of genomes()) {
      const dot = exportGenome(g, 'dot');
      expect(dot.startsWith('digraph ')).toBe(true);
      expect(dot.trimEnd().endsWith('}')).toBe(true);
      for (const n of g.nodes) expect(dot.match(new RegExp(`^  n${n.key} \\[label=`, 'gm'))).toHaveLength(1);
      for (const e of g.edges) {
        const line = dot.split('\n').find((l) => l.includes(`id="e${e.key}"`));
        expect(line, `edge ${e.key}`).toMatch(new RegExp(`^  n${e.source} -> n${e.target} \\[`));
      }
      expect(dot.match(/ -> /g)).toHaveLength(g.edges.length);
      expect(dot.match(/\{/g)).toHaveLength(1); // balanced: one block
      expect(dot.match(/\}/g)).toHaveLength(1);
    }
  });

  it('mermaid is a flowchart with every node and every edge', () => {
    for (const g of genomes()) {
      const text = exportGenome(g, 'mermaid');
      expect(text.startsWith('flowchart LR\n')).toBe(true);
      for (const n of g.nodes) expect(text.match(new RegExp(`^  n${n.key}[\\[(]`, 'gm'))).toHaveLength(1);
      const edges = text.split('\n').filter((l) => / (-->|-\.->)/.test(l));
      expect(edges).toHaveLength(g.edges.length);
      for (const e of g.edges) {
        expect(edges.some((l) => new RegExp(`^  n${e.source} (-->|-\\.->)(\\|[^|]*\\|)? n${e.target}$`).test(l)), `edge ${e.key}`).toBe(true);
      }
      // labels are quoted, so no raw quote may appear inside one
      for (const l of text.split('\n')) expect((l.match(/"/g) ?? []).length % 2).toBe(0);
    }
  });

  it('marks inputs and outputs and labels ops, constants, weights and delays', () => {
    const g = adamGenome();
    const dot = exportGenome(g, 'dot');
    expect(dot).toContain('n0 [label="in 0: gradient", shape=invhouse');
    expect(dot).toContain('n18 [label="out 0: parameter\\nidentity", shape=doubleoctagon');
    expect(dot).toContain('label="const 0.9"');
    expect(dot).toMatch(/n6 -> n6 \[id="e\d+", label="w 0\.9 d 1", style=dashed\]/); // m's own value one tick back
    expect(dot).toMatch(/n12 -> n14 \[id="e\d+", label="y"\]/); // the bias correction is the divisor
    const mermaid = exportGenome(g, 'mermaid');
    expect(mermaid).toContain('n0(["in 0: gradient"])');
    expect(mermaid).toContain('n18[["out 0: parameter<br/>identity"]]');
    expect(mermaid).toMatch(/n6 -\.->\|"w 0\.9 d 1"\| n6/);
    expect(mermaid).toContain('class n0,n1,n2 input');
    expect(mermaid).toContain('class n18 output');
  });

  it('labels edges only with what differs from weight 1, delay 0, port x', () => {
    const e = { key: 1, source: 0, target: 1, port: 0, weight: 1, delay: 0, enabled: true };
    expect(edgeLabel(e)).toBe('');
    expect(edgeLabel({ ...e, port: 2, weight: Math.fround(-0.001), delay: 3, enabled: false })).toBe('z w -0.001 d 3 disabled');
    expect(shortNumber(Math.fround(0.1))).toBe('0.1');
    expect(shortNumber(Math.fround(1e-8))).toBe('1e-8');
    expect(shortNumber(Math.fround(1 / 3))).toBe('0.33333334');
  });
});

describe('exportGenome with hostile names', () => {
  // Names are user text: none may end a string, a comment or a line of the output.
  const HOSTILE = ['two\nlines', 'cr\rlf\r\n', 'say "hi"', 'back\\slash \\N \\G', '%% not a comment', '"] --> x["', '} digraph x {',
    '%%{init: {"theme": "dark"}}%%', '<b>bold</b> &amp; #quot;', 'tab\there\u0000\u001b\u2028end'];
  const named = (name: string): Genome => {
    const g = parseGenome(emaJSON());
    return { ...g, name, inputs: [{ name, width: 'lane' }], outputs: [{ name }] };
  };
  // The output outside its quoted strings (DOT strings may hold escaped quotes, Mermaid's none).
  const dotFrame = (text: string): string => text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const mermaidFrame = (text: string): string => text.replace(/"[^"]*"/g, '""').replace(/^ {2}%% .*$/m, '  %%');

  it('keep the lines and the structure of DOT and Mermaid whatever the names', () => {
    const plain = named('plain');
    const plainDot = exportGenome(plain, 'dot');
    const plainMermaid = exportGenome(plain, 'mermaid');
    for (const name of HOSTILE) {
      const dot = exportGenome(named(name), 'dot');
      expect(dot.split('\n'), JSON.stringify(name)).toHaveLength(plainDot.split('\n').length);
      expect(dotFrame(dot), JSON.stringify(name)).toBe(dotFrame(plainDot));
      const mermaid = exportGenome(named(name), 'mermaid');
      expect(mermaid.split('\n'), JSON.stringify(name)).toHaveLength(plainMermaid.split('\n').length);
      expect(mermaidFrame(mermaid), JSON.stringify(name)).toBe(mermaidFrame(plainMermaid));
      expect(mermaid.split('\n')[1], JSON.stringify(name)).toMatch(/^ {2}%% [^{}%]*: 2 nodes, 2 edges$/);
    }
  });

  it('escape names where they appear: DOT backslashes and quotes, Mermaid entity codes, visible control characters', () => {
    const dot = exportGenome(named('a\n"b"\\'), 'dot');
    expect(dot).toContain('digraph "a\\\\n\\"b\\"\\\\" {');
    expect(dot).toContain('n0 [label="in 0: a\\\\n\\"b\\"\\\\"');
    const mermaid = exportGenome(named('a\n"b" <i>#1</i> %%{x}'), 'mermaid');
    expect(mermaid).toContain('  %% a\\n"b" <i>#1</i> #37;#37;#123;x#125;: 2 nodes, 2 edges');
    expect(mermaid).toContain('n0(["in 0: a\\n#quot;b#quot; #60;i#62;#35;1#60;/i#62; %%{x}"])');
    expect(mermaid).toContain('n1[["out 0: a\\n#quot;b#quot; #60;i#62;#35;1#60;/i#62; %%{x}<br/>identity"]]');
  });
});

describe('stateBytesPerParameter', () => {
  it('counts lane values carried across ticks (Adam: m and v, 8 bytes)', () => {
    const g = adamGenome();
    expect(nodeWidths(g).get(6)).toBe('lane');
    expect(nodeWidths(g).get(9)).toBe('scalar'); // b1^t: a const and the step
    expect(stateBytesPerParameter(g)).toBe(8);
  });

  it('counts integrate potentials and refractory counters of lane nodes, not scalar ones', () => {
    const lif = parseGenome(lifJSON()); // scalar input: the neuron is scalar-width
    expect(stateBytesPerParameter(lif)).toBe(0);
    const laneLif = parseGenome({ ...lifJSON(), inputs: [{ name: 'current', width: 'lane' }] });
    expect(stateBytesPerParameter(laneLif)).toBe(8);
  });

  it('matches the engine costs when every delayed source is lane-width', async () => {
    const engine = await Engine.create();
    for (const g of [adamGenome(), parseGenome(emaJSON())]) {
      engine.load(g, [{ rows: 4, cols: 4 }]);
      engine.run(1);
      expect(stateBytesPerParameter(g), g.name).toBe(engine.costs().stateBytesPerLane);
    }
  });
});
