// Shared checks for the genome operator tests. A child must parse to itself (so it is valid and
// every value is already what the engine will see), survive JSON, msgpack and pack/unpack
// unchanged, hold no -0 (JSON would turn it into 0) and keep the optimizer role's slots.

import { genomeFromJSON, genomeFromMsgpack, genomeToJSON, genomeToMsgpack } from '../../src/genome/codec.ts';
import { pack, unpack } from '../../src/genome/pack.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { checkOptimizerRole } from '../../src/optimizer/role.ts';
import { checkLearnerRole, isLearnerGenome } from '../../src/learner/role.ts';
import { SEEDS } from '../../src/seeds/index.ts';

export const seedGenomes = (): Genome[] => SEEDS.map((s) => s.build());

/** Paths of -0 values anywhere in a JSON-like value. */
export function negativeZeros(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Object.is(value, -0) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => negativeZeros(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => negativeZeros(v, path === '' ? k : `${path}.${k}`));
  }
  return [];
}

/** Whether a JSON-like value holds a -0 anywhere (fast: no allocation). */
export function hasNegativeZero(value: unknown): boolean {
  if (typeof value === 'number') return Object.is(value, -0);
  if (typeof value !== 'object' || value === null) return false;
  for (const k in value) if (hasNegativeZero((value as Record<string, unknown>)[k])) return true;
  return false;
}

/** Deep equality with Object.is on numbers (so -0 differs from 0), and the same keys in objects. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * What is wrong with a child, or null when it is a valid optimizer genome that parseGenome
 * returns unchanged and that holds no -0 (JSON writes -0 as 0, so it would not read back as
 * itself). With `codecs`, JSON, msgpack and pack/unpack must also give it back unchanged.
 */
export function childProblem(child: Genome, codecs = true): string | null {
  try {
    if (!same(parseGenome(child), child)) return 'parseGenome changes it';
    if (hasNegativeZero(child)) return `-0 at ${negativeZeros(child).join(', ')}`;
    if (isLearnerGenome(child)) checkLearnerRole(child);
    else checkOptimizerRole(child);
    if (!codecs) return null;
    if (!same(genomeFromJSON(genomeToJSON(child)), child)) return 'JSON changes it';
    if (!same(genomeFromMsgpack(genomeToMsgpack(child)), child)) return 'msgpack changes it';
    // The packed layout has no IO coding (the engine never sees it): the pool sends it beside.
    const unpacked = unpack(pack(child), child).genome;
    if (!same(child.coding === undefined ? unpacked : { ...unpacked, coding: child.coding }, child)) return 'pack/unpack changes it';
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
