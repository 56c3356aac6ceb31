// The report page's data (src/report/rundata.ts) from a real small run directory: its numbers are
// metrics.jsonl's and the front files', the final front comes with drawings and formulas and the
// held-out table, a run under way is read line by line, and a damaged run is refused by name.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRunPage } from '../../src/report/rundata.ts';
import { cutCopy, makeRun, metricLines, smallConfig } from './fixture.ts';

let root: string;
let run: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'l2l-report-data-'));
  run = await makeRun(join(root, 'run'), smallConfig());
});

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('did not throw');
};

describe('the page data of a finished run', () => {
  it('holds metrics.jsonl line by line and every generation\'s front', () => {
    const page = readRunPage(run);
    const lines = metricLines(run).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(page.name).toBe('run');
    expect(page.role).toBe('optimizer');
    expect(page.status).toBe('finished');
    expect([page.done, page.generations, page.population, page.seed]).toEqual([3, 3, 12, 5]);
    expect(page.metrics).toEqual(lines);
    expect(page.metrics.map((m) => m.hypervolume)).toEqual(lines.map((l) => l.hypervolume));
    // Every generation is a report generation in the small config; the first holds the seeds' baseline.
    expect(page.metrics.every((m) => m.report !== null)).toBe(true);
    expect(page.metrics[0]?.report?.seeds).toBeGreaterThan(0);
    for (const front of page.fronts) {
      const file = JSON.parse(readFileSync(join(run, 'fronts', `gen-${String(front.generation).padStart(4, '0')}.json`), 'utf8')) as { front: { id: number; objectives: number[] }[] };
      expect(front.points.map((p) => [p.id, p.objectives])).toEqual(file.front.map((m) => [m.id, m.objectives]));
      expect(front.points.length).toBe(page.metrics[front.generation]?.frontSize);
    }
    expect(page.objectives).toEqual(['validationLoss', 'trainLossArea', 'timeCost', 'memoryCost']);
  });

  it('draws the final front with formulas, and has final-front.json\'s held-out table', () => {
    const page = readRunPage(run);
    const final = JSON.parse(readFileSync(join(run, 'final-front.json'), 'utf8')) as { generation: number; members: { id: number }[]; table: unknown; baseline: unknown };
    expect(page.genomes?.final).toBe(true);
    expect(page.genomes?.generation).toBe(final.generation);
    expect(page.genomes?.members.map((m) => m.id)).toEqual(final.members.map((m) => m.id));
    for (const g of page.genomes?.members ?? []) {
      expect(g.dot).toMatch(/^digraph /);
      expect(g.dot.match(/^\s+n\d+ \[label=/gm)?.length).toBe(g.nodes);
      // An optimizer's output is the new parameter, written p'.
      expect(g.formula).toContain('p\' =');
    }
    expect(page.heldOut?.table).toEqual(final.table);
    expect(page.heldOut?.baseline).toEqual(final.baseline);
    expect(page.heldOut?.table.tasks.map((t) => t.task)).toEqual(['iris:logistic']);
  });
});

describe('a run under way', () => {
  it('shows the complete lines only, the latest front drawn, and no held-out table yet', () => {
    const copy = join(root, 'under-way');
    cutCopy(run, copy, 2);
    // A line being written: no newline yet.
    appendFileSync(join(copy, 'metrics.jsonl'), metricLines(run)[2]!.slice(0, 40));
    const page = readRunPage(copy);
    expect(page.done).toBe(2);
    expect(page.status).toBe('stopped');
    expect(page.genomes?.final).toBe(false);
    expect(page.genomes?.generation).toBe(1);
    expect(page.heldOut).toBeNull();
    expect(page.fronts.map((f) => f.generation)).toEqual([0, 1]);
  });

  it('reads a run with no generation yet', () => {
    const copy = join(root, 'fresh');
    cutCopy(run, copy, 0);
    const page = readRunPage(copy);
    expect([page.done, page.metrics.length, page.fronts.length, page.genomes]).toEqual([0, 0, 0, null]);
  });
});

describe('what is not a readable run', () => {
  it('names the argument, the file and the rule', () => {
    expect(message(() => readRunPage(join(root, 'nowhere'))))
      .toBe(`RUN must be a run directory of l2l evolve (a folder with config.json and metrics.jsonl): ${JSON.stringify(join(root, 'nowhere'))} does not exist`);
    expect(message(() => readRunPage(join(run, 'config.json'))))
      .toBe(`RUN must be a run directory of l2l evolve (a folder with config.json and metrics.jsonl): ${JSON.stringify(join(run, 'config.json'))} is not a folder`);
    const copy = join(root, 'damaged');
    cutCopy(run, copy, 2);
    rmSync(join(copy, 'metrics.jsonl'));
    expect(message(() => readRunPage(copy))).toMatch(/^RUN must be a run directory .* has no metrics\.jsonl$/);
    writeFileSync(join(copy, 'metrics.jsonl'), `${metricLines(run)[0]}{"generation": 1}\n`);
    expect(message(() => readRunPage(copy))).toMatch(/^metrics\.jsonl line 2: tasks /);
    cutCopy(run, copy, 2);
    rmSync(join(copy, 'fronts', 'gen-0001.json'));
    expect(message(() => readRunPage(copy))).toBe('fronts/gen-0001.json must exist: metrics.jsonl has a line for generation 1');
  });
});
