// Sorting without allocation: heapsort of (u64 sort key, i32 value) pairs held in two arrays, and a
// helper that maps signed i32 fields to keys that order as unsigned integers. Used for key order
// at load, for selection policies and for the edges a node-delete removes.

@inline export function ord(x: i32): u64 {
  return <u64>(<u32>x ^ 0x80000000);
}

/** A sort key ordering by a first and then a second signed field, both ascending. */
@inline export function key2(a: i32, b: i32): u64 {
  return (ord(a) << 32) | ord(b);
}

@inline function sk(keys: usize, i: i32): u64 {
  return load<u64>(keys + (<usize>i << 3));
}

@inline function swap(keys: usize, vals: usize, i: i32, j: i32): void {
  const ki = sk(keys, i);
  store<u64>(keys + (<usize>i << 3), sk(keys, j));
  store<u64>(keys + (<usize>j << 3), ki);
  const vi = load<i32>(vals + (<usize>i << 2));
  store<i32>(vals + (<usize>i << 2), load<i32>(vals + (<usize>j << 2)));
  store<i32>(vals + (<usize>j << 2), vi);
}

function siftDown(keys: usize, vals: usize, start: i32, end: i32): void {
  let root = start;
  while (true) {
    let child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && sk(keys, child + 1) > sk(keys, child)) child++;
    if (sk(keys, root) >= sk(keys, child)) return;
    swap(keys, vals, root, child);
    root = child;
  }
}

/** Sorts n pairs ascending by key. */
export function sortPairs(keys: usize, vals: usize, n: i32): void {
  if (n < 16) {
    for (let i = 1; i < n; i++) {
      for (let j = i; j > 0 && sk(keys, j - 1) > sk(keys, j); j--) swap(keys, vals, j - 1, j);
    }
    return;
  }
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(keys, vals, i, n);
  for (let end = n - 1; end > 0; end--) {
    swap(keys, vals, 0, end);
    siftDown(keys, vals, 0, end);
  }
}
