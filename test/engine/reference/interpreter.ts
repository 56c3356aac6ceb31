// ReferenceEngine: docs/engine.md in plain TypeScript, obviously correct rather than fast. One tick is
// the sweep (ports, ops, firing, outputs, edge usage, costs), then the effects step, and the schedule
// (sweep order and widths) is simply recomputed from the graph at the start of every tick. Between
// the two it computes the tick's neuromodulator M from the modulatory nodes' mean outputs, which the
// effects read (amount `modulated`). Its API mirrors the real engine's host bridge (src/engine/engine.ts).

import {
  EDGE_WORDS, EFFECT_WORDS, HEADER_WORDS, NODE_WORDS,
} from '../../../src/engine/layout.ts';
import {
  NOOP_REASON_NAMES, type Costs, type HistoryEntry, type NoopReason, type RunResult,
} from '../../../src/engine/types.ts';
import type { EdgeGene, Genome, LaneGroup, NodeGene } from '../../../src/genome/types.ts';
import { applyEffects, neuromodulator, type EffectContext } from './effects.ts';
import { fire } from './firing.ts';
import { Hash } from './hash.ts';
import { evaluateOp } from './ops.ts';
import { sweepOrder, widthCount, widths } from './schedule.ts';
import { type EdgeState, GraphState, Lanes, type NodeState } from './state.ts';

const f32 = Math.fround;

export class ReferenceEngine {
  private readonly geometry: Lanes;
  private readonly state: GraphState;
  private readonly hash: Hash;
  private readonly template: Genome;
  private readonly inputs: Float32Array[];
  private readonly outputs: Float32Array[];
  private tick = 0;
  private readonly ledger: EffectContext;
  private readonly counts = { nodeLaneEvaluations: 0, edgeLaneTraversals: 0, firedNodeLanes: 0 };

  constructor(genome: Genome, groups: readonly LaneGroup[], options: { seed?: number } = {}) {
    this.template = genome;
    this.geometry = new Lanes(groups);
    this.state = new GraphState(genome, this.geometry.count);
    this.hash = new Hash(options.seed ?? 0);
    this.inputs = genome.inputs.map((s) => new Float32Array(s.width === 'lane' ? this.lanes : 1));
    this.outputs = genome.outputs.map(() => new Float32Array(this.lanes));
    this.ledger = {
      graph: this.state, t: 0, hash: this.hash, lanes: this.lanes, applications: 0, applied: 0, effectSearch: 0,
      noops: Object.fromEntries(NOOP_REASON_NAMES.map((r) => [r, 0])) as Record<NoopReason, number>,
      history: [], dropped: 0, modulator: 0, modulated: 0,
    };
  }

  get lanes(): number {
    return this.geometry.count;
  }

  /** The slot's data (L lanes, or 1 for a scalar slot); the caller writes it, values persist. */
  input(slot: number): Float32Array {
    const data = this.inputs[slot];
    if (data === undefined) throw new RangeError(`input slot ${slot} does not exist`);
    return data;
  }

  /** The output slot's lanes as the last tick's sweep left them. */
  output(slot: number): Float32Array {
    const data = this.outputs[slot];
    if (data === undefined) throw new RangeError(`output slot ${slot} does not exist`);
    return data;
  }

  run(ticks: number): RunResult {
    for (let i = 0; i < ticks; i++) {
      const noted = this.step();
      if (noted !== null) return { status: 'non-finite', nodeKey: noted, tick: this.tick };
    }
    return { status: 'ok' };
  }

  /** One tick; returns the key of the first node with a non-finite activation, or null. */
  private step(): number | null {
    const g = this.state;
    const L = this.lanes;
    const t = ++this.tick;
    const order = sweepOrder(g);
    const width = widths(g);
    const count = (key: number): number => widthCount(width.get(key) ?? 'scalar', this.geometry.groups.length, L);
    const firing: { key: number; act: number }[] = [];
    let noted: number | null = null;

    const byKey = g.sortedEdges();
    for (const key of order) {
      const node = g.node(key);
      if (node.role === 'input') {
        const data = this.inputs[node.slot] as Float32Array;
        const out = data.length === L ? Float32Array.from(data) : new Float32Array(L).fill(data[0] as number);
        node.outputs.set(t, out);
        if (node.effects.length > 0) firing.push({ key, act: meanOf(out) });
        continue;
      }
      const P = [0, 1, 2].map((p) => this.port(byKey, node, p, t));
      const A = evaluateOp(node.op, node.attrs, P, t, this.geometry);
      const result = fire(node, P, A, t, this.hash);
      node.outputs.set(t, result.output);
      if (node.role === 'output') this.outputs[node.slot]?.set(result.output);
      if (noted === null && A.some((a) => !Number.isFinite(a))) noted = key;
      this.counts.nodeLaneEvaluations += count(key);
      this.counts.firedNodeLanes += result.firedCount;
      if (result.firedCount > 0 && node.effects.length > 0) firing.push({ key, act: result.act });
    }

    for (const e of g.sortedEdges()) {
      if (!this.readable(e, t)) continue;
      const out = g.node(e.source).outputs.get(t - e.delay) as Float32Array;
      if (out.some((v) => v !== 0)) {
        e.usage += 1;
        this.counts.edgeLaneTraversals += count(e.source);
      }
    }
    for (const node of g.nodes.values()) {
      for (const tick of node.outputs.keys()) if (tick < t - g.maxDelay) node.outputs.delete(tick);
    }
    if (noted !== null) return noted;

    this.ledger.t = t;
    this.ledger.applications = 0;
    // M is complete once the sweep is: computed before the first effect, fixed for the step.
    this.ledger.modulator = neuromodulator(this.ledger);
    applyEffects(this.ledger, firing);
    return null;
  }

  /** Does edge e carry its source's output at tick t - d (else 0)? */
  private readable(e: { enabled: boolean; delay: number; born: number }, t: number): boolean {
    return e.enabled && t - e.delay > e.born && t - e.delay >= 1;
  }

  /**
   * P_p per lane: P = 0, then for each readable edge into n on port p in ascending key order,
   * P = f32(P + f32(w * x)).
   */
  private port(byKey: readonly EdgeState[], node: NodeState, p: number, t: number): Float32Array {
    const sums = new Float32Array(this.lanes);
    for (const e of byKey) {
      if (e.target !== node.key || e.port !== p || !this.readable(e, t)) continue;
      const x = this.state.node(e.source).outputs.get(t - e.delay);
      if (x === undefined) throw new Error(`reference: node ${e.source} has no output at tick ${t - e.delay}`);
      for (let l = 0; l < this.lanes; l++) sums[l] = f32((sums[l] as number) + f32(e.weight * (x[l] as number)));
    }
    return sums;
  }

  costs(): Costs {
    const g = this.state;
    let stateWords = 0;
    let effects = 0;
    for (const n of g.nodes.values()) {
      let delay = 0;
      for (const e of g.edges.values()) if (e.enabled && e.source === n.key) delay = Math.max(delay, e.delay);
      stateWords += delay + (n.policy === 'integrate' ? 1 : 0) + (n.refractory > 0 ? 1 : 0);
      effects += n.effects.length;
    }
    const c = this.counts;
    return {
      nodeLaneEvaluations: c.nodeLaneEvaluations,
      edgeLaneTraversals: c.edgeLaneTraversals,
      effectApplications: this.ledger.applied,
      effectSearch: this.ledger.effectSearch,
      work: c.nodeLaneEvaluations + c.edgeLaneTraversals + this.ledger.applied + this.ledger.effectSearch,
      stateBytesPerLane: 4 * stateWords,
      graphBytes: 4 * (HEADER_WORDS + g.inputWidths.length + g.nodes.size * NODE_WORDS + g.edges.size * EDGE_WORDS + effects * EFFECT_WORDS),
      ticks: this.tick,
      firedNodeLanes: c.firedNodeLanes,
      noops: { ...this.ledger.noops },
    };
  }

  history(): HistoryEntry[] {
    return this.ledger.history.map((h) => ({ ...h }));
  }

  get historyDropped(): number {
    return this.ledger.dropped;
  }

  /** The neuromodulator M of the last tick whose effects step ran (0 before the first). */
  get modulator(): number {
    return this.ledger.modulator;
  }

  /** Effect applications so far whose amount was `modulated` while M was nonzero. */
  get modulatedApplications(): number {
    return this.ledger.modulated;
  }

  /** The current graph (nodes and edges sorted by key) and each edge's usage by key. */
  graph(): { genome: Genome; usage: Map<number, number> } {
    const g = this.state;
    const nodes: NodeGene[] = g.sortedNodes().map((n) => ({
      key: n.key, role: n.role, slot: n.slot, op: n.op, attrs: [...n.attrs] as NodeGene['attrs'],
      policy: { kind: n.policy, threshold: n.threshold, decay: n.decay, reset: n.reset, probability: n.probability },
      refractory: n.refractory, emit: n.emit,
      effects: n.effects.map((e) => ({
        kind: e.kind, enabled: e.enabled, change: e.change, amount: { source: e.source, scale: e.scale },
        target: e.target, select: { policy: e.select, k: e.k, direction: e.direction, radius: e.radius }, a: e.a, b: e.b,
      })),
    }));
    const edges: EdgeGene[] = g.sortedEdges().map((e) => ({
      key: e.key, source: e.source, target: e.target, port: e.port, weight: e.weight, delay: e.delay, enabled: e.enabled,
    }));
    const usage = new Map(g.sortedEdges().map((e) => [e.key, e.usage]));
    return {
      genome: {
        format: 'l2l-genome', version: 1, name: this.template.name,
        inputs: this.template.inputs.map((s) => ({ ...s })), outputs: this.template.outputs.map((s) => ({ ...s })),
        caps: { ...g.caps }, maxDelay: g.maxDelay, nodes, edges,
      },
      usage,
    };
  }
}

function meanOf(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return f32(sum / values.length);
}
