// parseGenome: untrusted JSON -> a complete, valid Genome, or an InputError that names the field and
// the rule. It checks everything the engine's loader checks (docs/engine.md, Graph), so a genome that
// parses always loads.

import {
  MAX_APPLICATIONS_PER_TICK, MAX_DELAY, MAX_EDGES, MAX_EFFECTS_PER_NODE, MAX_IN_SLOTS, MAX_NODES,
  MAX_OUT_SLOTS, MAX_PORTS, MAX_REFRACTORY,
} from '../engine/layout.ts';
import { InputError, rules } from '../util/errors.ts';
import { findDelayZeroCycle } from './cycle.ts';
import { array, between, boolean, finite, int, join, object, oneOf, string } from './read.ts';
import {
  AMOUNT_NAMES, CHANGE_NAMES, DECODER_NAMES, DIRECTION_NAMES, EFFECT_KIND_NAMES, EMIT_NAMES, ENCODER_NAMES,
  MAX_TICKS_PER_STEP, OP_NAMES, POLICY_NAMES, ROLE_NAMES, SELECT_NAMES, TARGET_NAMES,
  type Caps, type Coding, type EdgeGene, type Effect, type Genome, type InputSlot, type NodeGene, type OutputSlot,
} from './types.ts';

const KEY_LIMIT = 0x7fffffff;
const MAX_RADIUS = 8;

export const DEFAULT_CAPS: Caps = { nodes: 256, edges: 4096, effectsPerNode: 8, applicationsPerTick: 256 };

export function parseGenome(json: unknown): Genome {
  const g = object(json, 'genome', [
    'format', 'version', 'name', 'inputs', 'outputs', 'caps', 'maxDelay', 'nodes', 'edges', 'coding',
  ]);
  if (g.format !== 'l2l-genome') throw new InputError('format', rules.format, g.format);
  if (g.version !== 1) throw new InputError('version', rules.version, g.version);
  const inputs = array(g.inputs, 'inputs').map((s, i) => parseInputSlot(s, join('inputs', i)));
  const outputs = array(g.outputs, 'outputs').map((s, i) => parseOutputSlot(s, join('outputs', i)));
  if (inputs.length > MAX_IN_SLOTS) throw new InputError('inputs', rules.atMost(MAX_IN_SLOTS, 'input slots'), inputs.length);
  if (outputs.length > MAX_OUT_SLOTS) throw new InputError('outputs', rules.atMost(MAX_OUT_SLOTS, 'output slots'), outputs.length);
  const caps = parseCaps(g.caps);
  const maxDelay = int(g.maxDelay, 'maxDelay', 0, MAX_DELAY, MAX_DELAY);
  const nodes = array(g.nodes, 'nodes').map((n, i) => parseNode(n, join('nodes', i), caps));
  const edges = array(g.edges, 'edges').map((e, i) => parseEdge(e, join('edges', i), maxDelay));
  const genome: Genome = {
    format: 'l2l-genome', version: 1, name: string(g.name, 'name', ''),
    inputs, outputs, caps, maxDelay, nodes, edges,
    ...(g.coding === undefined ? {} : { coding: parseCoding(g.coding, inputs.length, outputs.length) }),
  };
  checkGraph(genome);
  return genome;
}

function parseCoding(json: unknown, inputs: number, outputs: number): Coding {
  const c = object(json, 'coding', ['ticks', 'encoders', 'decoders']);
  const ticks = int(c.ticks, 'coding.ticks', 1, MAX_TICKS_PER_STEP, 1);
  const list = <T extends string>(value: unknown, field: string, names: readonly T[], count: number): T[] => {
    if (value === undefined) return Array.from({ length: count }, () => names[0] as T);
    const items = array(value, field);
    if (items.length !== count) throw new InputError(field, `must have one entry per ${field === 'coding.encoders' ? 'input' : 'output'} slot (${count})`, items.length);
    return items.map((x, i) => oneOf(x, join(field, i), names, names[0] as T));
  };
  return { ticks, encoders: list(c.encoders, 'coding.encoders', ENCODER_NAMES, inputs), decoders: list(c.decoders, 'coding.decoders', DECODER_NAMES, outputs) };
}

function parseInputSlot(json: unknown, field: string): InputSlot {
  const s = object(json, field, ['name', 'width']);
  return { name: string(s.name, join(field, 'name')), width: oneOf(s.width, join(field, 'width'), ['lane', 'scalar'], 'lane') };
}

function parseOutputSlot(json: unknown, field: string): OutputSlot {
  const s = object(json, field, ['name']);
  return { name: string(s.name, join(field, 'name')) };
}

function parseCaps(json: unknown): Caps {
  if (json === undefined) return { ...DEFAULT_CAPS };
  const c = object(json, 'caps', ['nodes', 'edges', 'effectsPerNode', 'applicationsPerTick']);
  return {
    nodes: int(c.nodes, 'caps.nodes', 1, MAX_NODES, DEFAULT_CAPS.nodes),
    edges: int(c.edges, 'caps.edges', 0, MAX_EDGES, DEFAULT_CAPS.edges),
    effectsPerNode: int(c.effectsPerNode, 'caps.effectsPerNode', 0, MAX_EFFECTS_PER_NODE, DEFAULT_CAPS.effectsPerNode),
    applicationsPerTick: int(c.applicationsPerTick, 'caps.applicationsPerTick', 0, MAX_APPLICATIONS_PER_TICK, DEFAULT_CAPS.applicationsPerTick),
  };
}

function parseNode(json: unknown, field: string, caps: Caps): NodeGene {
  const n = object(json, field, ['key', 'role', 'slot', 'op', 'attrs', 'policy', 'refractory', 'emit', 'effects']);
  const role = oneOf(n.role, join(field, 'role'), ROLE_NAMES, 'hidden');
  const attrs = array(n.attrs, join(field, 'attrs'), []);
  if (attrs.length > 4) throw new InputError(join(field, 'attrs'), rules.atMost(4, 'attributes'), attrs.length);
  const p = object(n.policy ?? {}, join(field, 'policy'), ['kind', 'threshold', 'decay', 'reset', 'probability']);
  const pf = join(field, 'policy');
  const effects = array(n.effects, join(field, 'effects'), []);
  if (effects.length > caps.effectsPerNode) {
    throw new InputError(join(field, 'effects'), rules.atMost(caps.effectsPerNode, 'caps.effectsPerNode'), effects.length);
  }
  return {
    key: int(n.key, join(field, 'key'), 0, KEY_LIMIT - 1),
    role,
    slot: role === 'hidden' ? int(n.slot, join(field, 'slot'), -1, -1, -1) : int(n.slot, join(field, 'slot'), 0, MAX_IN_SLOTS - 1),
    op: oneOf(n.op, join(field, 'op'), OP_NAMES, 'identity'),
    attrs: [0, 1, 2, 3].map((i) => finite(attrs[i], join(join(field, 'attrs'), i), 0)) as NodeGene['attrs'],
    policy: {
      kind: oneOf(p.kind, join(pf, 'kind'), POLICY_NAMES, 'always'),
      threshold: finite(p.threshold, join(pf, 'threshold'), 0),
      decay: between(p.decay, join(pf, 'decay'), 0, 1, 1),
      reset: finite(p.reset, join(pf, 'reset'), 0),
      probability: between(p.probability, join(pf, 'probability'), 0, 1, 1),
    },
    refractory: int(n.refractory, join(field, 'refractory'), 0, MAX_REFRACTORY, 0),
    emit: oneOf(n.emit, join(field, 'emit'), EMIT_NAMES, 'value'),
    effects: effects.map((e, i) => parseEffect(e, join(join(field, 'effects'), i))),
  };
}

function parseEffect(json: unknown, field: string): Effect {
  const e = object(json, field, ['kind', 'enabled', 'change', 'amount', 'target', 'select', 'a', 'b']);
  const amount = object(e.amount ?? {}, join(field, 'amount'), ['source', 'scale']);
  const select = object(e.select ?? {}, join(field, 'select'), ['policy', 'k', 'direction', 'radius']);
  const af = join(field, 'amount');
  const sf = join(field, 'select');
  return {
    kind: oneOf(e.kind, join(field, 'kind'), EFFECT_KIND_NAMES),
    enabled: boolean(e.enabled, join(field, 'enabled'), true),
    change: oneOf(e.change, join(field, 'change'), CHANGE_NAMES, 'add'),
    amount: { source: oneOf(amount.source, join(af, 'source'), AMOUNT_NAMES, 'const'), scale: finite(amount.scale, join(af, 'scale'), 0) },
    target: oneOf(e.target, join(field, 'target'), TARGET_NAMES, 'self'),
    select: {
      policy: oneOf(select.policy, join(sf, 'policy'), SELECT_NAMES, 'all'),
      k: int(select.k, join(sf, 'k'), 0, MAX_EDGES, 0),
      direction: oneOf(select.direction, join(sf, 'direction'), DIRECTION_NAMES, 'out'),
      radius: int(select.radius, join(sf, 'radius'), 1, MAX_RADIUS, 1),
    },
    a: int(e.a, join(field, 'a'), -KEY_LIMIT, KEY_LIMIT, 0),
    b: int(e.b, join(field, 'b'), -KEY_LIMIT, KEY_LIMIT, 0),
  };
}

function parseEdge(json: unknown, field: string, maxDelay: number): EdgeGene {
  const e = object(json, field, ['key', 'source', 'target', 'port', 'weight', 'delay', 'enabled']);
  return {
    key: int(e.key, join(field, 'key'), 0, KEY_LIMIT - 1),
    source: int(e.source, join(field, 'source'), 0, KEY_LIMIT - 1),
    target: int(e.target, join(field, 'target'), 0, KEY_LIMIT - 1),
    port: int(e.port, join(field, 'port'), 0, MAX_PORTS - 1, 0),
    weight: finite(e.weight, join(field, 'weight'), 1),
    delay: int(e.delay, join(field, 'delay'), 0, maxDelay, 0),
    enabled: boolean(e.enabled, join(field, 'enabled'), true),
  };
}

/** The rules that relate records to each other: keys, slots, edge ends, caps and cycles. */
function checkGraph(g: Genome): void {
  if (g.nodes.length > g.caps.nodes) throw new InputError('nodes', rules.atMost(g.caps.nodes, 'caps.nodes'), g.nodes.length);
  if (g.edges.length > g.caps.edges) throw new InputError('edges', rules.atMost(g.caps.edges, 'caps.edges'), g.edges.length);
  const byKey = new Map<number, NodeGene>();
  g.nodes.forEach((n, i) => {
    if (byKey.has(n.key)) throw new InputError(`nodes[${i}].key`, rules.unique, n.key);
    byKey.set(n.key, n);
    const slots = n.role === 'input' ? g.inputs.length : n.role === 'output' ? g.outputs.length : 0;
    if (n.role !== 'hidden' && n.slot >= slots) {
      throw new InputError(`nodes[${i}].slot`, rules.range(0, slots - 1), n.slot);
    }
  });
  checkSlots(g.nodes, 'input', g.inputs.length);
  checkSlots(g.nodes, 'output', g.outputs.length);
  const edgeKeys = new Set<number>();
  g.edges.forEach((e, i) => {
    if (edgeKeys.has(e.key)) throw new InputError(`edges[${i}].key`, rules.unique, e.key);
    edgeKeys.add(e.key);
    if (!byKey.has(e.source)) throw new InputError(`edges[${i}].source`, rules.nodeExists, e.source);
    const target = byKey.get(e.target);
    if (target === undefined) throw new InputError(`edges[${i}].target`, rules.nodeExists, e.target);
    if (target.role === 'input') throw new InputError(`edges[${i}].target`, rules.noInputTarget, e.target);
  });
  const cycle = findDelayZeroCycle(g.nodes, g.edges);
  if (cycle !== null) {
    const index = g.edges.findIndex((e) => e.enabled && e.delay === 0 && e.source === cycle[0] && e.target === cycle[1 % cycle.length]);
    throw new InputError(`edges[${index}].delay`, rules.noCycle([...cycle, cycle[0] as number]));
  }
}

function checkSlots(nodes: NodeGene[], role: 'input' | 'output', count: number): void {
  for (let slot = 0; slot < count; slot++) {
    const holders = nodes.filter((n) => n.role === role && n.slot === slot).length;
    if (holders !== 1) throw new InputError(`${role}s[${slot}]`, rules.slotCovered(role), holders);
  }
}
