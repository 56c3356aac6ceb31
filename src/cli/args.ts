// Command-line flags: a small parser that knows each command's flags, and readers that check a
// flag's value. Every error names the flag and the rule, and the CLI exits with code 2 on them.

import { InputError, rules } from '../util/errors.ts';
import type { Hyper } from '../seeds/types.ts';

/** Each flag a command takes: 'value' flags take the next argument (or --flag=value), 'switch' ones none. */
export type FlagSpec = Record<string, 'value' | 'switch'>;

export interface Parsed {
  positionals: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

export function parseArgs(command: string, argv: readonly string[], spec: FlagSpec): Parsed {
  const parsed: Parsed = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const kind = spec[name];
    if (kind === undefined) {
      const known = Object.keys(spec).map((f) => `--${f}`);
      throw new InputError(`--${name}`, `is not a flag of ${command}${known.length > 0 ? ` (it takes ${known.join(', ')})` : ' (it takes none)'}`);
    }
    if (parsed.values.has(name) || parsed.switches.has(name)) throw new InputError(`--${name}`, 'must be given at most once');
    if (kind === 'switch') {
      if (eq >= 0) throw new InputError(`--${name}`, 'takes no value', arg.slice(eq + 1));
      parsed.switches.add(name);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new InputError(`--${name}`, 'needs a value');
    parsed.values.set(name, value);
  }
  return parsed;
}

/** The one positional argument a command takes, named `what` in errors. */
export function onePositional(command: string, parsed: Parsed, what: string): string {
  const [first, ...extra] = parsed.positionals;
  if (first === undefined) throw new InputError(what, `is required: l2l ${command} <${what}> ...`);
  if (extra.length > 0) throw new InputError(command, `takes one ${what}`, extra.join(' '));
  return first;
}

/** An integer flag in [lo, hi], or the fallback when absent. */
export function intFlag(parsed: Parsed, name: string, lo: number, hi: number, fallback: number): number {
  const text = parsed.values.get(name);
  if (text === undefined) return fallback;
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new InputError(`--${name}`, rules.range(lo, hi), text);
  return n;
}

/** A flag whose value is one of `names`, or the fallback when absent (required when none). */
export function choiceFlag<T extends string>(parsed: Parsed, name: string, names: readonly T[], fallback?: T): T {
  const text = parsed.values.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new InputError(`--${name}`, `is required (${names.join(', ')})`);
    return fallback;
  }
  if (!(names as readonly string[]).includes(text)) throw new InputError(`--${name}`, rules.oneOf(names), text);
  return text as T;
}

/** --hyper name=value[,name=value...]: hyperparameter overrides for a seed. */
export function hyperFlag(parsed: Parsed): Partial<Hyper> {
  const text = parsed.values.get('hyper');
  if (text === undefined) return {};
  const hyper: Partial<Hyper> = {};
  for (const pair of text.split(',')) {
    const [name, value, ...rest] = pair.split('=');
    const n = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
    if (name === undefined || name.trim() === '' || rest.length > 0 || !Number.isFinite(n)) {
      throw new InputError('--hyper', 'must be name=value pairs separated by commas, each value a finite number', text);
    }
    hyper[name.trim()] = n;
  }
  return hyper;
}
