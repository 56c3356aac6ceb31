// A seed from its description and a build function typed by its own hyperparameter names, so a
// build reads `h.lr` as a number (withDefaults fills every default, and rejects unknown names).

import type { Genome } from '../genome/types.ts';
import { withDefaults, type Hyper, type Seed } from './types.ts';

export interface SeedSpec<K extends string> {
  readonly name: string;
  readonly title: string;
  readonly paper: string;
  readonly rule: string;
  readonly defaults: Readonly<Record<K, number>>;
  readonly deviations?: string;
}

export function defineSeed<K extends string>(spec: SeedSpec<K>, make: (h: Readonly<Record<K, number>>) => Genome): Seed {
  return {
    ...spec,
    build: (hyper?: Partial<Hyper>) => make(withDefaults(spec.name, spec.defaults, hyper) as Record<K, number>),
  };
}
