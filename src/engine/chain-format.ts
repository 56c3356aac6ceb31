// The chain description the engine writes for the host (assembly/chain.ts): its codes, its types
// and its reader. chain-code.ts compiles it; chain.ts is the engine's side of compiling and calling.
//
//   MAGIC nodeCount slotCount, then per node: op a0Slot a1Slot storeCount, per store: kind value,
//   portCount, per port: mode termCount, per term: kind ref wSlot backupSlot

export const MAGIC = 0x6c326331;
export const TERM_REG = 0;
export const TERM_MEM = 1;
export const TERM_NARROW = 2;
export const TERM_CELL = 3;
export const TERM_ADDR = 4;
export const STORE_SLOT = 0;
export const PORT_ZERO = 0;
export const PORT_ALIAS = 1;
export const PORT_CANON = 2;
export const PORT_CELL = 3;
export const PORT_SCALED = 4;
export const PORT_SUM = 5;

export interface Term { kind: number; ref: number; wSlot: number; backup: number }
export interface Port { mode: number; terms: Term[] }
export interface Store { kind: number; ref: number }
export interface ChainNode { op: number; a0: number; a1: number; stores: Store[]; ports: Port[] }
export interface Chain { slots: number; nodes: ChainNode[] }

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
      const terms = Array.from({ length: next() }, () => ({ kind: next(), ref: next(), wSlot: next(), backup: next() }));
      return { mode, terms };
    });
    nodes.push({ op, a0, a1, stores, ports });
  }
  if (at !== words.length) throw new Error('chain description: trailing words');
  return { slots, nodes };
}
