import { describe, expect, it } from 'vitest';
import { chunkSizes, decodeJob, decodeResults, encodeJob, encodeResults, queueName } from '../../src/distributed/jobs.ts';
import { pack } from '../../src/genome/pack.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { makePlan } from '../../src/tasks/evaluate.ts';
import type { GenomeEvaluation } from '../../src/tasks/metrics.ts';

/** Guided self-scheduling written the long way: one genome at a time into the current job. */
function naiveChunks(count: number, threads: number): number[] {
  if (threads === 0) return new Array<number>(count).fill(1);
  const sizes: number[] = [];
  let left = count;
  while (left > 0) {
    let size = 0;
    // The first size whose share of what is left is at least left / (2 threads).
    while (size * 2 * threads < left) size++;
    size = Math.max(1, size);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

describe('chunkSizes', () => {
  it('matches the naive guided schedule, covers every genome, and never grows', () => {
    for (let count = 0; count <= 200; count += 7) {
      for (const threads of [0, 1, 2, 3, 8, 64]) {
        const sizes = chunkSizes(count, threads);
        expect(sizes).toEqual(naiveChunks(count, threads));
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
        for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1] as number);
        if (threads > 0 && count >= 2 * threads) expect(sizes.length).toBeGreaterThanOrEqual(2 * threads);
      }
    }
  });

  it('gives 48 genomes on two threads in 12 jobs, the last ones single', () => {
    expect(chunkSizes(48, 2)).toEqual([12, 9, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1]);
    expect(chunkSizes(5, 0)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('job and result encoding', () => {
  it('gives back each genome\'s words and job, 4-byte aligned', () => {
    const words = [pack(seedByName('adam').build()), pack(seedByName('lion').build())];
    const plan = makePlan(3, 1, [{ task: 'quadratic', steps: 20 }]);
    const text = encodeJob({ plan, timeLimitMs: 900, genomes: [{ id: 4, words: words[0] as Int32Array, job: { scales: [1, 2] } }, { id: 9, words: words[1] as Int32Array, job: { role: 'learner' } }] });
    const back = decodeJob(text);
    expect(back.plan).toEqual(plan);
    expect(back.timeLimitMs).toBe(900);
    expect(back.genomes.map((g) => [g.id, g.job])).toEqual([[4, { scales: [1, 2] }], [9, { role: 'learner' }]]);
    expect(back.genomes.map((g) => [...g.words])).toEqual(words.map((w) => [...w]));
    for (const g of back.genomes) expect(g.words.byteOffset % 4).toBe(0);
  });

  it('keeps every double of the results, -0 and NaN included', () => {
    const results = [
      { genomeId: 1, status: 'ok', metrics: { loss: -0, curve: [Number.NaN, 1e-310, -Infinity] } },
      { genomeId: 2, status: 'invalid', reason: 'node 3: bad' },
    ] as unknown as GenomeEvaluation[];
    const back = decodeResults(encodeResults(results));
    expect(Object.is((back[0] as unknown as { metrics: { loss: number } }).metrics.loss, -0)).toBe(true);
    expect(back).toEqual(results);
  });
});

describe('queueName', () => {
  it('names the run directory and its start, in characters Redis keys take', () => {
    expect(queueName('/tmp/runs/my run!/', 36 ** 3)).toBe('l2l-eval-my_run_-1000');
  });
});
