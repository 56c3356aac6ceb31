// The engine's own loader refuses bad packed genomes with a status that names the record and word;
// each case here corrupts one word of a valid packed genome.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { EngineError, packedField } from '../../src/engine/errors.ts';
import * as L from '../../src/engine/layout.ts';
import * as S from '../../src/engine/status.ts';
import { offsets, pack } from '../../src/genome/pack.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { emaJSON } from '../fixtures/genomes.ts';

const genome = parseGenome(emaJSON());
const at = offsets(1, 2, 2, 0);
const groups = [{ rows: 2, cols: 2 }];
let engine: Engine;

beforeAll(async () => {
  engine = await Engine.create();
});

function refused(change: (words: Int32Array, floats: Float32Array) => void): string {
  const words = pack(genome);
  change(words, new Float32Array(words.buffer));
  const status = engine.loadPacked(words, groups);
  expect(status).not.toBe(S.OK);
  return new EngineError(status, (engine as any).exports.statusDetail(), (engine as any).exports.statusField()).message;
}

describe('engine loader', () => {
  it('loads the valid genome', () => {
    expect(engine.loadPacked(pack(genome), groups)).toBe(S.OK);
    expect(engine.lanes).toBe(4);
  });

  it('refuses a wrong magic word and layout version', () => {
    expect(refused((w) => { w[L.H_MAGIC] = 0; })).toBe('genome: the packed genome does not start with the l2l magic word');
    expect(refused((w) => { w[L.H_VERSION] = 99; })).toBe('genome: the packed genome has another layout version');
  });

  it('refuses an unknown op, naming the node and the word', () => {
    expect(refused((w) => { w[at.nodes + L.NODE_WORDS + L.N_OP] = L.OP_COUNT; })).toBe('nodes[1].op: a node record is invalid');
  });

  it('refuses an out-of-range port', () => {
    expect(refused((w) => { w[at.edges + L.E_PORT] = L.MAX_PORTS; })).toBe('edges[0].port: an edge record is invalid');
  });

  it('refuses a non-finite weight', () => {
    expect(refused((_, f) => { f[at.edges + L.E_WEIGHT] = Number.NaN; })).toBe('edges[0].weight: an edge record is invalid');
  });

  it('refuses a delay-0 cycle', () => {
    const message = refused((w) => { w[at.edges + L.EDGE_WORDS + L.E_DELAY] = 0; });
    expect(message).toBe('the node with key 1: the delay-0 edges close a cycle');
    expect(packedField(S.CYCLE, 1, -1)).toBe('the node with key 1');
  });

  it('refuses counts over the caps and caps over the hard limits', () => {
    expect(refused((w) => { w[L.H_CAP_EDGES] = 1; })).toMatch(/^header\.\w+: a header count or cap is out of range$/);
    expect(refused((w) => { w[L.H_CAP_NODES] = L.MAX_NODES + 1; })).toBe('header.capNodes: a header count or cap is out of range');
  });

  it('refuses bad lane groups', () => {
    expect(engine.loadPacked(pack(genome), [])).toBe(S.BAD_GROUPS);
    expect(engine.loadPacked(pack(genome), [{ rows: 0, cols: 3 }])).toBe(S.BAD_GROUPS);
  });

  it('refuses a slot held twice', () => {
    expect(refused((w) => { w[at.nodes + L.NODE_WORDS + L.N_ROLE] = L.ROLE_INPUT; })).toMatch(/slots are not each held by exactly one node|node record is invalid|edge record is invalid/);
  });

  it('throws EngineError from load() for a refused genome', () => {
    const bad = { ...genome, caps: { ...genome.caps, edges: 1 } };
    expect(() => engine.load(bad, groups)).toThrow(EngineError);
  });
});
