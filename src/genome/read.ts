// Small typed readers for untrusted JSON: each returns the value or throws an InputError naming the
// field's path and the rule. Absent optional fields take the given default.

import { InputError, rules } from '../util/errors.ts';

export type Obj = Record<string, unknown>;

export function object(value: unknown, field: string, keys: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(field, rules.object, value);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new InputError(join(field, key), rules.unknownKey);
  }
  return value as Obj;
}

export function array(value: unknown, field: string, fallback?: unknown[]): unknown[] {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!Array.isArray(value)) throw new InputError(field, rules.array, value);
  return value;
}

/** A float32 field: the engine computes in float32, so the genome holds what the engine will see. */
export function finite(value: unknown, field: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(Math.fround(value))) {
    throw new InputError(field, rules.finite, value);
  }
  return Math.fround(value);
}

export function between(value: unknown, field: string, lo: number, hi: number, fallback?: number): number {
  const x = finite(value, field, fallback);
  if (x < lo || x > hi) throw new InputError(field, rules.between(lo, hi), x);
  return x;
}

export function int(value: unknown, field: string, lo: number, hi: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new InputError(field, rules.range(lo, hi), value);
  }
  return value;
}

export function string(value: unknown, field: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string') throw new InputError(field, rules.string, value);
  return value;
}

export function boolean(value: unknown, field: string, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') throw new InputError(field, rules.boolean, value);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, names: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(names as readonly string[]).includes(value)) {
    throw new InputError(field, rules.oneOf(names), value);
  }
  return value as T;
}

export function join(field: string, key: string | number): string {
  if (typeof key === 'number') return `${field}[${key}]`;
  return field === '' ? key : `${field}.${key}`;
}
