// The packed layout is drawn once in assembly/layout.ts and mirrored in src/engine/layout.ts; this
// reads the AssemblyScript source and checks that every constant has the same value on both sides,
// and that the host's name lists follow the engine's codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as L from '../../src/engine/layout.ts';
import * as S from '../../src/engine/status.ts';
import { NOOP_REASON_NAMES, EVENT_NAMES } from '../../src/engine/types.ts';
import {
  AMOUNT_NAMES, CHANGE_NAMES, DIRECTION_NAMES, EFFECT_KIND_NAMES, EMIT_NAMES, OP_NAMES, POLICY_NAMES,
  ROLE_NAMES, SELECT_NAMES, TARGET_NAMES, WIDTH_NAMES,
} from '../../src/genome/types.ts';

function engineConstants(file: string): Map<string, number> {
  const source = readFileSync(new URL(`../../assembly/${file}`, import.meta.url), 'utf8');
  const constants = new Map<string, number>();
  for (const match of source.matchAll(/^export const (\w+): (?:i32|f32) = ([^;]+);/gm)) {
    const expression = (match[2] as string).replace(/\b[A-Z_][A-Z0-9_]*\b/g, (name) => String(constants.get(name)));
    constants.set(match[1] as string, Number(new Function(`return (${expression});`)()));
  }
  return constants;
}

function mirrorAgrees(file: string, mirror: Record<string, unknown>): void {
  const engine = engineConstants(file);
  expect(engine.size).toBeGreaterThan(10);
  const host = Object.fromEntries(Object.entries(mirror).filter(([, v]) => typeof v === 'number'));
  expect(host).toEqual(Object.fromEntries(engine));
}

/** The codes with a given prefix, in code order, as lower-case names. */
function codes(prefix: string, skip: string[] = []): string[] {
  return Object.entries(L)
    .filter(([name, v]) => name.startsWith(prefix) && typeof v === 'number' && !name.endsWith('_COUNT') && !skip.includes(name))
    .sort(([, a], [, b]) => (a as number) - (b as number))
    .map(([name]) => name.slice(prefix.length).toLowerCase().replace(/_/g, '-'));
}

describe('layout mirror', () => {
  it('src/engine/layout.ts equals assembly/layout.ts', () => mirrorAgrees('layout.ts', L));
  it('src/engine/status.ts equals assembly/status.ts', () => mirrorAgrees('status.ts', S));

  it('the host name lists follow the engine codes', () => {
    expect(codes('OP_')).toEqual([...OP_NAMES]);
    expect(codes('POLICY_')).toEqual([...POLICY_NAMES]);
    expect(codes('ROLE_')).toEqual([...ROLE_NAMES]);
    expect(codes('EMIT_')).toEqual([...EMIT_NAMES]);
    expect(codes('WIDTH_')).toEqual([...WIDTH_NAMES]);
    expect(codes('FX_')).toEqual([...EFFECT_KIND_NAMES]);
    expect(codes('CH_')).toEqual([...CHANGE_NAMES]);
    expect(codes('AMOUNT_')).toEqual([...AMOUNT_NAMES]);
    expect(codes('TARGET_')).toEqual([...TARGET_NAMES]);
    expect(codes('DIR_')).toEqual([...DIRECTION_NAMES]);
    expect(codes('SEL_')).toEqual([...SELECT_NAMES]);
    expect(codes('NOOP_', ['NOOP_REASONS'])).toEqual([...NOOP_REASON_NAMES]);
    expect(codes('EV_')).toEqual([...EVENT_NAMES]);
    expect(L.COST_WORDS).toBe(L.C_NOOP0 + L.NOOP_REASONS);
    expect(codes('OUTCOME_')).toEqual(['ok', 'non-finite', 'engine', 'work-limit', 'hurdle']);
    expect(S.STATUS_MESSAGES).toHaveLength(S.STATUS_COUNT);
    expect(S.STATUS_MESSAGES[S.WORK_LIMIT]).toBe('the work since load passed the work limit');
  });
});
