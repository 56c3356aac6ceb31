// The page's evolution (src/browser/evolution.ts) in Node: its in-memory metrics lines are the lines
// `evolve` appends to metrics.jsonl for the same configuration and seed (timings aside), and another
// seed gives another run; the page's bounds are refused with the field named.

import { mkdtempSync, readFileSync } from 'node:fs';
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

describe('the page\'s evolution', () => {
  it('writes the metrics lines l2l evolve writes for the same seed', async () => {
    const config = pageConfig(3, 3, 16);
    const seen: number[] = [];
    const page = await evolveInMemory(config, inThreadEvaluator(engine, new InstanceCache()), screenOn(engine, config), (r) => seen.push(r.generation));
    expect(seen).toEqual([0, 1, 2]);
    const out = mkdtempSync(join(tmpdir(), 'l2l-page-evolve-'));
    await evolve({ config }, { out, evaluator: inThreadEvaluator(engine, new InstanceCache()) });
    const node = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(page).toHaveLength(3);
    expect(untimed(page)).toEqual(untimed(node));
    const other = await evolveInMemory(pageConfig(4, 1, 16), inThreadEvaluator(engine, new InstanceCache()), screenOn(engine, config));
    expect(untimed(other)[0]).not.toEqual(untimed(page)[0]);
  }, 120_000);

  it('refuses runs beyond the page\'s bounds', () => {
    expect(() => pageConfig(1, 0, 16)).toThrow(InputError);
    expect(() => pageConfig(1, 3, 1000)).toThrow(/population/);
  });
});
