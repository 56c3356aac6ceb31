// pack(): Genome -> the engine's flat layout (assembly/layout.ts, mirrored in src/engine/layout.ts);
// unpack(): the reverse, used to read back a graph the engine has modified. Slot and genome names
// are not part of the layout; unpack takes them from a template genome when given.

import * as L from '../engine/layout.ts';
import {
  AMOUNT_NAMES, CHANGE_NAMES, DIRECTION_NAMES, EFFECT_KIND_NAMES, EMIT_NAMES, OP_NAMES, POLICY_NAMES,
  ROLE_NAMES, SELECT_NAMES, TARGET_NAMES,
  type EdgeGene, type Effect, type Genome, type NodeGene,
} from './types.ts';

/** Word offsets of the record tables inside a packed genome. */
export interface PackedOffsets {
  nodes: number;
  edges: number;
  effects: number;
  end: number;
}

export function offsets(inSlots: number, nodes: number, edges: number, effects: number): PackedOffsets {
  const n = L.HEADER_WORDS + inSlots * L.IN_SLOT_WORDS;
  const e = n + nodes * L.NODE_WORDS;
  const f = e + edges * L.EDGE_WORDS;
  return { nodes: n, edges: e, effects: f, end: f + effects * L.EFFECT_WORDS };
}

function genomeOffsets(g: Genome): PackedOffsets {
  const effectCount = g.nodes.reduce((sum, n) => sum + n.effects.length, 0);
  return offsets(g.inputs.length, g.nodes.length, g.edges.length, effectCount);
}

/** pack(g).length, without packing. */
export function packedLength(g: Genome): number {
  return genomeOffsets(g).end;
}

export function pack(g: Genome): Int32Array<ArrayBuffer> {
  const at = genomeOffsets(g);
  const effectCount = (at.end - at.effects) / L.EFFECT_WORDS;
  const words = new Int32Array(at.end);
  const floats = new Float32Array(words.buffer);
  // A loop, not a spread of the keys into Math.max: 131072 edge keys overflow the call stack.
  let maxKey = -1;
  for (const n of g.nodes) if (n.key > maxKey) maxKey = n.key;
  for (const e of g.edges) if (e.key > maxKey) maxKey = e.key;
  words.set([
    L.MAGIC, L.LAYOUT_VERSION, g.nodes.length, g.edges.length, effectCount, g.inputs.length,
    g.outputs.length, g.caps.nodes, g.caps.edges, g.caps.effectsPerNode, g.caps.applicationsPerTick,
    g.maxDelay, maxKey + 1,
  ]);
  g.inputs.forEach((s, i) => {
    words[L.HEADER_WORDS + i] = s.width === 'lane' ? L.WIDTH_LANE : L.WIDTH_SCALAR;
  });
  const index = new Map(g.nodes.map((n, i) => [n.key, i]));
  let effect = 0;
  g.nodes.forEach((n, i) => {
    const o = at.nodes + i * L.NODE_WORDS;
    words[o + L.N_KEY] = n.key;
    words[o + L.N_ROLE] = ROLE_NAMES.indexOf(n.role);
    words[o + L.N_SLOT] = n.slot;
    words[o + L.N_OP] = OP_NAMES.indexOf(n.op);
    words[o + L.N_POLICY] = POLICY_NAMES.indexOf(n.policy.kind);
    words[o + L.N_EMIT] = EMIT_NAMES.indexOf(n.emit);
    words[o + L.N_REFRACTORY] = n.refractory;
    words[o + L.N_EFFECT_START] = effect;
    words[o + L.N_EFFECT_COUNT] = n.effects.length;
    floats.set(n.attrs, o + L.N_ATTR0);
    floats[o + L.N_THRESHOLD] = n.policy.threshold;
    floats[o + L.N_DECAY] = n.policy.decay;
    floats[o + L.N_RESET] = n.policy.reset;
    floats[o + L.N_PROBABILITY] = n.policy.probability;
    for (const fx of n.effects) packEffect(words, floats, at.effects + effect++ * L.EFFECT_WORDS, fx);
  });
  g.edges.forEach((e, i) => {
    const o = at.edges + i * L.EDGE_WORDS;
    words[o + L.E_KEY] = e.key;
    words[o + L.E_SOURCE] = index.get(e.source) ?? -1;
    words[o + L.E_TARGET] = index.get(e.target) ?? -1;
    words[o + L.E_PORT] = e.port;
    floats[o + L.E_WEIGHT] = e.weight;
    words[o + L.E_DELAY] = e.delay;
    words[o + L.E_ENABLED] = e.enabled ? 1 : 0;
  });
  return words;
}

function packEffect(words: Int32Array, floats: Float32Array, o: number, fx: Effect): void {
  words[o + L.F_KIND] = EFFECT_KIND_NAMES.indexOf(fx.kind);
  words[o + L.F_ENABLED] = fx.enabled ? 1 : 0;
  words[o + L.F_CHANGE] = CHANGE_NAMES.indexOf(fx.change);
  words[o + L.F_AMOUNT_SOURCE] = AMOUNT_NAMES.indexOf(fx.amount.source);
  floats[o + L.F_AMOUNT_SCALE] = fx.amount.scale;
  words[o + L.F_TARGET] = TARGET_NAMES.indexOf(fx.target);
  words[o + L.F_DIRECTION] = DIRECTION_NAMES.indexOf(fx.select.direction);
  words[o + L.F_RADIUS] = fx.select.radius;
  words[o + L.F_SELECT] = SELECT_NAMES.indexOf(fx.select.policy);
  words[o + L.F_K] = fx.select.k;
  words[o + L.F_A] = fx.a;
  words[o + L.F_B] = fx.b;
}

/** Reads a packed genome written by pack() or the engine's dumpGraph(). Assumes it is well formed. */
export function unpack(words: Int32Array, template?: Genome): { genome: Genome; usage: Map<number, number> } {
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const [nodeCount, edgeCount, effectCount, inSlots, outSlots] = [
    L.H_NODE_COUNT, L.H_EDGE_COUNT, L.H_EFFECT_COUNT, L.H_IN_SLOTS, L.H_OUT_SLOTS,
  ].map((h) => words[h] as number) as [number, number, number, number, number];
  const at = offsets(inSlots, nodeCount, edgeCount, effectCount);
  const w = (i: number): number => words[i] as number;
  const f = (i: number): number => floats[i] as number;
  const nodes: NodeGene[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const o = at.nodes + i * L.NODE_WORDS;
    const effects: Effect[] = [];
    for (let j = 0; j < w(o + L.N_EFFECT_COUNT); j++) {
      effects.push(unpackEffect(w, f, at.effects + (w(o + L.N_EFFECT_START) + j) * L.EFFECT_WORDS));
    }
    nodes.push({
      key: w(o + L.N_KEY),
      role: ROLE_NAMES[w(o + L.N_ROLE)] as NodeGene['role'],
      slot: w(o + L.N_SLOT),
      op: OP_NAMES[w(o + L.N_OP)] as NodeGene['op'],
      attrs: [0, 1, 2, 3].map((a) => f(o + L.N_ATTR0 + a)) as NodeGene['attrs'],
      policy: {
        kind: POLICY_NAMES[w(o + L.N_POLICY)] as NodeGene['policy']['kind'],
        threshold: f(o + L.N_THRESHOLD),
        decay: f(o + L.N_DECAY),
        reset: f(o + L.N_RESET),
        probability: f(o + L.N_PROBABILITY),
      },
      refractory: w(o + L.N_REFRACTORY),
      emit: EMIT_NAMES[w(o + L.N_EMIT)] as NodeGene['emit'],
      effects,
    });
  }
  const edges: EdgeGene[] = [];
  const usage = new Map<number, number>();
  for (let i = 0; i < edgeCount; i++) {
    const o = at.edges + i * L.EDGE_WORDS;
    const key = w(o + L.E_KEY);
    edges.push({
      key,
      source: nodes[w(o + L.E_SOURCE)]?.key ?? -1,
      target: nodes[w(o + L.E_TARGET)]?.key ?? -1,
      port: w(o + L.E_PORT),
      weight: f(o + L.E_WEIGHT),
      delay: w(o + L.E_DELAY),
      enabled: w(o + L.E_ENABLED) !== 0,
    });
    usage.set(key, w(o + L.EDGE_WORDS - 1));
  }
  const genome: Genome = {
    format: 'l2l-genome',
    version: 1,
    name: template?.name ?? '',
    inputs: Array.from({ length: inSlots }, (_, i) => ({
      name: template?.inputs[i]?.name ?? `in${i}`,
      width: w(L.HEADER_WORDS + i) === L.WIDTH_LANE ? 'lane' : 'scalar',
    })),
    outputs: Array.from({ length: outSlots }, (_, i) => ({ name: template?.outputs[i]?.name ?? `out${i}` })),
    caps: {
      nodes: w(L.H_CAP_NODES), edges: w(L.H_CAP_EDGES),
      effectsPerNode: w(L.H_CAP_EFFECTS_PER_NODE), applicationsPerTick: w(L.H_CAP_APPLICATIONS),
    },
    maxDelay: w(L.H_MAX_DELAY),
    nodes,
    edges,
  };
  return { genome, usage };
}

function unpackEffect(w: (i: number) => number, f: (i: number) => number, o: number): Effect {
  return {
    kind: EFFECT_KIND_NAMES[w(o + L.F_KIND)] as Effect['kind'],
    enabled: w(o + L.F_ENABLED) !== 0,
    change: CHANGE_NAMES[w(o + L.F_CHANGE)] as Effect['change'],
    amount: { source: AMOUNT_NAMES[w(o + L.F_AMOUNT_SOURCE)] as Effect['amount']['source'], scale: f(o + L.F_AMOUNT_SCALE) },
    target: TARGET_NAMES[w(o + L.F_TARGET)] as Effect['target'],
    select: {
      policy: SELECT_NAMES[w(o + L.F_SELECT)] as Effect['select']['policy'],
      k: w(o + L.F_K),
      direction: DIRECTION_NAMES[w(o + L.F_DIRECTION)] as Effect['select']['direction'],
      radius: w(o + L.F_RADIUS),
    },
    a: w(o + L.F_A),
    b: w(o + L.F_B),
  };
}
