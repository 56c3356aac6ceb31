// buildProgram: an optimizer genome -> its update program (program-types.ts), the one form every
// exporter reads. It refuses what a plain tensor program cannot reproduce: genomes outside the
// optimizer role, spiking nodes (a firing policy other than `always`, spike emission, a refractory
// count) and self-modifying ones (effects). Everything else about a tick is fixed by the genome:
// the sweep order (docs/engine.md, One tick: Kahn's algorithm over the enabled delay-0 edges, the
// smaller key first), the widths (src/genome/state.ts), the port sums in ascending edge key order
// and, per node, how many past outputs are read (the largest delay of its enabled outgoing edges).
//
// Nodes the output does not depend on are left out (they cannot change the new parameter once no
// effect reads them); the six input steps are always kept, so every program has the same inputs.

import { nodeWidths } from '../genome/state.ts';
import type { EdgeGene, Genome, NodeGene, SlotWidth } from '../genome/types.ts';
import { SLOT_NAMES, type History, type NotExportable, type ProgramStep, type Term, type UpdateProgram } from './program-types.ts';

/** The widths of the optimizer role's slots, in SLOT_NAMES order (docs/optimizer.md, Slots). */
export const SLOT_WIDTHS: readonly SlotWidth[] = ['lane', 'lane', 'scalar', 'scalar', 'scalar', 'lane'];

const CURVATURE_SLOT = SLOT_NAMES.indexOf('curvature');

const refuse = (reason: string): NotExportable => ({ status: 'not-exportable', reason });

/** Whether buildProgram refused the genome. */
export function isNotExportable(p: UpdateProgram | NotExportable): p is NotExportable {
  return 'status' in p && p.status === 'not-exportable';
}

/** Why the genome is not in the optimizer role, or undefined when it is. */
function roleProblem(genome: Genome): string | undefined {
  const want = SLOT_NAMES.map((name, i) => `${name}:${SLOT_WIDTHS[i] ?? 'lane'}`).join(', ');
  const got = genome.inputs.map((s) => `${s.name}:${s.width}`).join(', ');
  if (got !== want) return `inputs must be the optimizer role's slots ${want} (got "${got}")`;
  if (genome.outputs.length !== 1 || genome.outputs[0]?.name !== 'parameter') {
    return `outputs must be the optimizer role's one slot "parameter" (got "${genome.outputs.map((s) => s.name).join(', ')}")`;
  }
  return undefined;
}

/** Why a node keeps the genome from being exported, or undefined. */
function nodeProblem(n: NodeGene): string | undefined {
  const enabled = n.effects.filter((f) => f.enabled).length;
  const label = `node ${n.key} (${n.role === 'input' ? 'input' : n.op}`;
  // An input node's policy and refractory count are ignored by the engine; its effects are not.
  if (enabled > 0) return `${label}) has ${enabled} effect${enabled > 1 ? 's' : ''}: self-modifying genomes cannot be exported`;
  if (n.role === 'input') return undefined;
  if (n.policy.kind !== 'always') return `${label}, ${n.policy.kind} policy) fires by policy: spiking nodes cannot be exported`;
  if (n.emit !== 'value') return `${label}) emits spikes: spiking nodes cannot be exported`;
  if (n.refractory !== 0) return `${label}) has refractory count ${n.refractory}: spiking nodes cannot be exported`;
  return undefined;
}

/** Kahn's algorithm over the enabled delay-0 edges with the smallest ready key first. */
export function sweepOrder(genome: Genome): number[] {
  const indegree = new Map<number, number>(genome.nodes.map((n) => [n.key, 0]));
  const next = new Map<number, number[]>();
  for (const e of genome.edges) {
    if (!e.enabled || e.delay !== 0) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    const list = next.get(e.source);
    if (list === undefined) next.set(e.source, [e.target]);
    else list.push(e.target);
  }
  const ready: number[] = [];
  for (const [key, d] of indegree) if (d === 0) ready.push(key);
  const order: number[] = [];
  while (ready.length > 0) {
    // Graphs are small (hundreds of nodes): a linear scan for the minimum is plenty.
    let at = 0;
    for (let i = 1; i < ready.length; i++) if ((ready[i] as number) < (ready[at] as number)) at = i;
    const key = ready[at] as number;
    ready[at] = ready[ready.length - 1] as number;
    ready.pop();
    order.push(key);
    for (const t of next.get(key) ?? []) {
      const d = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  if (order.length !== genome.nodes.length) throw new Error('sweepOrder: the enabled delay-0 edges form a cycle (parseGenome rejects this)');
  return order;
}

/** The nodes the output reads, directly or through others, this tick or earlier. */
function live(genome: Genome, output: number, edges: readonly EdgeGene[]): Set<number> {
  const into = new Map<number, number[]>();
  for (const e of edges) {
    const list = into.get(e.target);
    if (list === undefined) into.set(e.target, [e.source]);
    else list.push(e.source);
  }
  const seen = new Set<number>([output]);
  const stack = [output];
  while (stack.length > 0) {
    for (const s of into.get(stack.pop() as number) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
    }
  }
  for (const n of genome.nodes) if (n.role === 'input') seen.add(n.key);
  return seen;
}

/** The update program of an optimizer genome, or why it cannot be exported. */
export function buildProgram(genome: Genome, name: string = genome.name): UpdateProgram | NotExportable {
  const role = roleProblem(genome);
  if (role !== undefined) return refuse(role);
  for (const n of [...genome.nodes].sort((a, b) => a.key - b.key)) {
    const problem = nodeProblem(n);
    if (problem !== undefined) return refuse(problem);
  }
  const outputNode = genome.nodes.find((n) => n.role === 'output' && n.slot === 0);
  if (outputNode === undefined) return refuse('outputs: no node holds output slot 0 "parameter"');

  const edges = genome.edges.filter((e) => e.enabled).sort((a, b) => a.key - b.key);
  const keep = live(genome, outputNode.key, edges);
  const widths = nodeWidths(genome);
  const byKey = new Map(genome.nodes.map((n) => [n.key, n]));
  const width = (key: number): UpdateProgram['nodes'][number]['width'] => widths.get(key) ?? 'scalar';

  const ports = new Map<number, [Term[], Term[], Term[]]>();
  const depth = new Map<number, number>();
  for (const e of edges) {
    if (!keep.has(e.target)) continue;
    let p = ports.get(e.target);
    if (p === undefined) ports.set(e.target, (p = [[], [], []]));
    p[e.port]?.push({ source: e.source, weight: Math.fround(e.weight), delay: e.delay });
    if (e.delay > 0) depth.set(e.source, Math.max(e.delay, depth.get(e.source) ?? 0));
  }

  const nodes: ProgramStep[] = [];
  const history: History[] = [];
  for (const key of sweepOrder(genome)) {
    const n = byKey.get(key);
    if (n === undefined || !keep.has(key)) continue;
    if (n.role === 'input') {
      const slot = SLOT_NAMES[n.slot];
      if (slot === undefined) return refuse(`node ${key} holds input slot ${n.slot}, which the optimizer role does not have`);
      nodes.push({ kind: 'input', key, slot, width: width(key) });
    } else {
      const attrs = n.attrs.map((a) => Math.fround(a)) as [number, number, number, number];
      nodes.push({ kind: 'op', key, op: n.op, attrs, ports: ports.get(key) ?? [[], [], []], width: width(key) });
    }
    const d = depth.get(key);
    if (d !== undefined) history.push({ key, depth: d, width: width(key) });
  }
  const curvature = genome.nodes.find((n) => n.role === 'input' && n.slot === CURVATURE_SLOT)?.key;
  const readsCurvature = nodes.some((s) => s.kind === 'op' && s.ports.some((p) => p.some((t) => t.source === curvature)));
  return { name, nodes, history, output: outputNode.key, readsCurvature };
}

/** `every`'s period from its a0: k = clamp(floor(f32(a0 + 0.5)), 1, 2^30) (docs/engine.md, Ops). */
export function everyPeriod(a0: number): number {
  const f = Math.floor(Math.fround(Math.fround(a0) + 0.5));
  if (f >= 2 ** 30) return 2 ** 30;
  return f > 1 ? f : 1;
}

/**
 * A class name for the program: "L2l" and the name's words capitalised ("lookahead-adam" ->
 * "L2lLookaheadAdam"); characters that no identifier may hold are dropped.
 */
export function className(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return `L2l${words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('') || 'Optimizer'}`;
}
