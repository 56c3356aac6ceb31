// The seed library: 26 known optimizers written as genomes (docs/seeds.md), in a fixed order that
// runs from plain gradient descent through adaptive and sign-based methods to the odd ones out.
// The order is part of the interface: seeds are listed, documented and numbered in it.

import { existsSync } from 'node:fs';
import { genomeFromJSON, genomeFromMsgpack } from '../genome/codec.ts';
import type { Genome } from '../genome/types.ts';
import { InputError, rules } from '../util/errors.ts';
import { readInputFile, readInputText } from '../util/files.ts';
import { ADAPTIVE_SEEDS } from './adaptive.ts';
import { CLASSIC_SEEDS } from './classic.ts';
import type { Hyper, Seed } from './types.ts';

export const SEED_NAMES = [
  'sgd', 'momentum', 'nesterov', 'sgdw', 'adagrad', 'adagrad-norm', 'rmsprop', 'rmsprop-norm', 'adam',
  'adamw', 'radam', 'qhadam', 'yogi', 'adabelief', 'lamb', 'adafactor', 'adan', 'adanorm', 'adahessian',
  'lion', 'signsgd', 'lookahead-adam', 'lookahead-rmsprop', 'ftrl', 'rprop', 'irprop-plus',
] as const;

function inOrder(seeds: readonly Seed[]): Seed[] {
  const byName = new Map(seeds.map((s) => [s.name, s]));
  return SEED_NAMES.map((name) => {
    const seed = byName.get(name);
    if (seed === undefined) throw new Error(`seed library: no seed named "${name}"`);
    return seed;
  });
}

/** Every seed, in SEED_NAMES order. */
export const SEEDS: readonly Seed[] = inOrder([...CLASSIC_SEEDS, ...ADAPTIVE_SEEDS]);

/** The seed called `name`; an InputError listing the names otherwise. */
export function seedByName(name: string): Seed {
  const seed = SEEDS.find((s) => s.name === name);
  if (seed === undefined) throw new InputError('seed', rules.oneOf(SEED_NAMES), name);
  return seed;
}

export const SEED_PREFIX = 'seed:';

/**
 * The genome a command-line argument names: `seed:NAME` (built with its defaults, some overridden
 * by `hyper`) or the path of a genome file (JSON, a leading byte order mark allowed; msgpack when
 * the name ends in .msgpack), read bounded: a regular file below MAX_INPUT_BYTES.
 */
export function resolveGenome(arg: string, hyper: Partial<Hyper> = {}): Genome {
  if (arg.startsWith(SEED_PREFIX)) {
    const seed = seedByName(arg.slice(SEED_PREFIX.length));
    const names = Object.keys(seed.defaults);
    // Own keys only: a name such as "__proto__" or "toString" is not a hyperparameter.
    for (const [key, value] of Object.entries(hyper)) {
      const field = `hyperparameter ${JSON.stringify(key)} of ${seed.name}`;
      if (!Object.hasOwn(seed.defaults, key)) throw new InputError(field, rules.oneOf(names));
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(field, rules.finite, value);
    }
    return seed.build(hyper);
  }
  if (Object.keys(hyper).length > 0) {
    throw new InputError('hyperparameters', `apply only to seed:NAME genomes, not to a file`, arg);
  }
  const msgpack = arg.endsWith('.msgpack');
  let content: Buffer | string;
  try {
    content = msgpack ? readInputFile(arg, 'genome') : readInputText(arg, 'genome');
  } catch (error) {
    // A name that is neither a seed nor a file is most often a seed without its prefix.
    if (error instanceof InputError && !existsSync(arg)) throw new InputError('genome', `must be seed:NAME or a genome file: ${error.rule}`);
    throw error;
  }
  return typeof content === 'string' ? genomeFromJSON(content) : genomeFromMsgpack(content);
}
