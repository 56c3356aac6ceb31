// A minimal WebAssembly binary writer for generated code (chain-code.ts): LEB128 numbers,
// sections, the opcodes used, and a function body that hands out locals. WebAssembly Core
// Specification 2.0, section 5 (Binary Format), with the fixed-width SIMD instructions (0xFD).

export function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

export function sleb(out: number[], v: number): void {
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

/**
 * Appends `bytes` to `out` in a loop: `out.push(...bytes)` passes every byte as an argument, and a
 * long chain's code (hundreds of kilobytes) overflows the call stack that way.
 */
export function append(out: number[], bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] as number);
}

export function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  append(out, body);
}

export const I32 = 0x7f;
export const V128 = 0x7b;
// Core opcodes.
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const I32_LOAD = 0x28;
export const F32_LOAD = 0x2a;
export const F32_STORE = 0x38;
export const I32_CONST = 0x41;
export const I32_ADD = 0x6a;
export const I32_GE_U = 0x4f;
export const I32_GT_U = 0x4b;
export const BLOCK = 0x02;
export const ELSE = 0x05;
export const I32_AND = 0x71;
export const I32_EQZ = 0x45;
export const LOOP = 0x03;
export const IF = 0x04;
export const END = 0x0b;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const EMPTY = 0x40;
// SIMD opcodes (after the 0xFD prefix).
export const V = {
  load: 0x00, store: 0x0b, const: 0x0c, f32x4Splat: 0x13, i32x4Splat: 0x11, f32x4Extract: 0x1f,
  i32x4LtS: 0x39, f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Ge: 0x46,
  and: 0x4e, andnot: 0x4f, or: 0x50, bitselect: 0x52, anyTrue: 0x53, i32x4Shl: 0xab, i32x4MaxU: 0xb9,
  abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9,
  pmax: 0xeb,
} as const;

/** The function body's code, with the locals it declares. */
export class Body {
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
