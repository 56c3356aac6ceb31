// The surrogate's dense graph arrays (src/surrogate/graph.ts): every seed and ~200 mutants go to
// arrays and back without loss (the same arrays again, and the same genome up to its keys); the
// canonical order puts inputs first and every enabled delay-0 edge forwards, whatever the order of
// the JSON lists; each rule of representable() is hit by a hand-built genome; a hand-edited array
// that breaks a genome rule is rejected by parseGenome with the field named; sameGraph tells a
// changed weight (attributes) from a removed edge (structure).

import { describe, expect, it } from 'vitest';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate } from '../../src/genome/mutate.ts';
import { cloneGenome, mutationOptions } from '../../src/genome/mutation.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { structureKey } from '../../src/genome/structure.ts';
import type { Effect, Genome } from '../../src/genome/types.ts';
import { LEARNER_SEEDS } from '../../src/learner/index.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import {
  canonicalOrder, edgeIndex, fromArrays, REPRESENTABLE_RULES, representable, sameGraph, signature, SURROGATE_EFFECTS,
  toArrays, type GenomeTemplate, type GraphArrays, type KeyedGraphArrays,
} from '../../src/surrogate/graph.ts';
import { InputError } from '../../src/util/errors.ts';
import { createRng, type Rng } from '../../src/util/rng.ts';

const OPTIMIZER_NODES = 48;
const LEARNER_NODES = 192;

const templateOf = (g: Genome): GenomeTemplate => ({ name: g.name, inputs: g.inputs, outputs: g.outputs, caps: g.caps, maxDelay: g.maxDelay });

/** Copies of the arrays (typed arrays copied, so edits do not reach the original). */
function copyArrays(a: GraphArrays): GraphArrays {
  const out = { ...a } as Record<string, unknown>;
  for (const [k, v] of Object.entries(a)) if (ArrayBuffer.isView(v)) out[k] = (v as Int32Array).slice();
  return out as unknown as GraphArrays;
}

/** What is wrong with g -> arrays -> genome -> arrays, or [] (see the file's opening comment). */
function roundTripProblems(g: Genome, maxNodes: number): string[] {
  const a = toArrays(g, maxNodes);
  const h = fromArrays(a, templateOf(g));
  const b = toArrays(h, maxNodes);
  const problems: string[] = [];
  const same = sameGraph(a, b, 0);
  if (!same.structure || !same.attributes) problems.push(`arrays differ: ${same.mismatches.join('; ')}`);
  if (signature(a) !== signature(b)) problems.push('signatures differ');
  if (structureKey(h) !== structureKey(g)) problems.push('structureKey differs');
  const nodeText = (x: Genome): string => x.nodes.map((n) => `${n.op}/${n.role}/${n.slot}`).sort().join(',');
  if (nodeText(h) !== nodeText(g)) problems.push('the multiset of (op, role, slot) differs');
  // Node keys map through positions: key of g at position i becomes i + 1 in h.
  const renamed = new Map(Array.from(a.keys, (key, i) => [key, i + 1]));
  const edgeText = (source: number, target: number, port: number, delay: number): string => `${source}>${target}:${port}@${delay}`;
  const hEdges = new Map(h.edges.map((e) => [edgeText(e.source, e.target, e.port, e.delay), e]));
  if (h.edges.length !== g.edges.length) problems.push(`edge count ${h.edges.length} vs ${g.edges.length}`);
  for (const e of g.edges) {
    const f = hEdges.get(edgeText(renamed.get(e.source) as number, renamed.get(e.target) as number, e.port, e.delay));
    if (f === undefined || f.weight !== Math.fround(e.weight) || f.enabled !== e.enabled) problems.push(`edge ${e.key} not kept`);
  }
  const nodesOf = (x: Genome, key: (k: number) => number): string[] => x.nodes.map((n) => JSON.stringify({ ...n, key: key(n.key) })).sort();
  if (JSON.stringify(nodesOf(g, (k) => renamed.get(k) as number)) !== JSON.stringify(nodesOf(h, (k) => k))) problems.push('node fields differ');
  if (JSON.stringify(h.coding) !== JSON.stringify(g.coding)) problems.push('coding differs');
  return problems;
}

/** Positions where the canonical order is broken: inputs not first by slot, or an enabled delay-0 edge that does not go forwards. */
function orderProblems(a: GraphArrays): string[] {
  const problems: string[] = [];
  for (let i = 0; i < a.inputs; i++) if (a.role[i] !== 1 || a.slot[i] !== i) problems.push(`position ${i} is not input slot ${i}`);
  for (let i = a.inputs; i < a.count; i++) if (a.role[i] === 1) problems.push(`input node at position ${i}`);
  for (let t = 0; t < a.count; t++) {
    for (let p = 0; p < 3; p++) {
      for (let s = 0; s < a.count; s++) {
        const i = edgeIndex(a.maxNodes, t, p, s, 0);
        if (a.edge[i] === 1 && a.edgeEnabled[i] === 1 && s >= t) problems.push(`enabled delay-0 edge ${s} -> ${t}`);
      }
    }
  }
  return problems;
}

function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Whether the arrays of g and of g with its node and edge lists shuffled are identical (keys included). */
function orderIndependent(g: Genome, maxNodes: number, rng: Rng): boolean {
  const a = toArrays(g, maxNodes);
  const b = toArrays({ ...g, nodes: shuffled(g.nodes, rng), edges: shuffled(g.edges, rng) }, maxNodes);
  const same = sameGraph(a, b, 0);
  return same.structure && same.attributes && signature(a) === signature(b) && a.keys.join() === b.keys.join();
}

/** ~200 mutants: chains of mutations from the seeds, with effects and disabled edges made likely. */
function mutants(): { genome: Genome; maxNodes: number }[] {
  const rng = createRng(13);
  const options = mutationOptions({ rates: { 'add-effect': 3, 'toggle-edge': 2, 'modify-effect': 1, 'split-edge': 2, 'edge-delay': 1, coding: 0.5 }, extraRate: 0.5, maxDelay: 3 });
  const result: { genome: Genome; maxNodes: number }[] = [];
  const roots = [
    ...SEEDS.map((s) => ({ genome: s.build(), maxNodes: OPTIMIZER_NODES })),
    ...LEARNER_SEEDS.slice(0, 6).map((s) => ({ genome: s.build(), maxNodes: LEARNER_NODES })),
  ];
  const tracker = new InnovationTracker(roots.map((r) => r.genome));
  for (let i = 0; i < 200; i++) {
    // Half the time a root, else an earlier mutant, so lineages grow long (more effects and edges).
    const parent = i < roots.length || rng.next() < 0.5 ? roots[i % roots.length] : result[rng.int(result.length)];
    if (parent === undefined) throw new Error('no parent');
    let genome = parent.genome;
    for (let step = 0; step < 3; step++) {
      const r = mutate(genome, rng, tracker, options);
      if (r.status === 'ok') genome = r.genome;
    }
    result.push({ genome, maxNodes: parent.maxNodes });
  }
  return result;
}

// A small hand-built genome: input (key 10) -> add (20) -> output (30), with a second input (11).
function small(extra: { nodes?: Record<string, unknown>[]; edges?: Record<string, unknown>[]; effects?: Partial<Effect>[] } = {}): Genome {
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'small', inputs: [{ name: 'a' }, { name: 'b' }], outputs: [{ name: 'y' }], maxDelay: 3,
    nodes: [
      { key: 30, role: 'output', slot: 0, op: 'identity' },
      { key: 20, op: 'add', effects: extra.effects ?? [] },
      { key: 11, role: 'input', slot: 1 },
      { key: 10, role: 'input', slot: 0 },
      ...(extra.nodes ?? []),
    ],
    edges: [
      { key: 1, source: 10, target: 20, port: 0, weight: 0.5 },
      { key: 2, source: 11, target: 20, port: 1, weight: -2 },
      { key: 3, source: 20, target: 30, weight: 1.25 },
      ...(extra.edges ?? []),
    ],
  });
}

describe('surrogate graph arrays', () => {
  it('round-trip every optimizer and learner seed exactly', () => {
    const cases = [
      ...SEEDS.map((s) => ({ name: s.name, g: s.build(), n: OPTIMIZER_NODES })),
      ...LEARNER_SEEDS.map((s) => ({ name: s.name, g: s.build(), n: LEARNER_NODES })),
    ];
    expect(cases.length).toBe(SEEDS.length + LEARNER_SEEDS.length);
    const problems = cases.flatMap((c) => roundTripProblems(c.g, c.n).map((p) => `${c.name}: ${p}`));
    expect(problems).toEqual([]);
    expect(cases.some((c) => c.g.coding !== undefined)).toBe(true);
  });

  it('round-trip every representable mutant, keep the canonical order, and reject the rest for a documented rule', () => {
    const all = mutants();
    const rng = createRng(5);
    const problems: string[] = [];
    const rejected = new Map<string, number>();
    let withEffects = 0;
    let withDisabled = 0;
    all.forEach(({ genome, maxNodes }, i) => {
      const r = representable(genome, maxNodes);
      if (!r.ok) {
        rejected.set(r.rule, (rejected.get(r.rule) ?? 0) + 1);
        if (!(REPRESENTABLE_RULES as readonly string[]).includes(r.rule) || !r.reason.startsWith(`${r.rule}: `)) problems.push(`#${i}: reason ${r.reason}`);
        expect(() => toArrays(genome, maxNodes)).toThrow(InputError);
        return;
      }
      if (genome.nodes.some((n) => n.effects.length > 0)) withEffects++;
      if (genome.edges.some((e) => !e.enabled)) withDisabled++;
      problems.push(...roundTripProblems(genome, maxNodes).map((p) => `#${i}: ${p}`));
      problems.push(...orderProblems(toArrays(genome, maxNodes)).map((p) => `#${i}: ${p}`));
      if (!orderIndependent(genome, maxNodes, rng)) problems.push(`#${i}: the arrays depend on the order of the JSON lists`);
    });
    console.info(`surrogate graph: ${all.length} mutants, ${withEffects} with effects, ${withDisabled} with disabled edges; not representable: ${JSON.stringify(Object.fromEntries(rejected))}`);
    expect(problems).toEqual([]);
    expect(withEffects).toBeGreaterThan(20);
    expect(withDisabled).toBeGreaterThan(20);
    expect(all.length - [...rejected.values()].reduce((s, x) => s + x, 0)).toBeGreaterThan(150);
  });

  it('put inputs first by slot, then a min-key topological order of the delay-0 edges', () => {
    const g = small({ nodes: [{ key: 5, op: 'identity' }], edges: [{ key: 4, source: 10, target: 5 }] });
    // Hidden 5 and 20 are both ready after the inputs: the smaller key comes first; the output last.
    expect(canonicalOrder(g)).toEqual([10, 11, 5, 20, 30]);
    // A disabled delay-0 edge 30 -> 5 closes a cycle with the others only if disabled edges counted:
    // 5 -> 20 -> 30 -> 5. The enabled edges then decide, and the disabled one points backwards.
    const cyclic = small({ nodes: [{ key: 5, op: 'identity' }], edges: [{ key: 4, source: 5, target: 20, port: 2 }, { key: 5, source: 30, target: 5, enabled: false }] });
    expect(canonicalOrder(cyclic)).toEqual([10, 11, 5, 20, 30]);
    const a = toArrays(cyclic, 8);
    expect(a.edge[edgeIndex(8, 2, 0, 4, 0)]).toBe(1);
    expect(a.edgeEnabled[edgeIndex(8, 2, 0, 4, 0)]).toBe(0);
    expect(orderProblems(a)).toEqual([]);
    expect(roundTripProblems(cyclic, 8)).toEqual([]);
    // Without the cycle, a disabled delay-0 edge still orders its ends: 20 -> 5 puts 5 after 20.
    const disabled = small({ nodes: [{ key: 5, op: 'identity' }], edges: [{ key: 4, source: 20, target: 5, enabled: false }] });
    expect(canonicalOrder(disabled)).toEqual([10, 11, 20, 5, 30]);
    // A delayed edge does not order its ends.
    const delayed = small({ nodes: [{ key: 5, op: 'identity' }], edges: [{ key: 4, source: 20, target: 5, delay: 2 }] });
    expect(canonicalOrder(delayed)).toEqual([10, 11, 5, 20, 30]);
  });

  it('reject each unrepresentable genome with its rule', () => {
    const effect: Partial<Effect> = { kind: 'weight', amount: { source: 'const', scale: 0.1 } };
    const cases: [Genome, number, string][] = [
      [small(), 3, 'nodes'],
      [small({ effects: Array.from({ length: SURROGATE_EFFECTS + 1 }, () => effect) }), 8, 'effects'],
      [small({ edges: [{ key: 4, source: 20, target: 30, delay: 1 }, { key: 5, source: 20, target: 30, delay: 2 }] }), 8, 'parallel-edges'],
      // parseGenome allows ports 0-2 only, so the out-of-range port is written into a parsed genome.
      [{ ...small(), edges: [...small().edges, { key: 9, source: 10, target: 30, port: 3, weight: 1, delay: 0, enabled: true }] }, 8, 'ports'],
    ];
    for (const [g, maxNodes, rule] of cases) {
      const r = representable(g, maxNodes);
      expect(r.ok, rule).toBe(false);
      if (r.ok) continue;
      expect(r.rule).toBe(rule);
      expect(r.reason).toMatch(new RegExp(`^${rule}: `));
      expect(() => toArrays(g, maxNodes)).toThrow(InputError);
    }
    expect(representable(small({ effects: Array.from({ length: SURROGATE_EFFECTS }, () => effect) }), 4)).toEqual({ ok: true });
    // Delays 0 and 1 side by side are different cells, not parallel edges.
    expect(representable(small({ edges: [{ key: 4, source: 20, target: 30, delay: 1 }] }), 4)).toEqual({ ok: true });
  });

  it('let parseGenome reject hand-edited arrays, naming the field and the rule', () => {
    const g = small({ effects: [{ kind: 'weight', amount: { source: 'const', scale: 0.1 } }] });
    const base = toArrays(g, 6);
    const template = templateOf(g);
    const edited = (edit: (a: GraphArrays) => void): GraphArrays => {
      const a = copyArrays(base);
      edit(a);
      return a;
    };
    const rejection = (a: GraphArrays): InputError => {
      try {
        fromArrays(a, template);
      } catch (error) {
        if (error instanceof InputError) return error;
        throw error;
      }
      throw new Error('fromArrays accepted the arrays');
    };
    // Positions: 0, 1 inputs, 2 the add node, 3 the output. An enabled delay-0 edge 3 -> 2 closes a cycle.
    const back = rejection(edited((a) => {
      const i = edgeIndex(6, 2, 2, 3, 0);
      a.edge[i] = 1;
      a.edgeEnabled[i] = 1;
    }));
    expect(back.field).toMatch(/^edges\[\d+\]\.delay$/);
    expect(back.rule).toMatch(/must not close a cycle of delay-0 edges/);
    expect(rejection(edited((a) => { a.op[2] = 99; })).message).toMatch(/^nodes\[2\]\.op must be one of identity/);
    expect(rejection(edited((a) => { a.real[2 * 8 + 5] = 1.5; })).message).toMatch(/^nodes\[2\]\.policy\.decay must be a number from 0 to 1/);
    expect(rejection(edited((a) => { a.effectRadius[2 * SURROGATE_EFFECTS] = 0; })).field).toBe('nodes[2].effects[0].select.radius');
    expect(rejection(edited((a) => { a.effectEnabled[2 * SURROGATE_EFFECTS] = 2; })).field).toBe('nodes[2].effects[0].enabled');
    expect(rejection(edited((a) => { a.slot[2] = 0; })).field).toBe('nodes[2].slot');
    expect(rejection(edited((a) => { a.edge[edgeIndex(6, 0, 0, 2, 0)] = 1; })).rule).toMatch(/must not be an input node/);
    expect(rejection(edited((a) => { a.edge[edgeIndex(6, 3, 0, 2, 1)] = 1; a.edgeDelay[edgeIndex(6, 3, 0, 2, 1)] = 4; })).message).toMatch(/^edges\[\d+\]\.delay must be an integer from 0 to 3/);
    // Errors the parser could not see: a delay against its cell's kind, an edge beyond count, too many effects.
    expect(rejection(edited((a) => { a.edge[edgeIndex(6, 3, 0, 2, 1)] = 1; })).rule).toMatch(/at least 1 in a delayed cell/);
    expect(rejection(edited((a) => { a.edge[edgeIndex(6, 5, 0, 2, 0)] = 1; })).field).toMatch(/\.target$/);
    expect(rejection(edited((a) => { a.effectCount[2] = SURROGATE_EFFECTS + 1; })).field).toBe('nodes[2].effects');
    // An edge into a port beyond its op's arity is valid (dead weight, genome/arity.ts): the decoder must mask it.
    const dead = fromArrays(edited((a) => { a.edge[edgeIndex(6, 3, 2, 0, 0)] = 1; a.edgeEnabled[edgeIndex(6, 3, 2, 0, 0)] = 1; }), template);
    expect(dead.edges.some((e) => e.target === 4 && e.port === 2)).toBe(true);
    // Keys: the caller's node keys and edge key base.
    const keyed = fromArrays(base, { ...template, nodeKeys: base.keys, edgeKeyBase: 100 });
    expect(keyed.nodes.map((n) => n.key)).toEqual([10, 11, 20, 30]);
    expect(keyed.edges.map((e) => e.key)).toEqual([100, 101, 102]);
  });

  it('sameGraph tells a changed weight from a removed edge; signature follows content', () => {
    const g = SEEDS[8]?.build() as Genome;
    const a: KeyedGraphArrays = toArrays(g, OPTIMIZER_NODES);
    const e = g.edges.find((x) => x.delay === 0) as Genome['edges'][number];
    const cell = edgeIndex(OPTIMIZER_NODES, a.keys.indexOf(e.target), e.port, a.keys.indexOf(e.source), 0);
    expect(a.edge[cell]).toBe(1);
    const reweighted = copyArrays(a);
    reweighted.edgeWeight[cell] = (a.edgeWeight[cell] as number) * 1.5 + 1;
    const changed = sameGraph(a, reweighted, 1e-6);
    expect(changed).toMatchObject({ structure: true, attributes: false });
    expect(changed.mismatches.join()).toMatch(/weight/);
    expect(sameGraph(a, reweighted, 10).attributes).toBe(true);
    expect(signature(reweighted)).not.toBe(signature(a));
    const removed = copyArrays(a);
    removed.edge[cell] = 0;
    const gone = sameGraph(a, removed, 1);
    expect(gone).toMatchObject({ structure: false, attributes: false });
    expect(gone.mismatches.join()).toMatch(/present vs absent/);
    expect(signature(removed)).not.toBe(signature(a));
    // The same genome at another maxNodes is the same graph; a copy signs the same.
    expect(sameGraph(a, toArrays(g, 64), 0)).toEqual({ structure: true, attributes: true, mismatches: [] });
    expect(signature(toArrays(cloneGenome(g), 64))).toBe(signature(a));
  });
});
