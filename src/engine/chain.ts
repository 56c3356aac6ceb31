// Compiles the engine's chain descriptions (assembly/chain.ts) to WebAssembly: one function per
// chain shape, `run(block, bytes, rem)`, over the engine's own memory. Per 4-lane vector it
// evaluates the chain's nodes in order with their values in locals, doing exactly what the tile
// kernels do (assembly/kern.ts ops, assembly/sums.ts port sums: + 0 after every sum, products only
// for weights other than 1), so results are bit-identical with the kernels. `bytes` covers the
// whole vectors; `rem` (0-3) more lanes are computed from one more vector read past them (lane
// buffers carry 16 bytes of padding) and stored lane by lane. Each node's flag word (the running
// unsigned max of its values' bits shifted left by one, kern.ts track) is written to the block.
//
// The binary format and opcodes: WebAssembly Core Specification 2.0, section 5 (Binary Format),
// with the fixed-width SIMD instructions (prefix 0xFD).

import * as L from './layout.ts';

const MAGIC = 0x6c326331;
const PAIR = 2;
const TERM_REG = 0;
const TERM_MEM = 1;
const TERM_NARROW = 2;
const TERM_CELL = 3;
const TERM_ADDR = 4;
const STORE_SLOT = 0;
const PORT_ZERO = 0;
const PORT_ALIAS = 1;
const PORT_CANON = 2;
const PORT_CELL = 3;
const PORT_SCALED = 4;
const PORT_SUM = 5;

interface Term { kind: number; ref: number; wSlot: number }
interface Port { mode: number; terms: Term[] }
interface Store { kind: number; ref: number }
interface ChainNode { op: number; a0: number; a1: number; stores: Store[]; ports: Port[] }
interface Chain { slots: number; nodes: ChainNode[] }

/** Reads a description; throws on anything malformed (a bug on one side or the other). */
export function readChain(words: Int32Array): Chain {
  let at = 0;
  const next = (): number => {
    if (at >= words.length) throw new Error('chain description: truncated');
    return words[at++] as number;
  };
  if (next() !== MAGIC) throw new Error('chain description: bad magic');
  const count = next();
  const slots = next();
  const nodes: ChainNode[] = [];
  for (let i = 0; i < count; i++) {
    const op = next();
    const a0 = next();
    const a1 = next();
    const stores = Array.from({ length: next() }, () => ({ kind: next(), ref: next() }));
    const ports = Array.from({ length: next() }, () => {
      const mode = next();
      const terms = Array.from({ length: next() }, () => ({ kind: next(), ref: next(), wSlot: next() }));
      return { mode, terms };
    });
    nodes.push({ op, a0, a1, stores, ports });
  }
  if (at !== words.length) throw new Error('chain description: trailing words');
  return { slots, nodes };
}

// --- encoding ---------------------------------------------------------------------------------

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  out.push(...body);
}

const I32 = 0x7f;
const V128 = 0x7b;
// Core opcodes.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_LOAD = 0x28;
const F32_LOAD = 0x2a;
const F32_STORE = 0x38;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_GE_U = 0x4f;
const I32_GT_U = 0x4b;
const BLOCK = 0x02;
const ELSE = 0x05;
const I32_AND = 0x71;
const LOOP = 0x03;
const IF = 0x04;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const EMPTY = 0x40;
// SIMD opcodes (after the 0xFD prefix).
const V = {
  load: 0x00, store: 0x0b, const: 0x0c, f32x4Splat: 0x13, i32x4Splat: 0x11, f32x4Extract: 0x1f,
  i32x4LtS: 0x39, f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Ge: 0x46,
  and: 0x4e, andnot: 0x4f, bitselect: 0x52, anyTrue: 0x53, i32x4Shl: 0xab, i32x4MaxU: 0xb9,
  abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9,
  pmax: 0xeb,
} as const;

/** The function body's code, with the locals it declares. */
class Body {
  readonly code: number[] = [];
  private readonly i32Locals: number;
  private v128Count = 0;

  constructor(readonly params: number, i32Extra: number) {
    this.i32Locals = i32Extra;
  }

  /** A new v128 local's index. */
  v128(): number {
    return this.params + this.i32Locals + this.v128Count++;
  }
  i32(k: number): number {
    return this.params + k;
  }
  simd(op: number): void {
    this.code.push(0xfd);
    uleb(this.code, op);
  }
  get(l: number): void {
    this.code.push(LOCAL_GET);
    uleb(this.code, l);
  }
  set(l: number): void {
    this.code.push(LOCAL_SET);
    uleb(this.code, l);
  }
  i32Const(v: number): void {
    this.code.push(I32_CONST);
    sleb(this.code, v);
  }
  /** A memory instruction with its alignment (log2) and offset. */
  mem(op: number, simd: boolean, align: number, offset: number): void {
    if (simd) this.simd(op);
    else this.code.push(op);
    uleb(this.code, align);
    uleb(this.code, offset);
  }
  locals(): number[] {
    const out: number[] = [];
    uleb(out, 2);
    uleb(out, this.i32Locals);
    out.push(I32);
    uleb(out, this.v128Count);
    out.push(V128);
    return out;
  }
}

// Parameters: 0 block, 1 start (the tile's byte offset), 2 bytes, 3 rem. i32 locals: 0 the byte
// index i (from start), 1 its end, then one per pointer slot. A plane is addressed as i plus its
// address at lane 0, a constant offset of the load or store; a scratch tile through its slot's
// pointer, which the engine gives less the tile's byte offset.
const P_BLOCK = 0;
const P_START = 1;
const P_BYTES = 2;
const P_REM = 3;

/** The module of one chain: imports memory "e" "m", exports "run". */
export function compileChain(chain: Chain): Uint8Array<ArrayBuffer> {
  const pointerSlots = new Set<number>();
  const valueSlots = new Set<number>();
  for (const n of chain.nodes) {
    for (const st of n.stores) if (st.kind === STORE_SLOT) pointerSlots.add(st.ref);
    if (n.a0 >= 0) valueSlots.add(n.a0);
    if (n.a1 >= 0) valueSlots.add(n.a1);
    for (const p of n.ports) {
      for (const t of p.terms) {
        if (t.kind === TERM_MEM) pointerSlots.add(t.ref);
        else if (t.kind === TERM_NARROW || t.kind === TERM_CELL) valueSlots.add(t.ref);
        if (t.wSlot >= 0) valueSlots.add(t.wSlot);
      }
    }
  }
  const pointers = [...pointerSlots];
  const b = new Body(4, 2 + pointers.length);
  const I = b.i32(0);
  const END_AT = b.i32(1);
  const ptr = new Map(pointers.map((s, k) => [s, b.i32(2 + k)]));
  const splat = new Map([...valueSlots].map((s) => [s, b.v128()]));
  const zero = b.v128();
  const one = b.v128();
  const mask = b.v128();
  const values = chain.nodes.map(() => b.v128());
  const tmp = b.v128();
  const sum = b.v128(); // the fast body's running sum of checked values

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
    b.code.push(...bytes);
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
  b.get(P_START);
  b.get(P_BYTES);
  b.code.push(I32_ADD);
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
  // A node's non-finite values show in a later node's that reads it through an op that keeps them
  // non-finite (inf + -inf, inf * 0 and NaN anything are NaN): only the others need checking.
  const KEEPS = new Set([L.OP_IDENTITY, L.OP_ADD, L.OP_SUB, L.OP_MUL, L.OP_NEG, L.OP_ABS, L.OP_SQUARE]);
  const checked = chain.nodes.map((_, k) => !chain.nodes.some((n) => KEEPS.has(n.op) &&
    n.ports.some((p) => p.terms.some((t) => t.kind === TERM_REG && t.ref === k))));
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
          const offset = address(t.kind === TERM_MEM, t.ref);
          b.mem(V.load, true, 0, offset + delta);
          b.code.push(LOCAL_TEE);
          uleb(b.code, local);
          loaded.add(id);
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
    const apply = (n: ChainNode): void => {
      const [x, y, z] = n.ports;
      const two = (op: number): void => {
        port(x);
        port(y);
        b.simd(op);
      };
      const bool = (op: number): void => {
        two(op);
        b.get(one);
        b.simd(V.and);
      };
      switch (n.op) {
        case L.OP_IDENTITY: return port(x);
        case L.OP_ADD: return two(V.add);
        case L.OP_SUB: return two(V.sub);
        case L.OP_MUL: return two(V.mul);
        case L.OP_MIN: return two(V.min);
        case L.OP_MAX: return two(V.max);
        case L.OP_GT: return bool(V.f32x4Gt);
        case L.OP_GE: return bool(V.f32x4Ge);
        case L.OP_EQ: return bool(V.f32x4Eq);
        case L.OP_DIV: // bitselect(0, x / y, y == 0), as (x / y) & ~(y == 0)
          port(y);
          b.set(tmp);
          port(x);
          b.get(tmp);
          b.simd(V.div);
          b.get(tmp);
          b.get(zero);
          b.simd(V.f32x4Eq);
          return b.simd(V.andnot);
        case L.OP_NEG: port(x); return b.simd(V.neg);
        case L.OP_ABS: port(x); return b.simd(V.abs);
        case L.OP_SQUARE:
          port(x);
          b.code.push(LOCAL_TEE);
          uleb(b.code, tmp);
          b.get(tmp);
          return b.simd(V.mul);
        case L.OP_SQRT: // sqrt(pmax(x, 0) + 0)
          port(x);
          b.get(zero);
          b.simd(V.pmax);
          addZero();
          return b.simd(V.sqrt);
        case L.OP_RELU:
          port(x);
          b.get(zero);
          b.simd(V.pmax);
          return addZero();
        case L.OP_RSQRT: // bitselect(1 / sqrt(x), 0, x > 0), as (1 / sqrt(x)) & (x > 0)
          port(x);
          b.set(tmp);
          b.get(one);
          b.get(tmp);
          b.simd(V.sqrt);
          b.simd(V.div);
          b.get(tmp);
          b.get(zero);
          b.simd(V.f32x4Gt);
          return b.simd(V.and);
        case L.OP_SIGN: // (x > 0 & 1) - (x < 0 & 1)
          port(x);
          b.set(tmp);
          b.get(tmp);
          b.get(zero);
          b.simd(V.f32x4Gt);
          b.get(one);
          b.simd(V.and);
          b.get(tmp);
          b.get(zero);
          b.simd(V.f32x4Lt);
          b.get(one);
          b.simd(V.and);
          return b.simd(V.sub);
        case L.OP_CLAMP: // min(max(x, a0), a1)
          port(x);
          b.get(splat.get(n.a0) as number);
          b.simd(V.max);
          b.get(splat.get(n.a1) as number);
          return b.simd(V.min);
        case L.OP_SELECT: // bitselect(y, z, x != 0)
          port(y);
          port(z);
          port(x);
          b.get(zero);
          b.simd(V.f32x4Ne);
          return b.simd(V.bitselect);
      }
      throw new Error(`chain description: op ${n.op} cannot be compiled`);
    };
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
      if (mode !== 'fast') {
        track(k, c);
        stores(n, c, value);
      } else if (checked[k] === true) {
        b.get(value);
        if (!first) {
          b.get(sum);
          b.simd(V.add);
        }
        b.set(sum);
        first = false;
      }
    }));
    if (mode === 'fast') {
      b.get(sum);
      b.get(sum);
      b.simd(V.sub);
      b.simd(V.anyTrue);
      b.code.push(IF, EMPTY);
      for (const c of active) body('exact', [c]);
      b.code.push(ELSE);
      chain.nodes.forEach((n, k) => active.forEach((c) => stores(n, c, c.values[k] as number)));
      b.code.push(END);
    }
  };

  // The flags start at zero.
  const flagsAt = (chain.slots * 4 + 15) & ~15;
  chain.nodes.forEach((_, k) => {
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
  // The first vector with exact flags; if every node has then been nonzero somewhere, the rest
  // runs in the fast loop, else in the exact one.
  b.get(P_BYTES);
  b.code.push(IF, EMPTY);
  body('exact');
  step();
  chain.nodes.forEach((_, k) => {
    b.get(P_BLOCK);
    b.mem(V.load, true, 0, flagsAt + 16 * k);
    b.simd(V.anyTrue);
    if (k > 0) b.code.push(I32_AND);
  });
  b.code.push(IF, EMPTY);
  // Two vectors an iteration: half the loop's overhead (its bound check, the engine's interrupt
  // check, reloads of what does not fit in registers), then at most one more vector.
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
  b.code.push(ELSE);
  loop('exact');
  b.code.push(END, END);
  b.get(P_REM);
  b.code.push(IF, EMPTY);
  body('tail');
  b.code.push(END, END);

  const func = [...b.locals(), ...b.code];
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, [1, 0x60, 4, I32, I32, I32, I32, 0]); // type: (i32 i32 i32 i32) -> ()
  section(out, 2, [1, 1, 0x65, 1, 0x6d, 0x02, 0x00, 0x00]); // import "e" "m" memory, min 0
  section(out, 3, [1, 0]); // one function of type 0
  section(out, 7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 0]); // export "run" = function 0
  const code: number[] = [1];
  uleb(code, func.length);
  code.push(...func);
  section(out, 10, code);
  return new Uint8Array(out);
}

/** How a body copy keeps flags: exactly per node, by the sum check, or exactly on masked lanes. */
type Mode = 'exact' | 'fast' | 'tail';

type ChainFn = (block: number, start: number, bytes: number, rem: number) => void;

/**
 * The engine's side of compiled chains: `chainCompile` and `chainCall`, the imports the engine
 * calls. Shapes are compiled once per engine instance and cached by their description.
 */
export class ChainCompiler {
  private readonly byShape = new Map<string, number>();
  private readonly fns: ChainFn[] = [];
  memory: WebAssembly.Memory | undefined;
  compiledCount = 0;
  /** Why shapes failed to compile (expected only where synchronous compilation is refused). */
  readonly failures: string[] = [];

  constructor(private readonly enabled: boolean) {}

  imports(): { chainCompile(desc: number, words: number): number; chainCall(fn: number, block: number, start: number, bytes: number, rem: number): void } {
    return {
      chainCompile: (desc, words) => this.compile(desc, words),
      chainCall: (fn, block, start, bytes, rem) => (this.fns[fn] as ChainFn)(block, start, bytes, rem),
    };
  }

  private compile(desc: number, words: number): number {
    if (!this.enabled || this.memory === undefined) return -1;
    const view = new Int32Array(this.memory.buffer, desc, words);
    const key = view.join(',');
    const known = this.byShape.get(key);
    if (known !== undefined) return known;
    let id = -1;
    try {
      const bytes = compileChain(readChain(view));
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: this.memory } });
      id = this.fns.push(instance.exports.run as ChainFn) - 1;
      this.compiledCount++;
    } catch (error) {
      // No synchronous compilation here (a browser's main thread refuses large modules), or a bug:
      // the engine runs this chain through its kernels, and the failure is kept for tests to see.
      if (this.failures.length < 16) this.failures.push(error instanceof Error ? error.message : String(error));
      id = -1;
    }
    this.byShape.set(key, id);
    return id;
  }
}
