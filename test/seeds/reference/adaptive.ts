// The reference rule of every adaptive seed, by seed name: a function of the seed's full set of
// hyperparameters (its defaults with any overrides) giving a fresh rule with its own state.

import type { ReferenceRule } from '../harness.ts';
import { adamReference, lambReference, qhadamReference, radamReference } from './adam-family.ts';
import { adafactorReference } from './factored.ts';
import { get, type Hyper } from './lanes.ts';
import { lookaheadReference, rmspropReference } from './lookahead.ts';
import { adabeliefReference, adahessianReference, adanormReference, adanReference, yogiReference } from './moment-variants.ts';

export const ADAPTIVE_REFERENCES: Readonly<Record<string, (h: Hyper) => ReferenceRule>> = {
  adam: adamReference,
  adamw: adamReference,
  radam: radamReference,
  qhadam: qhadamReference,
  yogi: yogiReference,
  adabelief: adabeliefReference,
  adanorm: adanormReference,
  adan: adanReference,
  lamb: lambReference,
  adafactor: adafactorReference,
  adahessian: adahessianReference,
  'lookahead-adam': (h) => lookaheadReference(adamReference(h), get(h, 'k'), get(h, 'alpha')),
  'lookahead-rmsprop': (h) => lookaheadReference(rmspropReference(h), get(h, 'k'), get(h, 'alpha')),
};
