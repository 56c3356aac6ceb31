// The ops of compiled chains: each as the tile kernels compute it (assembly/kern.ts), so that a
// compiled chain gives the kernels' results bit for bit. Each leaves the node's value on the stack.

import * as L from './layout.ts';
import type { ChainNode, Port } from './chain-format.ts';
import { LOCAL_TEE, V, uleb, type Body } from './wasm-writer.ts';

/** The locals an op may use: constants, a scratch vector, the splat of each value slot. */
export interface OpLocals {
  zero: number;
  one: number;
  tmp: number;
  splat: Map<number, number>;
}

/** Emits node n's op; `port(p)` pushes the value of port p. */
export function emitOp(b: Body, n: ChainNode, port: (p: Port | undefined) => void, { zero, one, tmp, splat }: OpLocals): void {
  const addZero = (): void => {
    b.get(zero);
    b.simd(V.add);
  };
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
}
