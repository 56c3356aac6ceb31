// pack() and unpack() at the size limits: a genome with 125,000 edges (MAX_EDGES is 131,072) packs,
// unpacks to itself, and loads and runs in the engine, which dumps it back unchanged. Packing once
// spread every key into Math.max, which overflowed the main thread's stack at this size (`l2l
// eval`; test files run in worker threads, whose stacks are larger), so it runs in a main thread.

import { describe, expect, it } from 'vitest';
import { MAX_EDGES } from '../../src/engine/layout.ts';
import { inMainThread } from '../engine/main-thread.ts';
import type { packAndRun } from './large-genomes.ts';

const EDGES = 125_000;

describe('pack and unpack at the size limits', () => {
  it('round-trip a genome with 125,000 enabled edges, which loads, runs and dumps back unchanged', () => {
    expect(EDGES).toBeLessThanOrEqual(MAX_EDGES);
    const r = inMainThread<Awaited<ReturnType<typeof packAndRun>>>(new URL('./large-genomes.ts', import.meta.url), 'packAndRun', EDGES);
    expect(r.edges).toBe(EDGES);
    expect(r.words).toBe(r.packedLength);
    expect(r.unpacked).toBe(true);
    expect(r.status).toEqual([{ status: 'ok' }, { status: 'ok' }, { status: 'ok' }]);
    expect(r.output).toEqual(r.expected);
    expect(r.dumped).toBe(true);
    expect(r.usage).toBe(3); // gradient -> the first hidden node, used every tick
  });
});
