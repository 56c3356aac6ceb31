// A seed: a known optimizer written as a genome, with where it comes from and its defaults.

import type { Genome } from '../genome/types.ts';

export type Hyper = Record<string, number>;

export interface Seed {
  /** The CLI name, as in `seed:adam`. */
  readonly name: string;
  /** The optimizer's usual name. */
  readonly title: string;
  /** The paper (authors, year, title, venue or arXiv id). */
  readonly paper: string;
  /** The update rule in one or two lines of plain math. */
  readonly rule: string;
  /** Hyperparameters and their defaults (the paper's, or the most common library's). */
  readonly defaults: Readonly<Hyper>;
  /** Where the graph departs from the paper on purpose, and why (tested). */
  readonly deviations?: string;
  /** The genome with the defaults, some of them overridden. */
  build(hyper?: Partial<Hyper>): Genome;
}

/** The defaults with overrides; throws on a name the seed does not have. */
export function withDefaults(seed: string, defaults: Readonly<Hyper>, hyper: Partial<Hyper> = {}): Hyper {
  for (const k of Object.keys(hyper)) {
    if (!(k in defaults)) throw new Error(`${seed} has no hyperparameter "${k}" (it has ${Object.keys(defaults).join(', ')})`);
  }
  const out: Hyper = { ...defaults };
  for (const [k, v] of Object.entries(hyper)) if (v !== undefined) out[k] = v;
  return out;
}
