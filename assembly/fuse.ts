// Pass fusion in tiled mode: chains of lane nodes that one loop over a tile computes together
// (ports.ts fusedPairDiv and fusedDivPair, sums.ts): an identity sum with its division by a narrow
// value and that quotient's square root, or a division with the identity sum that reads it. Planned
// per phase when the schedule is rebuilt; the tile loop (tiled.ts) checks each tick that the nodes
// still qualify and otherwise runs them one by one. The results are the same bits either way.

import { OP_IDENTITY, OP_DIV, OP_SQRT, ROLE_INPUT, WIDTH_LANE } from './layout';
import { NodeRec, node, edge, i32At, setI32 } from './tables';
import { alloc } from './memory';

/** Per node: the lane reader fused into its pass, -2 for a fused reader, or -1. */
export let fuseNext: usize = 0;
/** Per node x with a fused division reader: that reader's fused square-root reader, or -1. */
export let fuseRoot: usize = 0;

export function allocFusions(capNodes: u64): bool {
  fuseNext = alloc(capNodes * 4);
  fuseRoot = alloc(capNodes * 4);
  return fuseNext != 0 && fuseRoot != 0;
}

/**
 * Readers that may ride in their source's pass: a division c = x / narrow of a lane identity node
 * x (fusedPairDiv), or an identity c summing a division x and another term (fusedDivPair), x and c
 * in the same phase, c whose other same-tick sources are not lane nodes of the
 * phase. c moves right after x in the lane list (its sources are then all known), and is marked.
 */
export function planFusions(lanes: usize, from: i32, to: i32, k: i32): void {
  for (let i = from; i < to; i++) {
    setI32(fuseNext, i32At(lanes, i), -1);
    setI32(fuseRoot, i32At(lanes, i), -1);
  }
  for (let i = from; i < to; i++) {
    const x = i32At(lanes, i);
    const nx = node(x);
    if ((nx.op != OP_IDENTITY && nx.op != OP_DIV) || i32At(fuseNext, x) != -1) continue;
    for (let j = i + 1; j < to; j++) {
      const c = i32At(lanes, j);
      const nc = node(c);
      if (nc.op != (nx.op == OP_IDENTITY ? OP_DIV : OP_IDENTITY) || i32At(fuseNext, c) != -1) continue;
      if (!readsOnly(nc, x, nx.op == OP_IDENTITY, k)) continue;
      // c moves to i + 1.
      moveTo(lanes, j, i + 1);
      setI32(fuseNext, x, c);
      setI32(fuseNext, c, -2); // a reader: not fused with a reader of its own
      if (nx.op == OP_IDENTITY) {
        // A square root of the quotient rides along too.
        for (let j2 = i + 2; j2 < to; j2++) {
          const r = i32At(lanes, j2);
          const nr = node(r);
          if (nr.op != OP_SQRT || i32At(fuseNext, r) != -1 || !readsOnly(nr, c, true, k)) continue;
          moveTo(lanes, j2, i + 2);
          setI32(fuseRoot, x, r);
          setI32(fuseNext, r, -2);
          break;
        }
      }
      break;
    }
  }
}

/**
 * Whether node n reads x at delay 0 exactly once, on port 0, and its other delay-0 sources are
 * known before the phase's tiles (on port 0 too unless `only`).
 */
function readsOnly(n: NodeRec, x: i32, only: bool, k: i32): bool {
  let fromX = 0;
  for (let e = n.inHead; e >= 0; e = edge(e).inNext) {
    const r = edge(e);
    if (r.delay != 0) continue;
    if (r.src == x) {
      if (r.port != 0) return false;
      fromX++;
      continue;
    }
    const src = node(r.src);
    if ((r.port == 0 && only) || !(src.role == ROLE_INPUT || src.storeW != WIDTH_LANE || src.phase < k)) return false;
  }
  return fromX == 1;
}

/** Moves list entry j to i < j, shifting those between up one. */
function moveTo(lanes: usize, j: i32, i: i32): void {
  const c = i32At(lanes, j);
  for (let m = j; m > i; m--) setI32(lanes, m, i32At(lanes, m - 1));
  setI32(lanes, i, c);
}

