// Fuzz tests of the real engine: many seeded random graphs with busy effect lists (half of them only
// structural and effect-list kinds, so that caps are hit all the time) in every execution mode, and
// randomly corrupted packed buffers fed straight to loadPacked. Nothing may trap (the host reports a
// trap as {status: 'trapped'} or TRAPPED), the heap stays within a bound computed from the caps, L and
// maxDelay, the counts never exceed the caps, and the graph the engine leaves is still a valid genome.
// The random graphs include modulatory nodes and effects whose amount reads the neuromodulator.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine, TRAPPED } from '../../src/engine/engine.ts';
import * as L from '../../src/engine/layout.ts';
import * as S from '../../src/engine/status.ts';
import type { ExecutionMode, RunOptions } from '../../src/engine/types.ts';
import { offsets, pack } from '../../src/genome/pack.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Caps, EffectKind, LaneGroup } from '../../src/genome/types.ts';
import { extremeGenome, randomCase, randomGenome, randomGroups, Rng } from './random-graph.ts';

const GRAPHS = 10_000;
const GRAPH_CHUNK = 1_000;
const CORRUPTED = 10_000;
const CORRUPT_CHUNK = 1_000;
const CHURN = 40;
const STRUCTURAL: readonly EffectKind[] = [
  'edge-create', 'edge-delete', 'edge-split', 'node-delete', 'set-op', 'set-policy', 'effect-enable',
  'effect-disable', 'effect-move', 'effect-replace', 'remap-input', 'remap-output', 'weight',
];

/** Bytes of one block holding L floats, with room for alignment and a block header. */
const plane = (lanes: number): number => 4 * lanes + 64;

/**
 * The most memory a loaded graph with these caps can take for its values on L lanes while it runs:
 * per node, the outputs of maxDelay + 1 ticks plus a generous 16 planes of state and scratch (ports,
 * activation, potential, refractory counters, fired flags, reduction and row/column values); per
 * edge, a queue of deliveries of two words a lane for each of maxDelay + 1 ticks (event mode).
 * Whatever the engine takes after load comes out of this; a leak exceeds it on a long run.
 */
function growthBound(caps: Caps, lanes: number, maxDelay: number): number {
  return caps.nodes * (maxDelay + 1 + 16) * plane(lanes) + caps.edges * (maxDelay + 1) * 2 * plane(lanes);
}

/**
 * The most heap an instance may use: the growth bound, the graph's tables at the caps (a few words
 * per node, edge and effect beside the packed records), the structural log, the input and output
 * slots, and a fixed allowance for the engine's statics and its staging area (which keeps the size
 * of the largest genome this instance has loaded: at most the hard limits, about 1.7 MB).
 */
function heapBound(caps: Caps, lanes: number, maxDelay: number, inSlots: number, outSlots: number): number {
  const tables = 4 * 3 * (L.HEADER_WORDS + L.MAX_IN_SLOTS + caps.nodes * (L.NODE_WORDS + 16) + caps.edges * (L.EDGE_WORDS + 16)
    + caps.nodes * caps.effectsPerNode * L.EFFECT_WORDS);
  const log = 4 * L.LOG_CAPACITY * L.LOG_WORDS;
  const staging = 4 * (L.HEADER_WORDS + L.MAX_IN_SLOTS + L.MAX_NODES * L.NODE_WORDS + L.MAX_EDGES * L.EDGE_WORDS
    + L.MAX_NODES * L.MAX_EFFECTS_PER_NODE * L.EFFECT_WORDS + 2 * L.MAX_GROUPS);
  return growthBound(caps, lanes, maxDelay) + tables + log + (inSlots + outSlots) * plane(lanes) + staging + (1 << 20);
}

function randomOptions(rng: Rng): RunOptions {
  const mode: ExecutionMode = rng.pick(['auto', 'tiled', 'event']);
  return { mode, tile: rng.pick([0, 0, 4, 8, 16, 64]), seed: rng.u32() };
}

/** Checks the invariants after a run; returns the first violation, or null. */
function invariants(engine: Engine, caps: Caps, maxDelay: number, inSlots: number, outSlots: number, heapAtLoad: number): string | null {
  const heap = engine.heapBytes();
  const bound = heapBound(caps, engine.lanes, maxDelay, inSlots, outSlots);
  if (!(heap <= bound)) return `heap ${heap} bytes exceeds the bound ${bound}`;
  const growth = growthBound(caps, engine.lanes, maxDelay);
  if (!(heap - heapAtLoad <= growth)) return `heap grew by ${heap - heapAtLoad} bytes after load, more than ${growth}`;
  const { genome } = engine.graph();
  if (genome.nodes.length > caps.nodes) return `${genome.nodes.length} nodes > cap ${caps.nodes}`;
  if (genome.edges.length > caps.edges) return `${genome.edges.length} edges > cap ${caps.edges}`;
  const fat = genome.nodes.find((n) => n.effects.length > caps.effectsPerNode);
  if (fat !== undefined) return `node ${fat.key} has ${fat.effects.length} effects > cap ${caps.effectsPerNode}`;
  if (engine.history().length > L.LOG_CAPACITY) return `history has ${engine.history().length} entries`;
  const costs = engine.costs();
  for (const [k, v] of Object.entries({ ...costs, ...costs.noops })) {
    if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0)) return `costs.${k} = ${v}`;
  }
  if (costs.effectApplications > costs.ticks * caps.applicationsPerTick) {
    return `${costs.effectApplications} applications in ${costs.ticks} ticks > cap ${caps.applicationsPerTick} a tick`;
  }
  try {
    parseGenome(JSON.parse(JSON.stringify(genome)));
  } catch (error) {
    return `the engine's graph is no longer a valid genome: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/** Runs a loaded engine for a few ticks with random inputs; returns the first problem, or null. */
function exercise(engine: Engine, rng: Rng, inSlots: number, ticks: number): string | null {
  for (let t = 0; t < ticks;) {
    for (let s = 0; s < inSlots; s++) {
      const view = engine.input(s);
      for (let l = 0; l < view.length; l++) view[l] = rng.chance(0.4) ? 0 : rng.uniform(-3, 3);
    }
    const n = rng.int(1, 4);
    const result = engine.run(n);
    if (result.status === 'trapped') return `trapped at tick ${engine.tick}: ${result.message}`;
    if (result.status === 'non-finite') break;
    t += n;
  }
  return null;
}

/** Random graphs with a modulatory node (op modulate, not an input) and with it an amount `modulated`. */
const modulation = { nodes: 0, both: 0 };

function fuzzGraph(engine: Engine, seed: number): string | null {
  const structural = seed % 2 === 0;
  const c = randomCase(seed, { min: 0, max: 0 }, {
    maxLanes: 96, maxHidden: 10, effectRate: 0.7, ...(structural ? { kinds: STRUCTURAL } : {}),
  });
  const rng = new Rng(seed * 7 + 1);
  const g = c.genome;
  if (rng.chance(0.3)) g.caps.applicationsPerTick = rng.int(64, L.MAX_APPLICATIONS_PER_TICK);
  if (rng.chance(0.15)) {
    extremeGenome(rng, g, { keys: true });
    parseGenome(JSON.parse(JSON.stringify(g))); // still valid
  }
  if (g.nodes.some((n) => n.op === 'modulate' && n.role !== 'input')) {
    modulation.nodes++;
    if (g.nodes.some((n) => n.effects.some((e) => e.amount.source === 'modulated'))) modulation.both++;
  }
  engine.load(g, c.groups, randomOptions(rng));
  const heapAtLoad = engine.heapBytes();
  return exercise(engine, rng, g.inputs.length, rng.int(4, 40))
    ?? invariants(engine, g.caps, g.maxDelay, g.inputs.length, g.outputs.length, heapAtLoad);
}

/** A nasty 32-bit value for a corrupted word. */
function nasty(rng: Rng, old: number): number {
  return rng.pick([
    0, -1, 1, 2, 3, 0x7fffffff, -0x80000000, rng.u32() | 0, rng.int(-3, 40), 0x7fc00000, 0x7f800000,
    0xff800000 | 0, old + 1, old - 1, old ^ (1 << rng.int(0, 31)), L.MAX_NODES, L.MAX_EDGES + 1, L.MAX_LANES,
  ]);
}

function corruptGroups(rng: Rng, groups: LaneGroup[]): LaneGroup[] {
  if (!rng.chance(0.15)) return groups;
  return rng.pick([
    [],
    [{ rows: 0, cols: 3 }],
    [{ rows: -1, cols: 4 }],
    [{ rows: 1 << 12, cols: 1 << 13 }],
    [{ rows: 65536, cols: 65536 }],
    Array.from({ length: L.MAX_GROUPS + 1 }, () => ({ rows: 1, cols: 1 })),
    [...groups, { rows: 3, cols: 0 }],
  ]);
}

/** How often each load status came back for the corrupted buffers. */
const statuses = new Map<number, number>();

function fuzzPacked(engine: Engine, seed: number): string | null {
  const rng = new Rng(0x5eed0000 + seed);
  const genome = randomGenome(rng, { maxHidden: 6 });
  if (rng.chance(0.3)) genome.maxDelay = Math.max(genome.maxDelay, 1); // room for delayed back edges
  let words = pack(genome);
  const effects = genome.nodes.reduce((n, x) => n + x.effects.length, 0);
  const table = offsets(genome.inputs.length, genome.nodes.length, genome.edges.length, effects);
  /** A word of a random record of a table, or -1 when the table is empty. */
  const field = (start: number, count: number, size: number, fields: readonly number[]): number =>
    count === 0 ? -1 : start + rng.int(0, count - 1) * size + rng.pick(fields);
  const small = (): number => rng.pick([rng.int(-2, genome.nodes.length + 1), 0, 1, 2, rng.int(0, 40)]);
  const mutations = rng.int(1, 4);
  for (let m = 0; m < mutations; m++) {
    const how = rng.weighted([
      ['word', 25], ['header', 10], ['bits', 10], ['truncate', 8], ['extend', 7], ['edge', 15], ['node', 12],
      ['effect', 8], ['duplicate', 5],
    ] as const);
    if (how === 'truncate') {
      words = words.slice(0, rng.int(0, words.length));
    } else if (how === 'extend') {
      const longer = new Int32Array(words.length + rng.int(1, 40));
      longer.set(words);
      for (let i = words.length; i < longer.length; i++) longer[i] = nasty(rng, 0);
      words = longer;
    } else if (how === 'edge' || how === 'node' || how === 'effect') {
      // A field of a record set to a small, plausible value: a node index, a delay of 0, a code.
      const i = how === 'edge'
        ? field(table.edges, genome.edges.length, L.EDGE_WORDS, [L.E_SOURCE, L.E_TARGET, L.E_PORT, L.E_DELAY, L.E_ENABLED, L.E_DELAY])
        : how === 'node'
          ? field(table.nodes, genome.nodes.length, L.NODE_WORDS, [L.N_ROLE, L.N_SLOT, L.N_OP, L.N_POLICY, L.N_EMIT, L.N_REFRACTORY, L.N_EFFECT_START, L.N_EFFECT_COUNT])
          : field(table.effects, effects, L.EFFECT_WORDS, [L.F_KIND, L.F_ENABLED, L.F_CHANGE, L.F_AMOUNT_SOURCE, L.F_TARGET, L.F_DIRECTION, L.F_RADIUS, L.F_SELECT, L.F_K]);
      if (i >= 0 && i < words.length) words[i] = how === 'edge' && rng.chance(0.4) ? 0 : small();
    } else if (how === 'duplicate') {
      // One record's key copied into another's.
      const [start, count, size] = rng.chance(0.5) ? [table.nodes, genome.nodes.length, L.NODE_WORDS] : [table.edges, genome.edges.length, L.EDGE_WORDS];
      if (count >= 2) {
        const a = start + rng.int(0, count - 1) * size;
        const b = start + rng.int(0, count - 1) * size;
        if (b < words.length && a < words.length) words[b] = words[a] as number;
      }
    } else if (words.length > 0) {
      const i = how === 'header' ? rng.int(0, Math.min(words.length, L.HEADER_WORDS) - 1) : rng.int(0, words.length - 1);
      words[i] = how === 'bits' ? (words[i] as number) ^ (1 << rng.int(0, 31)) : nasty(rng, words[i] as number);
    }
  }
  const groups = corruptGroups(rng, randomGroups(rng, 40));
  const options = randomOptions(rng);
  if (rng.chance(0.05)) options.tile = rng.pick([3, -4, 1 << 30]);
  const status = engine.loadPacked(words, groups, options);
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  if (status === TRAPPED) return `loadPacked trapped (seed ${seed})`;
  if (!(Number.isInteger(status) && status >= 0 && status < S.STATUS_COUNT)) return `loadPacked returned ${status}`;
  if (status !== S.OK) return null;
  const at = (h: number): number => words[h] as number;
  const caps: Caps = { nodes: at(L.H_CAP_NODES), edges: at(L.H_CAP_EDGES), effectsPerNode: at(L.H_CAP_EFFECTS_PER_NODE), applicationsPerTick: at(L.H_CAP_APPLICATIONS) };
  const heapAtLoad = engine.heapBytes();
  const problem = exercise(engine, rng, at(L.H_IN_SLOTS), rng.int(1, 12));
  if (problem !== null) return problem;
  const growth = growthBound(caps, engine.lanes, at(L.H_MAX_DELAY));
  if (!(engine.heapBytes() - heapAtLoad <= growth)) return `heap grew by ${engine.heapBytes() - heapAtLoad} bytes after load, more than ${growth}`;
  const heap = engine.heapBytes();
  const bound = heapBound(caps, engine.lanes, at(L.H_MAX_DELAY), at(L.H_IN_SLOTS), at(L.H_OUT_SLOTS));
  if (!(heap <= bound)) return `heap ${heap} bytes exceeds the bound ${bound}`;
  const { genome: after } = engine.graph();
  if (after.nodes.length > caps.nodes || after.edges.length > caps.edges) return `counts exceed the caps: ${after.nodes.length} nodes, ${after.edges.length} edges`;
  return null;
}

/** A long run with constant structural churn (splits, deletes, creates) on many lanes: no leaks. */
function churn(engine: Engine, seed: number): string | null {
  const c = randomCase(seed, { min: 0, max: 0 }, { maxHidden: 12, effectRate: 0.9, kinds: STRUCTURAL });
  const rng = new Rng(seed + 99);
  const g = c.genome;
  g.caps.applicationsPerTick = 256;
  const groups = randomGroups(rng, 300);
  engine.load(g, groups, { mode: seed % 2 === 0 ? 'event' : 'tiled', seed });
  const heapAtLoad = engine.heapBytes();
  for (let block = 0; block < 30; block++) {
    const problem = exercise(engine, rng, g.inputs.length, 50);
    if (problem !== null) return problem;
    const v = invariants(engine, g.caps, g.maxDelay, g.inputs.length, g.outputs.length, heapAtLoad);
    if (v !== null) return `after ${engine.tick} ticks: ${v}`;
    if (engine.tick < 50 * (block + 1)) break; // stopped on a non-finite value
  }
  return null;
}

function check(what: string, seeds: number[], run: (seed: number) => string | null): void {
  const failures: string[] = [];
  for (const seed of seeds) {
    let problem: string | null;
    try {
      problem = run(seed);
    } catch (error) {
      problem = `threw ${error instanceof Error ? error.stack : String(error)}`;
    }
    if (problem !== null) failures.push(`${what} seed ${seed}: ${problem}`);
  }
  expect(failures.slice(0, 20), `${failures.length} of ${seeds.length} failed`).toEqual([]);
}

const range = (start: number, n: number): number[] => Array.from({ length: n }, (_, i) => start + i);

describe('fuzz: the engine never traps and stays within its caps', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create();
  });

  for (let start = 0; start < GRAPHS; start += GRAPH_CHUNK) {
    it(`random graphs ${start}..${start + GRAPH_CHUNK - 1}`, () => check('graph', range(start, GRAPH_CHUNK), (s) => fuzzGraph(engine, s)));
  }
  for (let start = 0; start < CORRUPTED; start += CORRUPT_CHUNK) {
    it(`corrupted packed buffers ${start}..${start + CORRUPT_CHUNK - 1}`, () => check('packed', range(start, CORRUPT_CHUNK), (s) => fuzzPacked(engine, s)));
  }
  it('the random graphs often have modulatory nodes, and amounts that read M with them', () => {
    expect(modulation.nodes).toBeGreaterThan(GRAPHS * 0.05);
    expect(modulation.both).toBeGreaterThan(GRAPHS * 0.04);
  });
  it('corrupted buffers are both refused and accepted often enough to test both paths', () => {
    const ok = statuses.get(S.OK) ?? 0;
    expect(ok).toBeGreaterThan(CORRUPTED * 0.05);
    expect(CORRUPTED - ok).toBeGreaterThan(CORRUPTED * 0.3);
    for (const status of [S.CYCLE, S.DUPLICATE_KEY, S.BAD_NODE, S.BAD_EDGE, S.BAD_EFFECT, S.BAD_HEADER, S.BAD_SLOTS]) {
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    }
  });
  it(`${CHURN} long runs with structural churn stay within the heap bound`, () => check('churn', range(0, CHURN), (s) => churn(engine, s)));
});
