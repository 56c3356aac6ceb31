// The page's evolution (src/browser/evolution.ts) in Node: its in-memory metrics lines, front files
// and final front are the files `evolve` writes for the same configuration and seed (timings aside),
// and another seed gives another run; the page's bounds are refused with the field named.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evolveInMemory, pageConfig, screenOn } from '../../src/browser/evolution.ts';
import { Engine } from '../../src/engine/engine.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';
import { InputError } from '../../src/util/errors.ts';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.create();
});

/** Metrics lines without what depends on timing. */
function untimed(lines: readonly string[]): unknown[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).map(({ evaluationsPerSecond: _, ...rest }) => rest);
}

/** A record file's JSON with every wall-clock time zeroed. */
const timeless = (text: string): unknown => JSON.parse(text, (key, value: unknown) => (key === 'wallTimeMs' ? 0 : value));

describe('the page\'s evolution', () => {
  it('writes the metrics lines l2l evolve writes for the same seed', async () => {
    const config = pageConfig(3, 3, 16);
    const seen: number[] = [];
    const page = await evolveInMemory(config, inThreadEvaluator(engine, new InstanceCache()), screenOn(engine, config), (r) => seen.push(r.generation));
    expect(seen).toEqual([0, 1, 2]);
    const out = mkdtempSync(join(tmpdir(), 'l2l-page-evolve-'));
    await evolve({ config }, { out, evaluator: inThreadEvaluator(engine, new InstanceCache()) });
    const node = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(page.lines).toHaveLength(3);
    expect(untimed(page.lines)).toEqual(untimed(node));
    // The front files, byte for byte, and the final front but for its wall-clock times.
    expect(readdirSync(join(out, 'fronts')).sort()).toEqual(['gen-0000.json', 'gen-0001.json', 'gen-0002.json']);
    expect(page.fronts).toEqual(['gen-0000.json', 'gen-0001.json', 'gen-0002.json'].map((f) => readFileSync(join(out, 'fronts', f), 'utf8')));
    const nodeFinal = readFileSync(join(out, 'final-front.json'), 'utf8');
    expect(timeless(page.finalText)).toEqual(timeless(nodeFinal));
    expect(page.final.members.length).toBeGreaterThan(0);
    expect(page.final.table?.tasks.map((t) => t.task)).toEqual(['quadratic-split']);
    const other = await evolveInMemory(pageConfig(4, 1, 16), inThreadEvaluator(engine, new InstanceCache()), screenOn(engine, config));
    expect(untimed(other.lines)[0]).not.toEqual(untimed(page.lines)[0]);
  }, 120_000);

  it('refuses runs beyond the page\'s bounds', () => {
    expect(() => pageConfig(1, 0, 16)).toThrow(InputError);
    expect(() => pageConfig(1, 3, 1000)).toThrow(/population/);
  });
});
