// The edge part of the surrogate's dense graph arrays (graph.ts has the nodes, the canonical order
// and the overview). A genome's edges become four dense tensors of shape
// [N target][P port][N source][2 kind], row-major, with N = maxNodes and P = SURROGATE_PORTS:
//
//   kind 0 holds the edge of delay 0 (it is computed within the tick, so it follows the canonical
//   order: source before target); kind 1 holds the edge of delay 1 or more (it reads an earlier
//   tick, so it may point anywhere, which is how the arrays hold the genome's cycles). This is
//   D-VAE's treatment of a DAG (Zhang et al. 2019, "D-VAE: A Variational Autoencoder for Directed
//   Acyclic Graphs", NeurIPS) with the delayed edges as an edge type of their own.
//
// A cell holds at most one edge, so a genome with two edges of the same target, port, source and
// kind ("parallel edges", e.g. delays 1 and 2 side by side) is not representable; nor is an edge
// into a port >= P. The per-cell arrays: `edge` (1 where an edge exists), `edgeEnabled` (0/1),
// `edgeWeight` (float32) and `edgeDelay` (the delay; 0 in kind 0). Cells without an edge are 0 and
// are ignored when read back, compared or signed.

import { MAX_DELAY, MAX_PORTS } from '../engine/layout.ts';
import { InputError, rules } from '../util/errors.ts';
import type { Genome } from '../genome/types.ts';

/** Ports per node in the arrays (the engine's MAX_PORTS: x, y, z). */
export const SURROGATE_PORTS = MAX_PORTS;
/** The largest delay the arrays hold (the engine's MAX_DELAY). */
export const SURROGATE_MAX_DELAY = MAX_DELAY;
/** Edge kinds: 0 for delay 0, 1 for delay >= 1. */
export const EDGE_KINDS = 2;

/** The edge fields of GraphArrays (graph.ts), for N = maxNodes. */
export interface EdgeArrays {
  maxNodes: number;
  count: number;
  edge: Uint8Array;
  edgeEnabled: Uint8Array;
  edgeWeight: Float32Array;
  edgeDelay: Uint8Array;
}

/** Where the cell (target, port, source, kind) lies in the N x P x N x 2 edge arrays. */
export function edgeIndex(maxNodes: number, target: number, port: number, source: number, kind: number): number {
  return ((target * SURROGATE_PORTS + port) * maxNodes + source) * EDGE_KINDS + kind;
}

export const edgeKind = (delay: number): 0 | 1 => (delay > 0 ? 1 : 0);

/** Zeroed edge arrays for `maxNodes` nodes. */
export function emptyEdgeArrays(maxNodes: number): Pick<EdgeArrays, 'edge' | 'edgeEnabled' | 'edgeWeight' | 'edgeDelay'> {
  const cells = maxNodes * SURROGATE_PORTS * maxNodes * EDGE_KINDS;
  return { edge: new Uint8Array(cells), edgeEnabled: new Uint8Array(cells), edgeWeight: new Float32Array(cells), edgeDelay: new Uint8Array(cells) };
}

/** The first edge the arrays cannot hold (a port >= P, or a second edge in one cell), as an InputError; or null. */
export function edgeProblem(genome: Genome): InputError | null {
  const cells = new Map<string, number>();
  for (let i = 0; i < genome.edges.length; i++) {
    const e = genome.edges[i] as Genome['edges'][number];
    if (e.port >= SURROGATE_PORTS) {
      return new InputError(`edges[${i}].port`, `${rules.atMost(SURROGATE_PORTS - 1, 'SURROGATE_PORTS - 1')}: the surrogate's arrays have ${SURROGATE_PORTS} ports`, e.port);
    }
    const cell = `${e.target}:${e.port}:${e.source}:${edgeKind(e.delay)}`;
    const twin = cells.get(cell);
    if (twin !== undefined) {
      return new InputError(`edges[${i}]`, `must not share its target, port, source and delay kind with edges[${twin}] (parallel edges: the surrogate's arrays hold one edge per cell)`);
    }
    cells.set(cell, i);
  }
  return null;
}

/** Writes the genome's edges into the arrays, node keys mapped to positions by `position`. */
export function writeEdges(arrays: EdgeArrays, genome: Genome, position: ReadonlyMap<number, number>): void {
  const at = (key: number): number => {
    const p = position.get(key);
    if (p === undefined) throw new InputError('edges', rules.nodeExists, key);
    return p;
  };
  for (const e of genome.edges) {
    const i = edgeIndex(arrays.maxNodes, at(e.target), e.port, at(e.source), edgeKind(e.delay));
    arrays.edge[i] = 1;
    arrays.edgeEnabled[i] = e.enabled ? 1 : 0;
    arrays.edgeWeight[i] = e.weight;
    arrays.edgeDelay[i] = e.delay;
  }
}

/** The number as JSON will hold it: -0 becomes 0 (JSON writes it so), anything else is kept. */
export const plain = (x: number): number => (x === 0 ? 0 : x);

/**
 * The edges of the arrays as genome JSON for parseGenome, in the order target, port, source, kind;
 * keys count up from `edgeKeyBase`. A flag other than 0/1 in edgeEnabled is written as it is, so
 * the parser rejects it; a delay that contradicts its kind, or an edge at a position >= count,
 * throws an InputError here (the parser could not see either).
 */
export function readEdges(arrays: EdgeArrays, keyAt: (position: number) => number, edgeKeyBase: number): Record<string, unknown>[] {
  const n = arrays.maxNodes;
  const edges: Record<string, unknown>[] = [];
  for (let target = 0; target < n; target++) {
    for (let port = 0; port < SURROGATE_PORTS; port++) {
      for (let source = 0; source < n; source++) {
        for (let kind = 0; kind < EDGE_KINDS; kind++) {
          const i = edgeIndex(n, target, port, source, kind);
          if (arrays.edge[i] === 0) continue;
          const field = `edges[${edges.length}]`;
          const far = target >= arrays.count ? target : source >= arrays.count ? source : -1;
          if (far >= 0) throw new InputError(`${field}.${far === target ? 'target' : 'source'}`, `must be a node position below count (${arrays.count})`, far);
          const delay = arrays.edgeDelay[i] as number;
          if (kind === 0 && delay !== 0) throw new InputError(`${field}.delay`, 'must be 0 in a delay-0 cell (kind 0)', delay);
          if (kind === 1 && delay === 0) throw new InputError(`${field}.delay`, 'must be at least 1 in a delayed cell (kind 1)', delay);
          const enabled = arrays.edgeEnabled[i] as number;
          edges.push({
            key: edgeKeyBase + edges.length, source: keyAt(source), target: keyAt(target), port,
            weight: plain(arrays.edgeWeight[i] as number), delay, enabled: enabled === 1 ? true : enabled === 0 ? false : enabled,
          });
        }
      }
    }
  }
  return edges;
}

/** |x - y| <= tolerance * max(1, |x|, |y|): relative for large values, absolute near 0. */
export function within(x: number, y: number, tolerance: number): boolean {
  return Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x), Math.abs(y));
}

/** Records one difference; `structural` differences also make the attributes differ. */
export type Report = (structural: boolean, text: string) => void;

/** Compares the edges among the first `count` positions (equal in a and b); weights within `tolerance`. */
export function compareEdges(a: EdgeArrays, b: EdgeArrays, tolerance: number, report: Report): void {
  const kindText = ['delay-0', 'delayed'];
  for (let target = 0; target < a.count; target++) {
    for (let port = 0; port < SURROGATE_PORTS; port++) {
      for (let source = 0; source < a.count; source++) {
        for (let kind = 0; kind < EDGE_KINDS; kind++) {
          const i = edgeIndex(a.maxNodes, target, port, source, kind);
          const j = edgeIndex(b.maxNodes, target, port, source, kind);
          const name = `edge ${source}->${target} port ${port} ${kindText[kind] as string}`;
          const has = [a.edge[i] !== 0, b.edge[j] !== 0];
          if (has[0] !== has[1]) report(true, `${name}: ${has[0] ? 'present' : 'absent'} vs ${has[1] ? 'present' : 'absent'}`);
          if (!has[0] || !has[1]) continue;
          if (a.edgeEnabled[i] !== b.edgeEnabled[j]) report(true, `${name} enabled: ${a.edgeEnabled[i]} vs ${b.edgeEnabled[j]}`);
          if (a.edgeDelay[i] !== b.edgeDelay[j]) report(true, `${name} delay: ${a.edgeDelay[i]} vs ${b.edgeDelay[j]}`);
          const [wa, wb] = [a.edgeWeight[i] as number, b.edgeWeight[j] as number];
          if (!within(wa, wb, tolerance)) report(false, `${name} weight: ${wa} vs ${wb}`);
        }
      }
    }
  }
}

const bits = new Float32Array(1);
const bitsView = new Uint32Array(bits.buffer);

/** A float32's bit pattern in base 36 (0 and -0 alike): exact at float32 precision. */
export function floatText(x: number): string {
  if (x === 0) return '0';
  bits[0] = x;
  return (bitsView[0] as number).toString(36);
}

/** The edges as text: one `target.port.source.kind:enabled.delay.weight` entry per existing edge, in array order. */
export function edgeSignature(a: EdgeArrays): string {
  const parts: string[] = [];
  for (let target = 0; target < a.count; target++) {
    for (let port = 0; port < SURROGATE_PORTS; port++) {
      for (let source = 0; source < a.count; source++) {
        for (let kind = 0; kind < EDGE_KINDS; kind++) {
          const i = edgeIndex(a.maxNodes, target, port, source, kind);
          if (a.edge[i] === 0) continue;
          parts.push(`${target.toString(36)}.${port}.${source.toString(36)}.${kind}:${a.edgeEnabled[i]}.${a.edgeDelay[i]}.${floatText(a.edgeWeight[i] as number)}`);
        }
      }
    }
  }
  return parts.join(',');
}
