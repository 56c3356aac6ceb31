// The reference interpreter's mutable state (docs/engine.md, Graph and Lanes and groups): a copy of
// the genome's graph with every float rounded to float32, plus what the engine keeps beside it: per
// edge `born`, `usage` and `chosen`; per node and lane the integrate potential and the refractory
// counter; per node its outputs of the last maxDelay + 1 ticks; and the lane geometry of the groups.

import type {
  AmountSource, ChangeKind, Direction, EffectKind, EffectTarget, EmitMode, Genome, LaneGroup,
  OpName, PolicyKind, Role, SelectPolicy, SlotWidth,
} from '../../../src/genome/types.ts';

const f32 = Math.fround;

export interface EffectState {
  kind: EffectKind;
  enabled: boolean;
  change: ChangeKind;
  source: AmountSource;
  scale: number; // f32
  target: EffectTarget;
  direction: Direction;
  radius: number;
  select: SelectPolicy;
  k: number;
  a: number;
  b: number;
}

export interface NodeState {
  key: number;
  role: Role;
  slot: number;
  op: OpName;
  attrs: number[]; // 4 x f32
  policy: PolicyKind;
  threshold: number; // f32
  decay: number; // f32
  reset: number; // f32
  probability: number; // f32
  refractory: number; // R, 0..255
  emit: EmitMode;
  effects: EffectState[];
  /** Per lane: the integrate potential v (f32) and the refractory counter r. */
  potential: Float32Array;
  counter: Int32Array;
  /** Outputs by tick (only ticks the node was evaluated in, at most maxDelay + 1 of them). */
  outputs: Map<number, Float32Array>;
}

export interface EdgeState {
  key: number;
  source: number; // node key
  target: number; // node key
  port: number;
  weight: number; // f32
  delay: number;
  enabled: boolean;
  born: number;
  usage: number;
  chosen: number;
}

/** Lanes split into consecutive row-major groups. */
export class Lanes {
  readonly count: number;
  readonly groups: { start: number; rows: number; cols: number }[] = [];
  /** Per lane: its group index, row and column inside the group. */
  readonly group: Int32Array;
  readonly row: Int32Array;
  readonly col: Int32Array;

  constructor(groups: readonly LaneGroup[]) {
    let start = 0;
    for (const g of groups) {
      this.groups.push({ start, rows: g.rows, cols: g.cols });
      start += g.rows * g.cols;
    }
    this.count = start;
    this.group = new Int32Array(start);
    this.row = new Int32Array(start);
    this.col = new Int32Array(start);
    this.groups.forEach((g, i) => {
      for (let o = 0; o < g.rows * g.cols; o++) {
        this.group[g.start + o] = i;
        this.row[g.start + o] = Math.floor(o / g.cols);
        this.col[g.start + o] = o % g.cols;
      }
    });
  }
}

export function newNode(key: number, lanes: number): NodeState {
  return {
    key, role: 'hidden', slot: -1, op: 'identity', attrs: [0, 0, 0, 0], policy: 'always',
    threshold: 0, decay: 1, reset: 0, probability: 1, refractory: 0, emit: 'value', effects: [],
    potential: new Float32Array(lanes), counter: new Int32Array(lanes), outputs: new Map(),
  };
}

export function copyEffect(e: EffectState): EffectState {
  return { ...e };
}

/** The graph as the run has it. Every key ever given out is below nextKey. */
export class GraphState {
  readonly nodes = new Map<number, NodeState>();
  readonly edges = new Map<number, EdgeState>();
  nextKey: number;
  readonly inputWidths: SlotWidth[];
  readonly outputCount: number;
  readonly caps: Genome['caps'];
  readonly maxDelay: number;

  constructor(genome: Genome, lanes: number) {
    this.inputWidths = genome.inputs.map((s) => s.width);
    this.outputCount = genome.outputs.length;
    this.caps = { ...genome.caps };
    this.maxDelay = genome.maxDelay;
    let maxKey = -1;
    for (const n of genome.nodes) {
      const node = newNode(n.key, lanes);
      Object.assign(node, {
        role: n.role, slot: n.slot, op: n.op, attrs: n.attrs.map(f32), policy: n.policy.kind,
        threshold: f32(n.policy.threshold), decay: f32(n.policy.decay), reset: f32(n.policy.reset),
        probability: f32(n.policy.probability), refractory: n.refractory, emit: n.emit,
        effects: n.effects.map((e) => ({
          kind: e.kind, enabled: e.enabled, change: e.change, source: e.amount.source,
          scale: f32(e.amount.scale), target: e.target, direction: e.select.direction,
          radius: e.select.radius, select: e.select.policy, k: e.select.k, a: e.a, b: e.b,
        })),
      });
      this.nodes.set(n.key, node);
      maxKey = Math.max(maxKey, n.key);
    }
    for (const e of genome.edges) {
      this.edges.set(e.key, {
        key: e.key, source: e.source, target: e.target, port: e.port, weight: f32(e.weight),
        delay: e.delay, enabled: e.enabled, born: 0, usage: 0, chosen: 0,
      });
      maxKey = Math.max(maxKey, e.key);
    }
    this.nextKey = maxKey + 1;
  }

  node(key: number): NodeState {
    const n = this.nodes.get(key);
    if (n === undefined) throw new Error(`reference: node ${key} does not exist`);
    return n;
  }

  sortedNodes(): NodeState[] {
    return [...this.nodes.values()].sort((a, b) => a.key - b.key);
  }

  sortedEdges(): EdgeState[] {
    return [...this.edges.values()].sort((a, b) => a.key - b.key);
  }

  /** The nodes reachable from `from` through enabled delay-0 edges, `from` included. */
  delayZeroReach(from: number): Set<number> {
    const seen = new Set<number>([from]);
    const stack = [from];
    while (stack.length > 0) {
      const n = stack.pop() as number;
      for (const e of this.edges.values()) {
        if (e.enabled && e.delay === 0 && e.source === n && !seen.has(e.target)) {
          seen.add(e.target);
          stack.push(e.target);
        }
      }
    }
    return seen;
  }
}
