// The adaptive seeds: the Adam family and other optimizers with per-element step sizes, in the
// order of issue 3's list.

import type { Seed } from './types.ts';
import { adam, adamw, lamb, qhadam, radam } from './adam-family.ts';
import { adabelief, adahessian, adan, adanorm, yogi } from './moment-variants.ts';
import { adafactor } from './factored.ts';
import { lookaheadAdam, lookaheadRmsprop } from './lookahead.ts';

export const ADAPTIVE_SEEDS: Seed[] = [
  adam, adamw, radam, qhadam, yogi, adabelief, adanorm, adan, lamb, adafactor, adahessian,
  lookaheadAdam, lookaheadRmsprop,
];
