// The effects step (docs/engine.md, One tick step 2 and Effects): the firing list's nodes apply their
// effects in sweep order; each (effect, target) pair is one application, counted against the tick's
// capApplications, that either succeeds or is a no-op with a reason; successful structural,
// categorical and effect-list changes are logged to the structural history. Amount `modulated`
// multiplies `product` by the tick's neuromodulator M (neuromodulator below, docs/engine.md
// Neuromodulator), which the interpreter computes after the sweep and before this step.

import {
  EFFECT_KIND_NAMES, OP_NAMES, POLICY_NAMES, type EffectKind,
} from '../../../src/genome/types.ts';
import { LOG_CAPACITY, MAX_PORTS, MAX_REFRACTORY, VALUE_LIMIT } from '../../../src/engine/layout.ts';
import type { HistoryEntry, HistoryEvent, NoopReason } from '../../../src/engine/types.ts';
import type { Hash } from './hash.ts';
import { fmax, fmin } from './ops.ts';
import { selectEdges } from './select.ts';
import { copyEffect, newNode, type EdgeState, type EffectState, type GraphState, type NodeState } from './state.ts';

const f32 = Math.fround;
const LIMIT = f32(VALUE_LIMIT);
const EDGE_KINDS: readonly EffectKind[] = ['weight', 'edge-delete', 'edge-split'];

/** What the effects step reads and writes besides the graph. */
export interface EffectContext {
  graph: GraphState;
  t: number;
  hash: Hash;
  lanes: number;
  /** Effect applications made so far this tick (successes and rule no-ops). */
  applications: number;
  /** Total effect applications over the run. */
  applied: number;
  /** Edges examined by effects over the run (docs/engine.md, Costs). */
  effectSearch: number;
  noops: Record<NoopReason, number>;
  history: HistoryEntry[];
  /** Entries not kept once the history holds LOG_CAPACITY. */
  dropped: number;
  /** The neuromodulator M of this tick. */
  modulator: number;
  /** Applications over the run whose amount was `modulated` with M nonzero (for coverage checks). */
  modulated: number;
}

/** Runs the effects of the firing list (node keys in sweep order, with their mean activation). */
export function applyEffects(ctx: EffectContext, firing: { key: number; act: number }[]): void {
  for (const { key, act } of firing) {
    const node = ctx.graph.nodes.get(key);
    if (node === undefined) continue; // deleted earlier in this step
    for (let i = 0; i < node.effects.length; i++) {
      const fx = node.effects[i] as EffectState;
      if (fx.enabled) applyEffect(ctx, node, fx, i, act);
      if (!ctx.graph.nodes.has(key)) break; // it deleted itself
    }
  }
}

type Target = { edge: EdgeState } | { node: NodeState };

function applyEffect(ctx: EffectContext, actor: NodeState, fx: EffectState, position: number, act: number): void {
  let targets: Target[];
  if (EDGE_KINDS.includes(fx.kind)) {
    targets = selectEdges(ctx.graph, actor.key, fx, position, ctx.t, ctx.hash, ctx).map((edge) => ({ edge }));
  } else if (fx.target === 'self') {
    targets = [{ node: actor }];
  } else {
    const keys: number[] = [];
    for (const e of selectEdges(ctx.graph, actor.key, fx, position, ctx.t, ctx.hash, ctx)) {
      const far = fx.direction === 'out' ? e.target : e.source;
      if (!keys.includes(far)) keys.push(far);
    }
    targets = keys.map((k) => ({ node: ctx.graph.node(k) }));
  }
  if (targets.length === 0) {
    ctx.noops['no-target'] += 1;
    return;
  }
  for (const target of targets) {
    if (ctx.applications >= ctx.graph.caps.applicationsPerTick) {
      ctx.noops['cap-applications'] += 1;
    } else {
      ctx.applications += 1;
      ctx.applied += 1;
      const src = 'edge' in target ? mean(ctx, target.edge.source) : mean(ctx, target.node.key);
      if (fx.source === 'modulated' && ctx.modulator !== 0) ctx.modulated += 1;
      const reason = applyOne(ctx, actor, fx, target, amount(ctx, fx, act, src));
      if (reason !== null) ctx.noops[reason] += 1;
    }
    if (!ctx.graph.nodes.has(actor.key)) return; // it deleted itself: it stops at once
  }
}

/** mean(n) = f32(sum of n's outputs this tick over all lanes / L); 0 for a node created this tick. */
function mean(ctx: EffectContext, key: number): number {
  const out = ctx.graph.nodes.get(key)?.outputs.get(ctx.t);
  if (out === undefined) return 0;
  let sum = 0;
  for (const v of out) sum += v;
  return f32(sum / ctx.lanes);
}

/**
 * The neuromodulator M of tick ctx.t: the float64 sum of mean(n) over the modulatory nodes (op
 * modulate, not input nodes) in ascending key order, rounded once to float32; 0 when there is none.
 */
export function neuromodulator(ctx: EffectContext): number {
  let sum = 0;
  for (const n of ctx.graph.sortedNodes()) if (n.op === 'modulate' && n.role !== 'input') sum += mean(ctx, n.key);
  return f32(sum);
}

function amount(ctx: EffectContext, fx: EffectState, act: number, src: number): number {
  const s = fx.scale;
  switch (fx.source) {
    case 'const': return s;
    case 'activation': return f32(s * act);
    case 'source': return f32(s * src);
    case 'product': return f32(f32(s * act) * src);
    case 'modulated': return f32(f32(f32(s * act) * src) * ctx.modulator);
  }
}

/** change(x, v), or null for a `range` no-op (v == 0 for div; a non-finite or too large result). */
function change(kind: EffectState['change'], x: number, v: number): number | null {
  let r: number;
  switch (kind) {
    case 'add': r = f32(x + v); break;
    case 'sub': r = f32(x - v); break;
    case 'mul': r = f32(x * v); break;
    case 'div':
      if (v === 0) return null;
      r = f32(x / v);
      break;
    case 'set': r = v; break;
    case 'tanh': r = f32(Math.tanh(f32(x + v))); break;
    case 'clip': r = fmin(fmax(x, -Math.abs(v)), Math.abs(v)); break;
  }
  return Number.isFinite(r) && Math.abs(r) <= LIMIT ? r : null;
}

function log(ctx: EffectContext, event: HistoryEvent, a: number, b = 0, c = 0): void {
  if (ctx.history.length < LOG_CAPACITY) ctx.history.push({ tick: ctx.t, event, a, b, c });
  else ctx.dropped += 1;
}

const PARAMS = ['threshold', 'decay', 'reset', 'probability', 'refractory'] as const;

/** One application; returns the no-op reason, or null when it succeeded. */
function applyOne(ctx: EffectContext, actor: NodeState, fx: EffectState, target: Target, v: number): NoopReason | null {
  const g = ctx.graph;
  if ('edge' in target) {
    const e = target.edge;
    switch (fx.kind) {
      case 'weight': {
        const w = change(fx.change, e.weight, v);
        if (w === null) return 'range';
        e.weight = w;
        return null;
      }
      case 'edge-delete':
        g.edges.delete(e.key);
        log(ctx, 'edge-delete', e.key);
        return null;
      case 'edge-split': {
        if (g.nodes.size >= g.caps.nodes) return 'cap-nodes';
        if (g.edges.size >= g.caps.edges) return 'cap-edges';
        const n = newNode(g.nextKey++, ctx.lanes);
        g.nodes.set(n.key, n);
        const into = addEdge(ctx, e.source, n.key, 0, 1, 0);
        const out = addEdge(ctx, n.key, e.target, e.port, e.weight, e.delay);
        g.edges.delete(e.key);
        log(ctx, 'node-create', n.key);
        log(ctx, 'edge-create', into.key, into.source, into.target);
        log(ctx, 'edge-create', out.key, out.source, out.target);
        log(ctx, 'edge-delete', e.key);
        return null;
      }
      default: throw new Error(`reference: ${fx.kind} is not an edge kind`);
    }
  }
  const n = target.node;
  const kindCode = EFFECT_KIND_NAMES.indexOf(fx.kind);
  const within = (i: number, count: number): boolean => Number.isInteger(i) && i >= 0 && i < count;
  switch (fx.kind) {
    case 'attr': {
      if (!within(fx.a, 4)) return 'index';
      const x = change(fx.change, n.attrs[fx.a] as number, v);
      if (x === null) return 'range';
      n.attrs[fx.a] = x;
      return null;
    }
    case 'param': {
      if (!within(fx.a, PARAMS.length)) return 'index';
      const name = PARAMS[fx.a] as (typeof PARAMS)[number];
      const x = change(fx.change, n[name], v);
      if (x === null) return 'range';
      if ((name === 'decay' || name === 'probability') && (x < 0 || x > 1)) return 'range';
      if (name === 'refractory') {
        const r = Math.floor(f32(x + 0.5));
        if (r < 0 || r > MAX_REFRACTORY) return 'range';
        n.refractory = r;
      } else {
        n[name] = x;
      }
      return null;
    }
    case 'set-op':
      if (!within(fx.a, OP_NAMES.length)) return 'index';
      if (n.role === 'input') return 'role';
      n.op = OP_NAMES[fx.a] as NodeState['op'];
      log(ctx, 'set-op', n.key, fx.a);
      return null;
    case 'set-policy':
      if (!within(fx.a, POLICY_NAMES.length)) return 'index';
      if (n.role === 'input') return 'role';
      n.policy = POLICY_NAMES[fx.a] as NodeState['policy'];
      log(ctx, 'set-policy', n.key, fx.a);
      return null;
    case 'effect-enable':
    case 'effect-disable':
      if (!within(fx.a, n.effects.length)) return 'index';
      (n.effects[fx.a] as EffectState).enabled = fx.kind === 'effect-enable';
      log(ctx, 'effect-list', n.key, kindCode, fx.a);
      return null;
    case 'effect-move': {
      if (!within(fx.a, n.effects.length) || !within(fx.b, n.effects.length)) return 'index';
      const [moved] = n.effects.splice(fx.a, 1);
      n.effects.splice(fx.b, 0, moved as EffectState);
      log(ctx, 'effect-list', n.key, kindCode, fx.a);
      return null;
    }
    case 'effect-replace':
      if (!within(fx.a, n.effects.length) || !within(fx.b, actor.effects.length)) return 'index';
      n.effects[fx.a] = copyEffect(actor.effects[fx.b] as EffectState);
      log(ctx, 'effect-list', n.key, kindCode, fx.a);
      return null;
    case 'edge-create': {
      const port = fx.a;
      const delay = fx.b;
      if (!within(port, MAX_PORTS) || !within(delay, g.maxDelay + 1)) return 'index';
      if (n.role === 'input') return 'role';
      if (!Number.isFinite(v) || Math.abs(v) > LIMIT) return 'range';
      if (g.edges.size >= g.caps.edges) return 'cap-edges';
      // The duplicate check examines every edge leaving the actor; the cycle check every edge
      // leaving a node that the target reaches through enabled delay-0 edges (the target included).
      const leaving = (keys: Set<number>): EdgeState[] => [...g.edges.values()].filter((e) => keys.has(e.source));
      const own = leaving(new Set([actor.key]));
      ctx.effectSearch += own.length;
      if (own.some((e) => e.target === n.key && e.port === port && e.delay === delay)) return 'duplicate';
      if (delay === 0) {
        const reached = g.delayZeroReach(n.key);
        ctx.effectSearch += leaving(reached).length;
        if (reached.has(actor.key)) return 'cycle';
      }
      const e = addEdge(ctx, actor.key, n.key, port, v, delay);
      log(ctx, 'edge-create', e.key, e.source, e.target);
      return null;
    }
    case 'node-delete': {
      if (n.role !== 'hidden') return 'role';
      const touching = g.sortedEdges().filter((e) => e.source === n.key || e.target === n.key);
      ctx.effectSearch += touching.length;
      for (const e of touching) {
        g.edges.delete(e.key);
        log(ctx, 'edge-delete', e.key);
      }
      g.nodes.delete(n.key);
      log(ctx, 'node-delete', n.key);
      return null;
    }
    case 'remap-input':
    case 'remap-output': {
      const role = fx.kind === 'remap-input' ? 'input' : 'output';
      if (n.role !== role) return 'role';
      const slots = role === 'input' ? g.inputWidths.length : g.outputCount;
      if (!within(fx.a, slots)) return 'index';
      const holder = [...g.nodes.values()].find((m) => m.role === role && m.slot === fx.a) as NodeState;
      holder.slot = n.slot;
      n.slot = fx.a;
      log(ctx, fx.kind, n.key, fx.a);
      return null;
    }
    default: throw new Error(`reference: ${fx.kind} is not a node kind`);
  }
}

function addEdge(ctx: EffectContext, source: number, target: number, port: number, weight: number, delay: number): EdgeState {
  const e: EdgeState = {
    key: ctx.graph.nextKey++, source, target, port, weight, delay, enabled: true, born: ctx.t, usage: 0, chosen: 0,
  };
  ctx.graph.edges.set(e.key, e);
  return e;
}
