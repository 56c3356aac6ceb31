// The structural history (docs/engine.md, Structural history): LOG_WORDS i32 per entry, the first
// LOG_CAPACITY entries since load kept in order and later ones counted as dropped.
//
//   logPtr(): | tick event a b c | tick event a b c | ...   (logCount() entries)

import { LOG_WORDS, LOG_CAPACITY } from './layout';

export const logBase = memory.data(LOG_WORDS * LOG_CAPACITY * 4, 16);
export let logCount: i32 = 0;
export let logDropped: i32 = 0;

export function logReset(): void {
  logCount = 0;
  logDropped = 0;
}

export function logEvent(t: i32, event: i32, a: i32, b: i32, c: i32): void {
  if (logCount >= LOG_CAPACITY) {
    logDropped++;
    return;
  }
  const p = logBase + <usize>(logCount * LOG_WORDS) * 4;
  store<i32>(p, t);
  store<i32>(p, event, 4);
  store<i32>(p, a, 8);
  store<i32>(p, b, 12);
  store<i32>(p, c, 16);
  logCount++;
}
