// Comparisons for the differential tests: each returns a description of the first difference between
// what the reference and the real engine report (outputs, run results, costs, history, final graph),
// or null when they agree. Floats agree within relative 1e-5 or absolute 1e-6, NaN equal to NaN.

import type { Costs, HistoryEntry, RunResult } from '../../../src/engine/types.ts';
import type { Effect, Genome } from '../../../src/genome/types.ts';

export function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 + 1e-5 * Math.max(Math.abs(a), Math.abs(b));
}

export function diffResult(ref: RunResult, eng: RunResult): string | null {
  if (ref.status !== eng.status) return `status: reference ${JSON.stringify(ref)}, engine ${JSON.stringify(eng)}`;
  if (ref.status === 'non-finite' && eng.status === 'non-finite' && (ref.nodeKey !== eng.nodeKey || ref.tick !== eng.tick)) {
    return `non-finite: reference node ${ref.nodeKey} at tick ${ref.tick}, engine node ${eng.nodeKey} at tick ${eng.tick}`;
  }
  return null;
}

export function diffLanes(what: string, ref: ArrayLike<number>, eng: ArrayLike<number>): string | null {
  if (ref.length !== eng.length) return `${what}: reference has ${ref.length} lanes, engine ${eng.length}`;
  for (let l = 0; l < ref.length; l++) {
    if (!close(ref[l] as number, eng[l] as number)) return `${what} lane ${l}: reference ${ref[l]}, engine ${eng[l]}`;
  }
  return null;
}

export function diffCosts(ref: Costs, eng: Costs): string | null {
  for (const key of Object.keys(ref) as (keyof Costs)[]) {
    if (key === 'noops') continue;
    if (ref[key] !== eng[key]) return `costs.${key}: reference ${ref[key]}, engine ${eng[key]}`;
  }
  for (const reason of Object.keys(ref.noops) as (keyof Costs['noops'])[]) {
    if (ref.noops[reason] !== eng.noops[reason]) return `noops.${reason}: reference ${ref.noops[reason]}, engine ${eng.noops[reason]}`;
  }
  return null;
}

export function diffHistory(ref: HistoryEntry[], eng: HistoryEntry[]): string | null {
  const n = Math.max(ref.length, eng.length);
  for (let i = 0; i < n; i++) {
    const a = ref[i];
    const b = eng[i];
    if (a === undefined || b === undefined || a.tick !== b.tick || a.event !== b.event || a.a !== b.a || a.b !== b.b || a.c !== b.c) {
      return `history[${i}] (of ${ref.length} / ${eng.length}): reference ${JSON.stringify(a)}, engine ${JSON.stringify(b)}`;
    }
  }
  return null;
}

function diffEffect(where: string, a: Effect, b: Effect): string | null {
  const exact = (e: Effect): unknown[] => [e.kind, e.enabled, e.change, e.amount.source, e.target, e.select.policy, e.select.k, e.select.direction, e.select.radius, e.a, e.b];
  if (JSON.stringify(exact(a)) !== JSON.stringify(exact(b))) return `${where}: reference ${JSON.stringify(a)}, engine ${JSON.stringify(b)}`;
  if (!close(a.amount.scale, b.amount.scale)) return `${where}.amount.scale: reference ${a.amount.scale}, engine ${b.amount.scale}`;
  return null;
}

export function diffGraph(
  ref: { genome: Genome; usage: Map<number, number> },
  eng: { genome: Genome; usage: Map<number, number> },
): string | null {
  const rn = [...ref.genome.nodes].sort((a, b) => a.key - b.key);
  const en = [...eng.genome.nodes].sort((a, b) => a.key - b.key);
  const keys = (xs: { key: number }[]): string => xs.map((x) => x.key).join(',');
  if (keys(rn) !== keys(en)) return `node keys: reference [${keys(rn)}], engine [${keys(en)}]`;
  for (let i = 0; i < rn.length; i++) {
    const a = rn[i] as Genome['nodes'][number];
    const b = en[i] as Genome['nodes'][number];
    const where = `node ${a.key}`;
    for (const f of ['role', 'slot', 'op', 'refractory', 'emit'] as const) {
      if (a[f] !== b[f]) return `${where}.${f}: reference ${a[f]}, engine ${b[f]}`;
    }
    if (a.policy.kind !== b.policy.kind) return `${where}.policy.kind: reference ${a.policy.kind}, engine ${b.policy.kind}`;
    for (const f of ['threshold', 'decay', 'reset', 'probability'] as const) {
      if (!close(a.policy[f], b.policy[f])) return `${where}.policy.${f}: reference ${a.policy[f]}, engine ${b.policy[f]}`;
    }
    for (let j = 0; j < 4; j++) {
      if (!close(a.attrs[j] as number, b.attrs[j] as number)) return `${where}.attrs[${j}]: reference ${a.attrs[j]}, engine ${b.attrs[j]}`;
    }
    if (a.effects.length !== b.effects.length) return `${where}: reference has ${a.effects.length} effects, engine ${b.effects.length}`;
    for (let j = 0; j < a.effects.length; j++) {
      const d = diffEffect(`${where}.effects[${j}]`, a.effects[j] as Effect, b.effects[j] as Effect);
      if (d !== null) return d;
    }
  }
  const re = [...ref.genome.edges].sort((a, b) => a.key - b.key);
  const ee = [...eng.genome.edges].sort((a, b) => a.key - b.key);
  if (keys(re) !== keys(ee)) return `edge keys: reference [${keys(re)}], engine [${keys(ee)}]`;
  for (let i = 0; i < re.length; i++) {
    const a = re[i] as Genome['edges'][number];
    const b = ee[i] as Genome['edges'][number];
    for (const f of ['source', 'target', 'port', 'delay', 'enabled'] as const) {
      if (a[f] !== b[f]) return `edge ${a.key}.${f}: reference ${a[f]}, engine ${b[f]}`;
    }
    if (!close(a.weight, b.weight)) return `edge ${a.key}.weight: reference ${a.weight}, engine ${b.weight}`;
    if (ref.usage.get(a.key) !== eng.usage.get(a.key)) return `edge ${a.key} usage: reference ${ref.usage.get(a.key)}, engine ${eng.usage.get(a.key)}`;
  }
  return null;
}
