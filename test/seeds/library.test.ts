// Properties every seed of the library must have, whatever its rule: the registry is complete and
// ordered; each seed is a valid optimizer genome that survives every serial form unchanged, builds
// the same genome every time, keeps all its state in lane values the engine agrees about, and
// lowers the loss on the quadratic with its own defaults. docs/seeds.md is what the registry says.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSeedsDoc, SEEDS_DOC_PATH } from '../../scripts/seeds-doc.ts';
import { Engine } from '../../src/engine/engine.ts';
import { genomeFromJSON, genomeFromMsgpack, genomeToJSON, genomeToMsgpack } from '../../src/genome/codec.ts';
import { pack, unpack } from '../../src/genome/pack.ts';
import { nodeWidths, stateBytesPerParameter } from '../../src/genome/state.ts';
import { optimize } from '../../src/optimizer/driver.ts';
import { PROBLEMS } from '../../src/optimizer/problems.ts';
import { checkOptimizerRole } from '../../src/optimizer/role.ts';
import { resolveGenome, SEED_NAMES, seedByName, SEEDS } from '../../src/seeds/index.ts';
import { InputError } from '../../src/util/errors.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

describe('the registry', () => {
  it('holds exactly the 26 seeds, each name once, in the documented order', () => {
    const names = SEEDS.map((s) => s.name);
    expect(names).toHaveLength(26);
    expect(new Set(names).size).toBe(26);
    expect(names).toEqual([...SEED_NAMES]);
  });

  it('finds a seed by name and names the field and the valid names otherwise', () => {
    expect(seedByName('lion').name).toBe('lion');
    expect(() => seedByName('adamx')).toThrow(InputError);
    expect(() => seedByName('adamx')).toThrow(`seed must be one of ${SEED_NAMES.join(', ')} (got "adamx")`);
  });

  it('resolves seed:NAME (with overrides) and genome files', () => {
    const adam = seedByName('adam');
    expect(resolveGenome('seed:adam')).toEqual(adam.build());
    expect(resolveGenome('seed:adam', { lr: 0.05 })).toEqual(adam.build({ lr: 0.05 }));
    expect(() => resolveGenome('seed:adam', { gamma: 1 })).toThrow(/^hyperparameter "gamma" of adam must be one of lr, /);
    const dir = mkdtempSync(join(tmpdir(), 'l2l-seeds-'));
    const json = join(dir, 'adam.json');
    const msgpack = join(dir, 'adam.msgpack');
    writeFileSync(json, genomeToJSON(adam.build()));
    writeFileSync(msgpack, genomeToMsgpack(adam.build()));
    expect(resolveGenome(json)).toEqual(adam.build());
    expect(resolveGenome(msgpack)).toEqual(adam.build());
    expect(() => resolveGenome(json, { lr: 1 })).toThrow('hyperparameters apply only to seed:NAME genomes, not to a file');
    expect(() => resolveGenome(join(dir, 'none.json'))).toThrow(/^genome must be seed:NAME or a genome file: path ".*none.json" does not exist \(ENOENT\)$/);
    writeFileSync(json, '{"format": "l2l-genome"');
    expect(() => resolveGenome(json)).toThrow(/^genome must be valid JSON: /);
  });

  it('docs/seeds.md is generated from the registry (npm run docs:seeds)', () => {
    expect(readFileSync(SEEDS_DOC_PATH, 'utf8')).toBe(renderSeedsDoc());
  });
});

describe.each(SEEDS.map((s) => [s.name, s] as const))('seed %s', (name, seed) => {
  it('has a title, a paper, a rule and numeric defaults, and builds an optimizer genome', () => {
    expect(seed.title.length).toBeGreaterThan(0);
    expect(seed.paper).toMatch(/(19|20)\d\d/); // cites a year
    expect(seed.rule.length).toBeGreaterThan(0);
    expect(Object.keys(seed.defaults).length).toBeGreaterThan(0);
    for (const v of Object.values(seed.defaults)) expect(Number.isFinite(v)).toBe(true);
    const g = seed.build();
    expect(g.name).toBe(name);
    expect(() => checkOptimizerRole(g)).not.toThrow();
    expect(() => seed.build({ nonsense: 1 })).toThrow();
  });

  it('survives JSON, msgpack and pack()/unpack() unchanged', () => {
    const g = seed.build();
    expect(genomeFromJSON(genomeToJSON(g))).toEqual(g);
    expect(genomeFromMsgpack(genomeToMsgpack(g))).toEqual(g);
    expect(unpack(pack(g), g).genome).toEqual(g);
  });

  it('builds the same genome, with the same keys, every time', () => {
    const a = seed.build();
    const b = seed.build();
    expect(b.nodes.map((n) => n.key)).toEqual(a.nodes.map((n) => n.key));
    expect(b.edges.map((e) => [e.key, e.source, e.target, e.port, e.delay])).toEqual(a.edges.map((e) => [e.key, e.source, e.target, e.port, e.delay]));
    expect(b).toEqual(a);
    expect(pack(b)).toEqual(pack(a));
  });

  it('lowers the loss on quadratic with its defaults over 200 steps', () => {
    const run = optimize(engine, seed.build(), PROBLEMS.quadratic!, { steps: 200, seed: 0 });
    expect(run.status).toBe('ok');
    expect(run.trainLoss).toHaveLength(201);
    expect(run.trainLoss.every(Number.isFinite)).toBe(true);
    expect(run.trainLoss.at(-1)!).toBeLessThan(run.trainLoss[0]!);
  });

  it('has the node widths the engine evaluates (quadratic-split: 16 lanes in 3 groups)', () => {
    const g = seed.build();
    const run = optimize(engine, g, PROBLEMS['quadratic-split']!, { steps: 1, seed: 0 });
    expect(run.status).toBe('ok');
    const count = { scalar: 1, group: 3, lane: 16 } as const;
    const widths = nodeWidths(g);
    const expected = g.nodes.filter((n) => n.role !== 'input').reduce((sum, n) => sum + count[widths.get(n.key)!], 0);
    expect(engine.costs().nodeLaneEvaluations).toBe(expected);
  });

  it('keeps its state in lane values, as counted from the genome and by the engine', () => {
    const g = seed.build();
    optimize(engine, g, PROBLEMS.quadratic!, { steps: 3, seed: 0 });
    const counted = stateBytesPerParameter(g);
    const engineBytes = engine.costs().stateBytesPerLane;
    expect(counted).toBeGreaterThanOrEqual(0);
    expect(counted).toBeLessThanOrEqual(engineBytes);
    // The engine counts every node's carried values; the difference is scalar or group state.
    const widths = nodeWidths(g);
    const delayedNarrow = g.edges.some((e) => e.enabled && e.delay > 0 && widths.get(e.source) !== 'lane');
    if (!delayedNarrow) expect(counted).toBe(engineBytes);
  });
});
