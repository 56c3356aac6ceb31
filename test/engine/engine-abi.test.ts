// The engine's exported ABI (assembly/index.ts) through the raw exports and the host bridge: status
// codes with their record and word, arguments, mode choice, the graph dump, inputs that persist,
// and memory that stays put while a fixed graph runs.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import * as L from '../../src/engine/layout.ts';
import * as S from '../../src/engine/status.ts';
import { offsets, pack } from '../../src/genome/pack.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { emaJSON, lifJSON } from '../fixtures/genomes.ts';

interface Raw {
  memory: WebAssembly.Memory;
  staging(words: number): number;
  load(words: number, groups: number, seedLo: number, seedHi: number, mode: number, tile: number): number;
  run(ticks: number): number;
  lanes(): number;
  inputPtr(slot: number): number;
  outputPtr(slot: number): number;
  dumpGraph(): number;
  statusDetail(): number;
  statusField(): number;
  heapBytes(): number;
  modeUsed(): number;
}

let engine: Engine;
const raw = (): Raw => (engine as unknown as { exports: Raw }).exports;

beforeAll(async () => {
  engine = await Engine.create();
});

/** Stages words and groups, then loads; returns [status, detail, field]. */
function loadWords(words: Int32Array, groups: number[][], mode = 0, tile = 0): [number, number, number] {
  const r = raw();
  const total = words.length + 2 * groups.length;
  const view = new Int32Array(r.memory.buffer, r.staging(total), total);
  view.set(words);
  groups.forEach(([rows, cols], i) => view.set([rows as number, cols as number], words.length + 2 * i));
  const status = r.load(words.length, groups.length, 0, 0, mode, tile);
  return [status, r.statusDetail(), r.statusField()];
}

const ema = (): Genome => parseGenome(emaJSON());
const at = offsets(1, 2, 2, 0);

describe('load statuses name the record and the word', () => {
  const cases: [string, (w: Int32Array, f: Float32Array) => void, [number, number, number]][] = [
    ['magic', (w) => { w[L.H_MAGIC] = 1; }, [S.BAD_MAGIC, L.H_MAGIC, -1]],
    ['version', (w) => { w[L.H_VERSION] = L.LAYOUT_VERSION + 1; }, [S.BAD_VERSION, L.H_VERSION, -1]],
    ['a cap over the hard limit', (w) => { w[L.H_CAP_EDGES] = L.MAX_EDGES + 1; }, [S.BAD_HEADER, L.H_CAP_EDGES, -1]],
    ['a count over its cap', (w) => { w[L.H_CAP_NODES] = 1; }, [S.BAD_HEADER, L.H_NODE_COUNT, -1]],
    ['maxDelay over the limit', (w) => { w[L.H_MAX_DELAY] = L.MAX_DELAY + 1; }, [S.BAD_HEADER, L.H_MAX_DELAY, -1]],
    ['nextKey not above every key', (w) => { w[L.H_NEXT_KEY] = 3; }, [S.BAD_HEADER, L.H_NEXT_KEY, -1]],
    ['an input slot width', (w) => { w[L.HEADER_WORDS] = L.WIDTH_GROUP; }, [S.BAD_IN_SLOT, 0, -1]],
    ['a decay outside [0, 1]', (_, f) => { f[at.nodes + L.NODE_WORDS + L.N_DECAY] = 1.5; }, [S.BAD_NODE, 1, L.N_DECAY]],
    ['a refractory count over 255', (w) => { w[at.nodes + L.NODE_WORDS + L.N_REFRACTORY] = 256; }, [S.BAD_NODE, 1, L.N_REFRACTORY]],
    ['an effect range past the table', (w) => { w[at.nodes + L.N_EFFECT_COUNT] = 1; }, [S.BAD_NODE, 0, L.N_EFFECT_START]],
    ['a hidden node with a slot', (w) => { w[at.nodes + L.NODE_WORDS + L.N_ROLE] = L.ROLE_HIDDEN; }, [S.BAD_NODE, 1, L.N_SLOT]],
    ['an edge into an input node', (w) => { w[at.edges + L.E_TARGET] = 0; }, [S.BAD_EDGE, 0, L.E_TARGET]],
    ['a delay over maxDelay', (w) => { w[at.edges + L.EDGE_WORDS + L.E_DELAY] = L.MAX_DELAY + 1; }, [S.BAD_EDGE, 1, L.E_DELAY]],
    ['enabled not 0 or 1', (w) => { w[at.edges + L.E_ENABLED] = 2; }, [S.BAD_EDGE, 0, L.E_ENABLED]],
    ['an infinite weight', (_, f) => { f[at.edges + L.E_WEIGHT] = Infinity; }, [S.BAD_EDGE, 0, L.E_WEIGHT]],
    ['a repeated node key', (w) => { w[at.nodes + L.NODE_WORDS + L.N_KEY] = 0; }, [S.DUPLICATE_KEY, 1, L.N_KEY]],
    ['a repeated edge key', (w) => { w[at.edges + L.EDGE_WORDS + L.E_KEY] = 2; }, [S.DUPLICATE_KEY, 1, L.E_KEY]],
    ['a delay-0 self loop', (w) => { w[at.edges + L.EDGE_WORDS + L.E_DELAY] = 0; }, [S.CYCLE, 1, -1]],
  ];
  for (const [name, corrupt, expected] of cases) {
    it(name, () => {
      const words = pack(ema());
      corrupt(words, new Float32Array(words.buffer));
      expect(loadWords(words, [[2, 2]])).toEqual(expected);
      expect(raw().run(1)).toBe(S.NOT_LOADED);
    });
  }

  it('an output slot held twice, and slot holders missing', () => {
    const g = ema();
    const words = pack({ ...g, outputs: [...g.outputs, { name: 'b' }] });
    expect(loadWords(words, [[1, 1]])).toEqual([S.BAD_SLOTS, 1, L.ROLE_OUTPUT]);
  });

  it('an effect with radius 0', () => {
    const words = pack(parseGenome(lifJSON()));
    const e = offsets(1, 2, 1, 1).effects;
    words[e + L.F_RADIUS] = 0;
    expect(loadWords(words, [[1, 1]])).toEqual([S.BAD_EFFECT, 0, L.F_RADIUS]);
  });

  it('groups and lanes', () => {
    expect(loadWords(pack(ema()), [])[0]).toBe(S.BAD_GROUPS);
    expect(loadWords(pack(ema()), [[3, 0]])).toEqual([S.BAD_GROUPS, 0, 1]);
    expect(loadWords(pack(ema()), [[1, 2], [0, 2]])).toEqual([S.BAD_GROUPS, 1, 0]);
    expect(loadWords(pack(ema()), [[4096, 4097]])[0]).toBe(S.BAD_LANES);
    expect(loadWords(pack(ema()), [[4096, 2048], [4096, 2048], [1, 1]])[0]).toBe(S.BAD_LANES);
  });

  it('bad arguments', () => {
    expect(loadWords(pack(ema()), [[1, 1]], 3)[0]).toBe(S.BAD_ARGUMENT);
    expect(loadWords(pack(ema()), [[1, 1]], 0, 6)[0]).toBe(S.BAD_ARGUMENT);
    const r = raw();
    r.staging(4);
    expect(r.load(1 << 20, 1, 0, 0, 0, 0)).toBe(S.BAD_ARGUMENT);
    expect(r.load(-1, 1, 0, 0, 0, 0)).toBe(S.BAD_ARGUMENT);
    expect(loadWords(pack(ema()), [[1, 1]])[0]).toBe(S.OK);
    expect(r.run(-1)).toBe(S.BAD_ARGUMENT);
    expect(r.inputPtr(1)).toBe(0);
    expect(r.outputPtr(-1)).toBe(0);
  });
});

describe('running', () => {
  it('picks event mode for at most 8 lanes, tiled above', () => {
    engine.load(ema(), [{ rows: 2, cols: 4 }]);
    expect(engine.mode).toBe('event');
    engine.load(ema(), [{ rows: 3, cols: 3 }]);
    expect(engine.mode).toBe('tiled');
    engine.load(ema(), [{ rows: 1, cols: 2 }], { mode: 'tiled' });
    expect(engine.mode).toBe('tiled');
  });

  it('outputs are 0 before the first tick; inputs keep their values between runs', () => {
    for (const mode of ['tiled', 'event'] as const) {
      engine.load(ema(), [{ rows: 1, cols: 3 }], { mode });
      expect(Array.from(engine.output(0))).toEqual([0, 0, 0]);
      engine.input(0).set([10, 20, 30]);
      expect(engine.run(0)).toEqual({ status: 'ok' });
      expect(engine.tick).toBe(0);
      engine.run(1);
      engine.run(1);
      expect(Array.from(engine.output(0))).toEqual([10, 20, 30].map((x) => Math.fround(Math.fround(0.1) * x + Math.fround(0.9) * Math.fround(Math.fround(0.1) * x))));
      expect(engine.tick).toBe(2);
      const c = engine.costs();
      expect(c.ticks).toBe(2);
      expect(c.work).toBe(c.nodeLaneEvaluations + c.edgeLaneTraversals + c.effectApplications + c.effectSearch);
    }
  });

  it('dumps the loaded genome word for word, then with edge usage in the reserved word', () => {
    const g = parseGenome(lifJSON());
    const words = pack(g);
    engine.load(g, [{ rows: 1, cols: 1 }]);
    const r = raw();
    const n = r.dumpGraph();
    expect(Array.from(new Int32Array(r.memory.buffer, r.staging(n), n))).toEqual(Array.from(words));
    engine.input(0)[0] = 1;
    engine.run(5);
    expect([...engine.graph().usage]).toEqual([[2, 5]]);
  });

  it('memory stays bounded while effects create and delete nodes every tick', () => {
    // Each tick node 1 splits its self loop (a new node N), makes N a rowmean, deletes N with its
    // edges, and creates its self loop again.
    const g = parseGenome({
      format: 'l2l-genome', version: 1, inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
      caps: { nodes: 8, edges: 8, effectsPerNode: 4, applicationsPerTick: 16 },
      nodes: [
        { key: 0, role: 'input', slot: 0 },
        {
          key: 1, refractory: 1, policy: { kind: 'integrate', threshold: -1 },
          effects: [
            { kind: 'edge-split', target: 'edges', select: { direction: 'out', k: 1 } },
            { kind: 'set-op', a: 31, target: 'edges', select: { direction: 'out' } },
            { kind: 'node-delete', target: 'edges', select: { direction: 'out' } },
            { kind: 'edge-create', a: 0, b: 1, amount: { scale: 0.5 } },
          ],
        },
        { key: 2, role: 'output', slot: 0 },
      ],
      edges: [{ key: 3, source: 0, target: 1 }, { key: 4, source: 1, target: 1, delay: 1 }, { key: 5, source: 0, target: 2 }],
    });
    for (const mode of ['tiled', 'event'] as const) {
      engine.load(g, [{ rows: 4, cols: 8 }], { mode, tile: 8 });
      engine.input(0).fill(1);
      expect(engine.run(20)).toEqual({ status: 'ok' });
      const heap = engine.heapBytes();
      expect(engine.run(1000)).toEqual({ status: 'ok' });
      expect(engine.heapBytes()).toBe(heap);
      expect(engine.history().filter((h) => h.event === 'node-create').length).toBeGreaterThan(300);
    }
  });

  it('memory stays put while a fixed graph runs, in both modes', () => {
    for (const mode of ['tiled', 'event'] as const) {
      engine.load(parseGenome(lifJSON()), [{ rows: 4, cols: 4 }], { mode });
      engine.input(0)[0] = 1;
      engine.run(3);
      const heap = engine.heapBytes();
      engine.run(500);
      expect(engine.heapBytes()).toBe(heap);
    }
  });
});
