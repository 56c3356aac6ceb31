// Seeds for task instances and episodes, derived by hashing, so that a result depends only on what
// is evaluated and never on which worker evaluated it or in what order (docs/tasks.md, Seeds).
//
//   dataSeed(run, generation, task)                the data set and its splits: every genome of a
//                                                  generation sees the same problem
//   episodeSeed(run, generation, genomeId, task)   model initialisation, minibatch order, gradient
//                                                  noise and curvature probes of one evaluation
//
// The hash: the task reference is reduced to 32 bits by FNV-1a over its UTF-8 bytes (Fowler, Noll
// and Vo); then h = 0x9e3779b9 and, for each 32-bit word w in order, h = fmix32(h ^ w) + w', where
// fmix32 is MurmurHash3's finaliser (Appleby) and w' is w rotated by 13 bits. Numbers wider than 32
// bits (run seeds up to 2^53) enter as two words, low then high. A tag word keeps the two kinds of
// seed apart even when their other words coincide.

const TAG_DATA = 0x44415441; // "DATA"
const TAG_EPISODE = 0x45504953; // "EPIS"

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a (32 bits) over the UTF-8 bytes of `text`. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashes 32-bit words in order into one 32-bit value. */
export function hashWords(words: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) {
    const w = word >>> 0;
    h = (fmix32(h ^ w) + ((w << 13) | (w >>> 19))) >>> 0;
  }
  return fmix32(h);
}

/** A non-negative safe integer as two 32-bit words, low then high. */
function split(n: number): [number, number] {
  return [n >>> 0, Math.floor(n / 2 ** 32) >>> 0];
}

export interface SeedPath {
  /** The run's seed: an integer from 0 to 2^53 - 1. */
  runSeed: number;
  generation: number;
  /** The task reference as written (`regression`, `classification:spirals`). */
  task: string;
}

/** The seed of the task instance (data and splits) for a run, generation and task. */
export function dataSeed(path: SeedPath): number {
  return hashWords([TAG_DATA, ...split(path.runSeed), ...split(path.generation), hashString(path.task)]);
}

/** The seed of one evaluation of genome `genomeId` on a task. */
export function episodeSeed(path: SeedPath & { genomeId: number }): number {
  return hashWords([TAG_EPISODE, ...split(path.runSeed), ...split(path.generation), ...split(path.genomeId), hashString(path.task)]);
}
