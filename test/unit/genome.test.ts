import { describe, expect, it } from 'vitest';
import { genomeFromJSON, genomeFromMsgpack, genomeToJSON, genomeToMsgpack } from '../../src/genome/codec.ts';
import { pack, unpack } from '../../src/genome/pack.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { emaJSON, lifJSON } from '../fixtures/genomes.ts';

function withChange(change: (g: Record<string, any>) => void): Record<string, unknown> {
  const g = emaJSON() as Record<string, any>;
  change(g);
  return g;
}

describe('parseGenome', () => {
  it('fills defaults', () => {
    const g = parseGenome(emaJSON());
    expect(g.nodes[0]?.op).toBe('identity');
    expect(g.nodes[1]?.policy).toEqual({ kind: 'always', threshold: 0, decay: 1, reset: 0, probability: 1 });
    expect(g.edges[0]).toEqual({ key: 2, source: 0, target: 1, port: 0, weight: Math.fround(0.1), delay: 0, enabled: true });
    expect(g.caps.nodes).toBe(256);
  });

  it('rejects malformed JSON, naming the rule', () => {
    expect(() => genomeFromJSON('{"format": "l2l-genome",')).toThrow(/^genome must be valid JSON: /);
  });

  it('rejects an unknown op, naming the field', () => {
    const g = withChange((j) => { j.nodes[1].op = 'softplus'; });
    expect(() => parseGenome(g)).toThrow('nodes[1].op must be one of identity, add, sub, mul, div, neg, abs, sign, square, sqrt, rsqrt, pow, exp, log, tanh, sigmoid, relu, min, max, clamp, gt, ge, eq, select, every, const, rsum, rmean, rnorm, rmaxabs, rrms, rowmean, colmean, modulate (got "softplus")');
  });

  it('rejects an out-of-range port', () => {
    const g = withChange((j) => { j.edges[0].port = 3; });
    expect(() => parseGenome(g)).toThrow('edges[0].port must be an integer from 0 to 2 (got 3)');
  });

  it('rejects a delay-0 cycle, naming the edge and the nodes on it', () => {
    const g = withChange((j) => { j.edges[1].delay = 0; });
    expect(() => parseGenome(g)).toThrow('edges[1].delay must not close a cycle of delay-0 edges (through nodes 1 -> 1); give one of its edges a delay of 1 or more');
  });

  it('rejects a longer delay-0 cycle', () => {
    const g = withChange((j) => {
      j.nodes.push({ key: 5 });
      j.edges.push({ key: 6, source: 1, target: 5 }, { key: 7, source: 5, target: 1 });
    });
    expect(() => parseGenome(g)).toThrow('edges[2].delay must not close a cycle of delay-0 edges (through nodes 1 -> 5 -> 1)');
  });

  it('rejects counts over the caps', () => {
    const g = withChange((j) => { j.caps = { edges: 1 }; });
    expect(() => parseGenome(g)).toThrow('edges must be at most 1 (caps.edges) (got an array of 2)'.replace('an array of 2', '2'));
  });

  it('rejects caps over the build limits', () => {
    const g = withChange((j) => { j.caps = { nodes: 5000 }; });
    expect(() => parseGenome(g)).toThrow('caps.nodes must be an integer from 1 to 1024 (got 5000)');
  });

  it('rejects too many effects on a node', () => {
    const g = lifJSON() as Record<string, any>;
    g.caps.effectsPerNode = 0;
    expect(() => parseGenome(g)).toThrow('nodes[1].effects must be at most 0 (caps.effectsPerNode) (got 1)');
  });

  it('rejects unknown keys, dangling edges, duplicate keys and uncovered slots', () => {
    expect(() => parseGenome(withChange((j) => { j.nodes[1].opp = 'add'; }))).toThrow('nodes[1].opp is not a known key');
    expect(() => parseGenome(withChange((j) => { j.edges[0].target = 9; }))).toThrow('edges[0].target must name an existing node key (got 9)');
    expect(() => parseGenome(withChange((j) => { j.nodes[1].key = 0; }))).toThrow('nodes[1].key must be unique (got 0)');
    expect(() => parseGenome(withChange((j) => { j.nodes[1].role = 'hidden'; delete j.nodes[1].slot; }))).toThrow('outputs[0] must be held by exactly one output node (got 0)');
    expect(() => parseGenome(withChange((j) => { j.edges[0].target = 0; }))).toThrow('edges[0].target must not be an input node (input nodes take no edges) (got 0)');
    expect(() => parseGenome(withChange((j) => { j.edges[0].weight = Number.NaN; }))).toThrow('edges[0].weight must be a finite number (got NaN)');
    expect(() => parseGenome(withChange((j) => { j.edges[1].delay = 9; }))).toThrow('edges[1].delay must be an integer from 0 to 8 (got 9)');
  });
});

describe('serial forms', () => {
  for (const [name, json] of [['ema', emaJSON], ['lif', lifJSON]] as const) {
    it(`round-trips ${name} through JSON, msgpack and pack()`, () => {
      const g = parseGenome(json());
      expect(genomeFromJSON(genomeToJSON(g))).toEqual(g);
      expect(genomeFromMsgpack(genomeToMsgpack(g))).toEqual(g);
      const { genome, usage } = unpack(pack(g), g);
      expect(genome).toEqual(g);
      expect([...usage.values()].every((u) => u === 0)).toBe(true);
    });
  }

  it('rejects bytes that are not msgpack', () => {
    expect(() => genomeFromMsgpack(new Uint8Array([0x82, 0xa1]))).toThrow(/^genome must be a valid msgpack genome: /);
  });
});
