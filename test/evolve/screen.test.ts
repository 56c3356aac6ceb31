// The screen before the evaluator (src/evolve/screen.ts): the learning check on the main thread,
// non-learners scored without training, functional duplicates (same fingerprint and scales) answered
// from the first of them, and everything else sent to the evaluator with its check.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { inThreadEvaluator, mainThreadScreen } from '../../src/evolve/evolve.ts';
import { evaluateScreened } from '../../src/evolve/screen.ts';
import type { Candidate, Evaluator, Screener } from '../../src/evolve/state.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { makePlan } from '../../src/tasks/evaluate.ts';
import { PENALTY, type GenomeEvaluation } from '../../src/tasks/metrics.ts';

const plan = makePlan(4, 2, [{ task: 'quadratic', steps: 30 }, { task: 'linreg-8', steps: 30 }]);

let engine: Engine;
let screen: Screener;
beforeAll(async () => {
  engine = await Engine.create();
  screen = await mainThreadScreen(plan.workLimit);
});

/** An evaluator on this thread that notes every candidate it is sent. */
function recording(): { evaluate: Evaluator; sent: Candidate[] } {
  const inner = inThreadEvaluator(engine);
  const sent: Candidate[] = [];
  return { sent, evaluate: async (candidates, p) => { sent.push(...candidates); return inner(candidates, p); } };
}

function strip(value: unknown, keys: readonly string[] = ['wallTimeMs']): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (keys.includes(key) ? undefined : v)));
}

const clone = (g: Genome): Genome => structuredClone(g);

/** Adam with one more edge, disabled, gradient -> output, of weight w. */
function withDisabledEdge(w: number): Genome {
  const g = clone(seedByName('adam').build());
  g.edges.push({ key: 999_001, source: 0, target: 6, port: 0, weight: w, delay: 0, enabled: false });
  return parseGenome(g);
}

/** The same graph with every hidden and output node key and every edge key moved up (their order kept). */
function renumbered(g: Genome): Genome {
  const json = clone(g);
  const inputs = new Set(json.nodes.filter((n) => n.role === 'input').map((n) => n.key));
  const move = (k: number) => (inputs.has(k) ? k : k + 50_000);
  json.nodes = json.nodes.map((n) => ({ ...n, key: move(n.key) }));
  json.edges = json.edges.map((e) => ({ ...e, key: e.key + 7, source: move(e.source), target: move(e.target) }));
  return parseGenome(json);
}

describe('evaluateScreened', () => {
  it('sends each function once, answers duplicates from the first, and never sends a non-learner', async () => {
    const adam = seedByName('adam').build();
    const sgd = seedByName('sgd').build();
    const frozen = seedByName('sgd').build({ lr: 0 }); // ignores the gradient
    const candidates: Candidate[] = [
      { id: 10, genome: adam },
      { id: 11, genome: clone(adam) },
      { id: 12, genome: frozen, scales: [1, 0, 2] },
      { id: 13, genome: withDisabledEdge(0.5) },
      { id: 14, genome: withDisabledEdge(-3) },
      { id: 15, genome: renumbered(adam) },
      { id: 16, genome: clone(adam), scales: [0, -1, 1] },
      { id: 17, genome: sgd, scales: [0, -1, 1] },
      { id: 18, genome: clone(adam), scales: [0, -1, 1] },
      { id: 19, genome: clone(adam), scales: [1, 0, 2] },
    ];
    const { evaluate, sent } = recording();
    const out = await evaluateScreened(candidates, plan, screen, evaluate);
    expect(sent.map((c) => c.id)).toEqual([10, 16, 17, 19]);
    expect(sent.map((c) => c.scales)).toEqual([[0], [0, -1, 1], [0, -1, 1], [1, 0, 2]]);
    for (const c of sent) expect(c.learning).toMatchObject({ verdict: 'learner' });
    expect(out.cache).toEqual({ lookups: 10, hits: 5 });
    expect(out.evaluations).toBe((1 + 3 + 3 + 3) * plan.tasks.length);
    expect(out.results.map((r) => r.genomeId)).toEqual(candidates.map((c) => c.id));

    const [first, , nonLearner] = out.results as GenomeEvaluation[];
    expect(first?.status).toBe('ok');
    expect(first?.steps).toEqual({ trained: 2 * 30, saved: 0 });
    for (const [copy, of] of [[1, 0], [3, 0], [4, 0], [5, 0], [8, 6]] as const) {
      const r = out.results[copy] as GenomeEvaluation;
      expect(r.steps).toEqual({ trained: 0, saved: 0 });
      expect({ ...r, genomeId: 0, steps: null }).toEqual({ ...(out.results[of] as GenomeEvaluation), genomeId: 0, steps: null });
    }
    // A scale list in another order is another key: 16 and 19 were both sent.
    expect((out.results[6] as GenomeEvaluation).steps?.trained).toBe(3 * 2 * 30);

    expect(nonLearner).toMatchObject({
      status: 'invalid', reason: 'non_learner', penalty: PENALTY.non_learner, message: 'the update ignores the gradient', scale: 1, steps: { trained: 0, saved: 0 },
    });
    expect(nonLearner?.tasks.map((t) => [t.task, t.status === 'invalid' ? t.reason : t.status])).toEqual(plan.tasks.map((t) => [t.task, 'non_learner']));
  });

  it('gives the evaluator\'s own results: the sent ones as evaluated directly, the copies as their genomes get under the first\'s id', async () => {
    const adam = seedByName('adam').build();
    const candidates: Candidate[] = [
      { id: 1, genome: adam, scales: [0, 1] },
      { id: 2, genome: seedByName('rmsprop').build(), scales: [0, 1] },
      { id: 3, genome: withDisabledEdge(2), scales: [0, 1] },
      { id: 4, genome: renumbered(adam), scales: [0, 1] },
    ];
    const { evaluate, sent } = recording();
    const out = await evaluateScreened(candidates, plan, screen, evaluate);
    expect(sent.map((c) => c.id)).toEqual([1, 2]);
    // Directly, without the screen's checks: every candidate evaluated, each with its own id.
    const direct = await inThreadEvaluator(engine)(candidates.slice(0, 2).map(({ id, genome, scales }) => ({ id, genome, scales })), plan);
    expect(strip(out.results.slice(0, 2))).toEqual(strip(direct));
    // The episode seed follows the genome id, so a copy is what its own genome gets under the id it
    // copies: the cache changes no score for these variants. Only the id and the updates differ.
    const copies = await inThreadEvaluator(engine)(candidates.slice(2).map(({ genome, scales }) => ({ id: 1, genome, scales })), plan);
    const keep = ['wallTimeMs', 'steps', 'genomeId'];
    expect(strip(out.results.slice(2), keep)).toEqual(strip(copies, keep));
    expect(copies.map((c) => c.steps)).toEqual([direct[0]?.steps, direct[0]?.steps]);
    expect(out.results.slice(2).map((r) => [r.genomeId, r.steps])).toEqual([[3, { trained: 0, saved: 0 }], [4, { trained: 0, saved: 0 }]]);
  });

  it('sends genomes the probe cannot decide on, duplicates included, and calls the evaluator not at all when nothing is left', async () => {
    const undecided: Screener = () => ({ verdict: 'undecided', ticks: 1, why: 'test' });
    const a = recording();
    const adam = seedByName('adam').build();
    const out = await evaluateScreened([{ id: 1, genome: adam }, { id: 2, genome: clone(adam) }], plan, undecided, a.evaluate);
    expect(a.sent.map((c) => c.id)).toEqual([1, 2]);
    expect(out.cache).toEqual({ lookups: 2, hits: 0 });
    // Both trained (each with its own id's episode seed).
    expect(out.results.map((r) => [r.genomeId, r.status, r.steps])).toEqual([[1, 'ok', { trained: 60, saved: 0 }], [2, 'ok', { trained: 60, saved: 0 }]]);

    let calls = 0;
    const never: Evaluator = async () => { calls++; return []; };
    const frozen = seedByName('sgd').build({ lr: 0 });
    const none = await evaluateScreened([{ id: 5, genome: frozen }, { id: 6, genome: clone(frozen) }], plan, screen, never);
    expect(calls).toBe(0);
    expect(none).toMatchObject({ cache: { lookups: 2, hits: 0 }, evaluations: 0 });
    expect(none.results.map((r) => [r.genomeId, r.status, r.status === 'invalid' ? r.reason : null, r.scale])).toEqual([[5, 'invalid', 'non_learner', 0], [6, 'invalid', 'non_learner', 0]]);
    expect((await evaluateScreened([], plan, screen, never)).results).toEqual([]);
    expect(calls).toBe(0);
  });
});

describe('the cache key holds the cost profile', () => {
  /** SGD with a dead node fed by a delayed edge from the gradient: the same function, more work and state. */
  function withDeadState(): Genome {
    const g = clone(seedByName('sgd').build());
    g.nodes.push({ ...structuredClone(g.nodes.find((n) => n.role === 'hidden') as Genome['nodes'][number]), key: 888_001, op: 'identity', attrs: [0, 0, 0, 0], effects: [] });
    g.edges.push({ key: 888_002, source: 0, target: 888_001, port: 0, weight: 1, delay: 1, enabled: true });
    return parseGenome(g);
  }

  it('does not answer a genome with dead state from its cheaper twin', async () => {
    const sgd = seedByName('sgd').build();
    const bloated = withDeadState();
    expect(screen(bloated).verdict).toBe('learner');
    expect(screen(bloated)).toMatchObject({ fingerprint: (screen(sgd) as { fingerprint: string }).fingerprint });
    const { evaluate, sent } = recording();
    const out = await evaluateScreened([{ id: 1, genome: sgd }, { id: 2, genome: bloated }], plan, screen, evaluate);
    expect(out.cache.hits).toBe(0);
    expect(sent.map((c) => c.id)).toEqual([1, 2]);
    const [a, b] = out.results as [GenomeEvaluation, GenomeEvaluation];
    expect(a.status === 'ok' && b.status === 'ok').toBe(true);
    if (a.status === 'ok' && b.status === 'ok') {
      expect(b.metrics.memoryCost).toBeGreaterThan(a.metrics.memoryCost);
      expect(b.metrics.timeCost).toBeGreaterThan(a.metrics.timeCost);
    }
  });
});
