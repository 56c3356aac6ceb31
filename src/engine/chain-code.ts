// Code generation for compiled chains (docs/engine.md, Compiled chains): a chain's description
// (chain.ts readChain) becomes a WebAssembly module over the engine's memory with two functions.
// `run(block, start, bytes, rem)` is the hot path: the tile's first vector with exact flags, then,
// if every node was nonzero there, two vectors at a time keeping only a not-finite mark; `rest`
// holds the cold paths (exact flags throughout, the tile computed again from the backups of what
// the chain overwrote, the last 1-3 lanes), apart so that they do not crowd the hot loop's
// registers. Every node is computed exactly as the tile kernels compute it (assembly/kern.ts ops,
// assembly/sums.ts port sums: + 0 after every sum, products only for weights other than 1), so
// results are bit-identical with the kernels. The last 1-3 lanes are computed from one more vector
// read past them (lane buffers carry 16 bytes of padding) and stored lane by lane. Each node's flag
// word (the running unsigned max of its values' bits shifted left by one, kern.ts track) ends in
// the parameter block after the slots.
//
// The binary format and opcodes: WebAssembly Core Specification 2.0, section 5 (Binary Format),
// with the fixed-width SIMD instructions (prefix 0xFD).

import * as L from './layout.ts';
import {
  type Chain, type ChainNode, type Port, type Term,
  TERM_REG, TERM_MEM, TERM_NARROW, TERM_CELL, TERM_ADDR, STORE_SLOT,
  PORT_ZERO, PORT_ALIAS, PORT_CANON, PORT_CELL, PORT_SCALED, PORT_SUM,
} from './chain-format.ts';
import {
  append, uleb, section, I32, LOCAL_TEE, I32_LOAD, F32_LOAD, F32_STORE, I32_ADD, I32_GE_U, I32_GT_U, BLOCK, ELSE,
  I32_AND, I32_EQZ, LOOP, IF, END, BR, BR_IF, EMPTY, V, Body,
} from './wasm-writer.ts';
import { emitOp } from './chain-ops.ts';

// Parameters: 0 block, 1 start (the tile's byte offset; rest: where to go on), 2 bytes (rest: the
// end), 3 rem, and for rest 4 redo. i32 locals: 0 the byte index i, 1 its end, then one per pointer
// slot. A plane is addressed as i plus its address at lane 0, a constant offset of the load or
// store; a scratch tile or a backup through its slot's pointer, given less the tile's byte offset.
const P_BLOCK = 0;
const P_START = 1;
const P_BYTES = 2;
const P_REM = 3;
const P_REDO = 4;
const PAIR = 2;
const CALL = 0x10;
const RETURN = 0x0f;

interface Slots { pointers: number[]; values: number[]; checked: boolean[] }

/** The slots the code reads, and which nodes' values the fast path must check for finiteness. */
function slotsOf(chain: Chain): Slots {
  const pointerSlots = new Set<number>();
  const valueSlots = new Set<number>();
  for (const n of chain.nodes) {
    for (const st of n.stores) if (st.kind === STORE_SLOT) pointerSlots.add(st.ref);
    if (n.a0 >= 0) valueSlots.add(n.a0);
    if (n.a1 >= 0) valueSlots.add(n.a1);
    for (const p of n.ports) {
      for (const t of p.terms) {
        if (t.kind === TERM_MEM) pointerSlots.add(t.ref);
        if (t.kind === TERM_NARROW || t.kind === TERM_CELL) valueSlots.add(t.ref);
        if (t.backup >= 0) pointerSlots.add(t.backup);
        if (t.wSlot >= 0) valueSlots.add(t.wSlot);
      }
    }
  }
  // A node's non-finite values show in a later node's that reads it through an op that keeps them
  // non-finite (inf + -inf, inf * 0 and NaN anything are NaN): only the others need checking.
  const KEEPS = new Set([L.OP_IDENTITY, L.OP_ADD, L.OP_SUB, L.OP_MUL, L.OP_NEG, L.OP_ABS, L.OP_SQUARE]);
  const checked = chain.nodes.map((_, k) => !chain.nodes.some((n) => KEEPS.has(n.op) &&
    n.ports.some((p) => p.terms.some((t) => t.kind === TERM_REG && t.ref === k))));
  return { pointers: [...pointerSlots], values: [...valueSlots], checked };
}

/** The module of one chain: imports memory "e" "m", exports "run" (function 0; 1 is rest). */
export function compileChain(chain: Chain): Uint8Array<ArrayBuffer> {
  const slots = slotsOf(chain);
  const funcs = [emit(chain, slots, 'run'), emit(chain, slots, 'rest')];
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // types: 0 (i32 i32 i32 i32) -> (), 1 (i32 i32 i32 i32 i32) -> ()
  section(out, 1, [2, 0x60, 4, I32, I32, I32, I32, 0, 0x60, 5, I32, I32, I32, I32, I32, 0]);
  section(out, 2, [1, 1, 0x65, 1, 0x6d, 0x02, 0x00, 0x00]); // import "e" "m" memory, min 0
  section(out, 3, [2, 0, 1]);
  section(out, 7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 0]); // export "run" = function 0
  const code: number[] = [funcs.length];
  for (const f of funcs) {
    uleb(code, f.length);
    append(code, f);
  }
  section(out, 10, code);
  return new Uint8Array(out);
}

/** The code of function `run` or `rest` (locals and body). */
function emit(chain: Chain, { pointers, values: valueSlots, checked }: Slots, which: 'run' | 'rest'): number[] {
  const b = new Body(which === 'run' ? 4 : 5, 2 + pointers.length);
  const I = b.i32(0);
  const END_AT = b.i32(1);
  const ptr = new Map(pointers.map((s, k) => [s, b.i32(2 + k)]));
  const splat = new Map(valueSlots.map((s) => [s, b.v128()]));
  const zero = b.v128();
  const one = b.v128();
  const mask = b.v128();
  const values = chain.nodes.map(() => b.v128());
  const tmp = b.v128();
  const sum = b.v128(); // the fast body's running sum of checked values
  const bad = b.v128(); // the fast loop's sticky not-finite marks

  // Entry: pointers and splats from the block, constants.
  for (const [s, l] of ptr) {
    b.get(P_BLOCK);
    b.mem(I32_LOAD, false, 2, 4 * s);
    b.set(l);
  }
  for (const [s, l] of splat) {
    b.get(P_BLOCK);
    b.mem(F32_LOAD, false, 2, 4 * s);
    b.simd(V.f32x4Splat);
    b.set(l);
  }
  const vconst = (bytes: number[]): void => {
    b.simd(V.const);
    append(b.code, bytes);
  };
  vconst(new Array(16).fill(0));
  b.set(zero);
  vconst([0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f]);
  b.set(one);
  // mask: lanes below rem all ones (for the tail's flags).
  vconst([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
  b.get(P_REM);
  b.simd(V.i32x4Splat);
  b.simd(V.i32x4LtS);
  b.set(mask);
  b.get(P_START);
  b.set(I);
  b.get(P_BYTES);
  if (which === 'run') {
    b.get(P_START);
    b.code.push(I32_ADD);
  }
  b.set(END_AT);

  /** Pushes the address of a lane array (kind TERM_MEM / STORE_SLOT: a slot; else a constant). */
  const address = (slot: boolean, ref: number): number => {
    if (slot) {
      b.get(ptr.get(ref) as number);
      b.get(I);
      b.code.push(I32_ADD);
      return 0;
    }
    b.get(I);
    return ref >>> 0;
  };
  const loadedAt = new Map<string, number>();
  // `delta`: the vector's byte distance from i (the second vector of an unrolled iteration).
  // A copy of the body for the vector at byte distance `delta` from i: its value locals and the
  // lane arrays it has loaded.
  interface Copy { delta: number; values: number[]; loaded: Set<string> }
  const copies = Array.from({ length: PAIR }, (_, c) => 16 * c).map((delta, c) => ({ delta, values: c === 0 ? values : chain.nodes.map(() => b.v128()), loaded: new Set<string>() }));
  // The body for one vector (exact, tail) or two (fast), emitted node by node, the two vectors'
  // code for a node side by side: two independent dependency chains in every stretch of code, so
  // the processor overlaps one's divisions with the other's loads.
  const body = (mode: Mode, active: Copy[] = copies.slice(0, 1)): void => {
    let cur = active[0] as Copy;
    for (const c of active) c.loaded.clear();
    // Each lane array is loaded once a vector (no store of the chain writes what it reads later:
    // readers of a chain node's current value take it from its local).
    const term = (t: Term): void => {
      const { values, loaded, delta } = cur;
      if (t.kind === TERM_REG) b.get(values[t.ref] as number);
      else if (t.kind === TERM_MEM || t.kind === TERM_ADDR) {
        const id = `${t.kind}:${t.ref}:${delta}`;
        let local = loadedAt.get(id);
        if (local === undefined) loadedAt.set(id, local = b.v128());
        if (loaded.has(id)) b.get(local);
        else {
          // The second pass over a tile reads what the chain overwrote from its backup.
          const fromBackup = mode === 'redo' && t.backup >= 0;
          const offset = fromBackup ? address(true, t.backup) : address(t.kind === TERM_MEM, t.ref);
          b.mem(V.load, true, 0, offset + delta);
          b.code.push(LOCAL_TEE);
          uleb(b.code, local);
          loaded.add(id);
          if ((mode === 'head' || mode === 'fast') && t.backup >= 0) {
            const at = address(true, t.backup);
            b.get(local);
            b.mem(V.store, true, 0, at + delta);
          }
        }
      } else b.get(splat.get(t.ref) as number);
      if (t.wSlot >= 0) {
        b.get(splat.get(t.wSlot) as number);
        b.simd(V.mul);
      }
    };
    const addZero = (): void => {
      b.get(zero);
      b.simd(V.add);
    };
    const port = (p: Port | undefined): void => {
      if (p === undefined || p.mode === PORT_ZERO) return b.get(zero);
      const [first, second, ...rest] = p.terms;
      if (first === undefined) throw new Error('chain description: a port without terms');
      term(first);
      if (p.mode === PORT_ALIAS || p.mode === PORT_CELL) return;
      if (p.mode === PORT_CANON || p.mode === PORT_SCALED) return addZero();
      if (p.mode !== PORT_SUM || second === undefined) throw new Error(`chain description: port mode ${p.mode}`);
      term(second);
      b.simd(V.add);
      addZero();
      for (const t of rest) {
        term(t);
        b.simd(V.add);
        addZero();
      }
    };
    const apply = (n: ChainNode): void => emitOp(b, n, port, { zero, one, tmp, splat });
    // Flags, kept in the block: exact per node (track), or, in the main loop, one check of the sum
    // of all the vector's values: a sum of finite values is finite unless it overflows, so only a
    // non-finite sum (rare) takes the exact path.
    const track = (k: number, c: Copy): void => {
      b.get(P_BLOCK);
      b.get(P_BLOCK);
      b.mem(V.load, true, 0, flagsAt + 16 * k);
      b.get(c.values[k] as number);
      if (mode === 'tail') {
        b.get(mask);
        b.simd(V.and);
      }
      b.i32Const(1);
      b.simd(V.i32x4Shl);
      b.simd(V.i32x4MaxU);
      b.mem(V.store, true, 0, flagsAt + 16 * k);
    };
    const stores = (n: ChainNode, c: Copy, value: number): void => {
      for (const st of n.stores) {
        if (mode !== 'tail') {
          const offset = address(st.kind === STORE_SLOT, st.ref);
          b.get(value);
          b.mem(V.store, true, 0, offset + c.delta);
          continue;
        }
        for (let lane = 0; lane < 3; lane++) {
          if (lane > 0) {
            b.get(P_REM);
            b.i32Const(lane);
            b.code.push(I32_GT_U, IF, EMPTY);
          }
          const offset = address(st.kind === STORE_SLOT, st.ref);
          b.get(value);
          b.simd(V.f32x4Extract);
          b.code.push(lane);
          b.mem(F32_STORE, false, 2, offset + 4 * lane);
          if (lane > 0) b.code.push(END);
        }
      }
    };
    // The fast body sums the values that a later node does not already vouch for (checked) as it
    // goes, and stores nothing until the sum is known to be finite; otherwise it computes the
    // vectors again, exactly, from the unchanged memory (the rare path).
    let first = true;
    chain.nodes.forEach((n, k) => active.forEach((c) => {
      cur = c;
      const value = c.values[k] as number;
      apply(n);
      b.set(value);
      if (mode !== 'fast') track(k, c);
      else if (checked[k] === true) {
        b.get(value);
        if (!first) {
          b.get(sum);
          b.simd(V.add);
        }
        b.set(sum);
        first = false;
      }
      stores(n, c, value);
    }));
    if (mode === 'fast') {
      // bad |= sum - sum: NaN bits in some lane once any checked value was not finite.
      b.get(bad);
      b.get(sum);
      b.get(sum);
      b.simd(V.sub);
      b.simd(V.or);
      b.set(bad);
    }
  };

  // The flags start at zero.
  const flagsAt = (chain.slots * 4 + 15) & ~15;
  const zeroFlags = (): void => chain.nodes.forEach((_, k) => {
    b.get(P_BLOCK);
    b.get(zero);
    b.mem(V.store, true, 0, flagsAt + 16 * k);
  });
  const step = (): void => {
    b.get(I);
    b.i32Const(16);
    b.code.push(I32_ADD);
    b.set(I);
  };
  const loop = (mode: Mode): void => {
    // while (i < end) { body; i += 16 }
    b.code.push(BLOCK, EMPTY, LOOP, EMPTY);
    b.get(I);
    b.get(END_AT);
    b.code.push(I32_GE_U, BR_IF, 1);
    body(mode);
    step();
    b.code.push(BR, 0, END, END);
  };
  /** rest(block, from, end, rem, redo), then return. */
  const rest = (from: () => void, redo: number): void => {
    b.get(P_BLOCK);
    from();
    b.get(END_AT);
    b.get(P_REM);
    b.i32Const(redo);
    b.code.push(CALL, 1, RETURN);
  };
  if (which === 'rest') {
    // Exact flags from `from` to the end, or (redo) the whole tile again from the backups; then
    // the last 1-3 lanes.
    b.get(P_REDO);
    b.code.push(IF, EMPTY);
    zeroFlags();
    loop('redo');
    b.code.push(ELSE);
    loop('exact');
    b.code.push(END);
    b.get(P_REM);
    b.code.push(IF, EMPTY);
    body('tail');
    b.code.push(END, END);
    return b.locals().concat(b.code);
  }
  // run: the first vector with exact flags; if every node has then been nonzero somewhere, the rest
  // in the fast loop, else in rest's exact loop. The fast loop keeps no flags but notes whether any
  // checked value was not finite (`bad`, no branch in the loop); if one was (rare), rest computes
  // the tile again from its start with exact flags, from what it first read (the backups of the
  // arrays the chain overwrites), storing the same values again.
  zeroFlags();
  b.get(zero);
  b.set(bad);
  b.get(P_BYTES);
  b.code.push(I32_EQZ, IF, EMPTY);
  rest(() => b.get(I), 0);
  b.code.push(END);
  body('head');
  step();
  chain.nodes.forEach((_, k) => {
    b.get(P_BLOCK);
    b.mem(V.load, true, 0, flagsAt + 16 * k);
    b.simd(V.anyTrue);
    if (k > 0) b.code.push(I32_AND);
  });
  b.code.push(I32_EQZ, IF, EMPTY);
  rest(() => b.get(I), 0);
  b.code.push(END);
  // Two vectors an iteration, then at most one more.
  b.code.push(BLOCK, EMPTY, LOOP, EMPTY);
  b.get(I);
  b.i32Const(16 * (PAIR - 1));
  b.code.push(I32_ADD);
  b.get(END_AT);
  b.code.push(I32_GE_U, BR_IF, 1);
  body('fast', copies);
  for (let c = 0; c < PAIR; c++) step();
  b.code.push(BR, 0, END, END);
  loop('fast');
  b.get(bad);
  b.simd(V.anyTrue);
  b.code.push(IF, EMPTY);
  rest(() => b.get(P_START), 1);
  b.code.push(END);
  b.get(P_REM);
  b.code.push(IF, EMPTY);
  rest(() => b.get(END_AT), 0);
  b.code.push(END, END);
  return b.locals().concat(b.code);
}

/**
 * What a body copy does besides computing and storing: exact flags (exact); exact flags and
 * backups of the loads the chain overwrites (head: the tile's first vector); the not-finite sum
 * and backups (fast); exact flags from the backups (redo: the tile again); exact flags on the
 * masked lanes of the last vector (tail).
 */
type Mode = 'exact' | 'head' | 'fast' | 'redo' | 'tail';

