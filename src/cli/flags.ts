// The command line's flags as commander options, each with its default and range written down
// once: the parser checks them, `--help` and docs/cli.md (doc.ts) show them. A parser throws an
// InputError naming the flag and the rule, which the CLI turns into exit code 2.

import { Option } from 'commander';
import { CONFIG_SCHEMA } from '../evolve/config.ts';
import { InputError, rules } from '../util/errors.ts';
import type { Hyper } from '../seeds/types.ts';

/** What help and docs/cli.md say about a flag besides its description. */
export interface FlagInfo {
  /** The value when the flag is absent, as text ("the task's default"). */
  default?: string;
  /** The values it takes ("1 to 100000"). */
  range?: string;
  /** Whether it may be given more than once (values accumulate). */
  repeatable?: boolean;
}

const INFO = new WeakMap<Option, FlagInfo>();

export function flagInfo(option: Option): FlagInfo {
  return INFO.get(option) ?? {};
}

/** The range of an integer key of the evolution config, from its schema, so a flag and the key agree. */
export function configRange(key: 'seed' | 'generations' | 'population' | 'timeLimitMs'): [number, number] {
  const { minValue, maxValue } = CONFIG_SCHEMA.shape[key];
  if (minValue === null || maxValue === null) throw new Error(`config key ${key} has no range`);
  return [minValue, maxValue];
}

/** The run seed's range, for eval and evolve alike. */
export const SEED_RANGE = configRange('seed');
/** A wall-clock limit in ms, for eval and evolve alike. */
export const TIME_LIMIT_RANGE = configRange('timeLimitMs');

function option(flags: string, description: string, info: FlagInfo): Option {
  const o = new Option(flags, description);
  INFO.set(o, info);
  return o;
}

function nameOf(flags: string): string {
  const long = /--[a-z][a-z0-9-]*/.exec(flags)?.[0];
  if (long === undefined) throw new Error(`flag without a long name: ${flags}`);
  return long;
}

// A flag given twice usually means a typo or a pasted command line; taking the last one silently
// would hide it, so single-valued flags refuse a second value.
function once<T>(name: string, parse: (text: string) => T): (text: string, previous: T | undefined) => T {
  return (text, previous) => {
    if (previous !== undefined) throw new InputError(name, 'must be given at most once', text);
    return parse(text);
  };
}

/** An integer in [lo, hi]. */
export function parseInteger(name: string, text: string, lo: number, hi: number): number {
  const n = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new InputError(name, rules.range(lo, hi), text);
  return n;
}

/** `--name <value>` taking an integer in `range`. */
export function intFlag(flags: string, description: string, range: readonly [number, number], fallback?: number | string): Option {
  const name = nameOf(flags);
  const [lo, hi] = range;
  return option(flags, description, { range: `${lo} to ${hi}`, ...(fallback === undefined ? {} : { default: String(fallback) }) })
    .argParser(once(name, (text) => parseInteger(name, text, lo, hi)));
}

/** `--name <value>` taking one of `names`. */
export function choiceFlag(flags: string, description: string, names: readonly string[], fallback?: string): Option {
  const name = nameOf(flags);
  return option(flags, description, { range: names.join(', '), ...(fallback === undefined ? {} : { default: fallback }) })
    .argParser(once(name, (text) => {
      if (!names.includes(text)) throw new InputError(name, rules.oneOf(names), text);
      return text;
    }));
}

/** `--name <path>` (or any one string). */
export function textFlag(flags: string, description: string, fallback?: string): Option {
  const name = nameOf(flags);
  return option(flags, description, fallback === undefined ? {} : { default: fallback })
    .argParser(once(name, (text) => {
      if (text === '') throw new InputError(name, 'must not be empty', text);
      return text;
    }));
}

/**
 * `--name <url>` taking an http:// or https:// URL with a host and without credentials (a password
 * in a URL ends up in shell history and in the process list; a client takes it from elsewhere).
 */
export function urlFlag(flags: string, description: string, fallback?: string): Option {
  const name = nameOf(flags);
  return option(flags, description, { range: 'an http:// or https:// URL', ...(fallback === undefined ? {} : { default: fallback }) })
    .argParser(once(name, (text) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new InputError(name, 'must be an http:// or https:// URL such as http://127.0.0.1:5000', text);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(name, `must be an http:// or https:// URL (not ${url.protocol})`, text);
      if (url.username !== '' || url.password !== '') throw new InputError(name, 'must not hold credentials: give them in the environment (docs/tracking.md)', `${url.protocol}//...@${url.host}`);
      return url;
    }));
}

/** `--name <value>` with its own parser (which throws an InputError naming the flag), given at most once. */
export function parsedFlag<T>(flags: string, description: string, info: FlagInfo, parse: (text: string) => T): Option {
  return option(flags, description, info).argParser(once(nameOf(flags), parse));
}

/** `--name <a,b>`: repeatable and comma-joined, the values in order. */
export function listFlag(flags: string, description: string, range: string, fallback?: string): Option {
  return option(flags, description, { range, repeatable: true, ...(fallback === undefined ? {} : { default: fallback }) })
    .argParser((text: string, previous: string[] | undefined) => [...(previous ?? []), ...text.split(',').map((t) => t.trim())]);
}

/** A flag without a value. */
export function switchFlag(flags: string, description: string): Option {
  return option(flags, description, { default: 'off' });
}

const HYPER_RULE = 'must be name=value pairs (repeated or separated by commas), each value a finite number';

/**
 * `--hyper name=value[,name=value...]`, repeatable. The map has no prototype, so a name such as
 * `__proto__` is an own key like any other and the seed's check refuses it by name.
 */
export function hyperFlag(flags: string, description: string): Option {
  const name = nameOf(flags);
  return option(flags, description, { range: 'name=value, the seed\'s hyperparameters (l2l seeds)', repeatable: true, default: 'the seed\'s defaults' })
    .argParser((text: string, previous: Hyper | undefined) => {
      const hyper: Hyper = previous ?? (Object.create(null) as Hyper);
      for (const pair of text.split(',')) {
        const [key, value, ...rest] = pair.split('=');
        const n = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
        const k = key?.trim() ?? '';
        if (k === '' || rest.length > 0 || !Number.isFinite(n)) throw new InputError(name, HYPER_RULE, text);
        if (Object.hasOwn(hyper, k)) throw new InputError(name, 'must name each hyperparameter at most once', k);
        hyper[k] = n;
      }
      return hyper;
    });
}

/**
 * A command's one positional argument, named `what` in errors. Commander takes it as optional so
 * that a missing one is an InputError in the house style ("genome is required: ...").
 */
export function positional(value: string | undefined, what: string, usage: string): string {
  if (value === undefined) throw new InputError(what, `is required: ${usage}`);
  return value;
}
