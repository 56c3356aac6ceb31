// How many ports each op reads (docs/engine.md, Ops): x, y, z are ports 0, 1, 2. An op reads no
// port beyond its arity, so an edge into a higher port is dead weight, and changing an op to one of
// another arity changes which inputs matter. Mutations use this to stay arity-aware.

import { OP_NAMES, type EdgeGene, type NodeGene, type OpName } from './types.ts';

export const OP_ARITY: Readonly<Record<OpName, 0 | 1 | 2 | 3>> = {
  const: 0, every: 0,
  identity: 1, neg: 1, abs: 1, sign: 1, square: 1, sqrt: 1, rsqrt: 1, exp: 1, log: 1, tanh: 1,
  sigmoid: 1, relu: 1, clamp: 1, rsum: 1, rmean: 1, rnorm: 1, rmaxabs: 1, rrms: 1, rowmean: 1,
  colmean: 1, modulate: 1,
  add: 2, sub: 2, mul: 2, div: 2, pow: 2, min: 2, max: 2, gt: 2, ge: 2, eq: 2,
  select: 3,
};

/** The ops of one arity, in OP_NAMES order. */
export function opsOfArity(arity: number): OpName[] {
  return OP_NAMES.filter((op) => OP_ARITY[op] === arity);
}

/** The number of ports a node's incoming edges (enabled or not) reach: highest port + 1, or 0. */
export function portsInUse(node: NodeGene, edges: readonly EdgeGene[]): number {
  let ports = 0;
  for (const e of edges) if (e.target === node.key) ports = Math.max(ports, e.port + 1);
  return ports;
}
