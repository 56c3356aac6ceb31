// Linear memory: the staging area shared with the host, one bump arena rebuilt by every load, and
// pools of fixed-size blocks (lane planes and the like) that nodes take and give back as the graph
// changes, so memory stays bounded by the caps, L and maxDelay however long a run lasts.
//
//   __heap_base                                                            memory.size() * 64 KiB
//   | staging (stagingWords i32)  | arena: tables built by load, then pool blocks ->  |  free   |
//
// The staging area holds the packed genome and groups for load() and the packed graph written by
// dumpGraph(). Load makes it large enough for the largest graph the caps allow before it builds
// the arena behind it, so dumpGraph never has to move the arena.

const ALIGN: usize = 16;
const LIMIT: u64 = 0xffff0000; // keep every address and size far from usize overflow

export let stagingPtr: usize = 0;
export let stagingWords: i32 = 0;
let arenaBase: usize = 0;
let arenaTop: usize = 0;

@inline function alignUp(p: u64): u64 {
  return (p + <u64>(ALIGN - 1)) & ~<u64>(ALIGN - 1);
}

function ensure(end: u64): bool {
  if (end > LIMIT) return false;
  const have = <u64>memory.size() << 16;
  if (end <= have) return true;
  const pages = <i32>((end - have + 0xffff) >> 16);
  return memory.grow(pages) >= 0;
}

/** Makes the staging area hold `words` words; moves the arena start behind it (callers reset). */
export function reserveStaging(words: i32): bool {
  if (stagingPtr == 0) stagingPtr = <usize>alignUp(<u64>__heap_base);
  if (words > stagingWords) {
    if (!ensure(<u64>stagingPtr + (<u64>words << 2))) return false;
    stagingWords = words;
  }
  arenaBase = <usize>alignUp(<u64>stagingPtr + (<u64>stagingWords << 2));
  arenaTop = arenaBase;
  return ensure(<u64>arenaBase);
}

/** Zeroed, 16-byte aligned memory from the arena; 0 when memory cannot grow. */
export function alloc(bytes: u64): usize {
  const start = <u64>arenaTop;
  const end = alignUp(start + bytes);
  if (bytes > LIMIT || !ensure(end)) return 0;
  arenaTop = <usize>end;
  memory.fill(<usize>start, 0, <usize>bytes);
  return <usize>start;
}

export function heapEnd(): usize {
  return arenaTop;
}

// A pool hands out blocks of one size; a free block keeps the next free block in its first word.
// Pools live in a small table so that they can be named by an index.
export const POOL_LANE: i32 = 0; // L f32 (+ padding): lane planes
export const POOL_GROUP: i32 = 1; // G f32: group planes
export const POOL_UNIT: i32 = 2; // 1 f32: scalar planes
export const POOL_LINE: i32 = 3; // max(rows, cols) f32: rowmean and colmean values
export const POOL_STATE: i32 = 4; // event mode: a node's ring, potentials, counters, accumulators
const POOLS: i32 = 5;
const poolBytes = memory.data(POOLS * 8);
const poolFree = memory.data(POOLS * 8);

export function poolInit(pool: i32, bytes: u64): void {
  store<u64>(poolBytes + (<usize>pool << 3), alignUp(bytes));
  store<u64>(poolFree + (<usize>pool << 3), 0);
}

/** A zeroed block of the pool, or 0 when memory cannot grow. */
export function poolTake(pool: i32): usize {
  const bytes = load<u64>(poolBytes + (<usize>pool << 3));
  const head = <usize>load<u64>(poolFree + (<usize>pool << 3));
  if (head == 0) return alloc(bytes);
  store<u64>(poolFree + (<usize>pool << 3), <u64>load<usize>(head));
  memory.fill(head, 0, <usize>bytes);
  return head;
}

export function poolGive(pool: i32, block: usize): void {
  if (block == 0) return;
  store<usize>(block, <usize>load<u64>(poolFree + (<usize>pool << 3)));
  store<u64>(poolFree + (<usize>pool << 3), <u64>block);
}
