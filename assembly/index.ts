// The engine's exported ABI (src/engine/engine.ts is the host side). One instance holds one loaded
// graph. Every export returns a status or a value and never traps on bad input.

import { LAYOUT_VERSION, MODE_AUTO, MODE_TILED, MODE_EVENT } from './layout';
import { OK, NOT_LOADED, BAD_ARGUMENT, OUT_OF_MEMORY } from './status';
import {
  stagingPtr, stagingWords, reserveStaging, heapEnd, poolInit, POOL_LANE, POOL_GROUP, POOL_UNIT,
  POOL_LINE,
} from './memory';
import {
  L, G, inSlots, outSlots, inBuf, outBuf, ptrAt, i32At, gRows, gCols, maxRows, maxCols, measureGroups, setStatus,
  statusDetail as detail, statusField as field, statusTick as errTick,
} from './tables';
import { loadGraph } from './load';
import { allocSelect } from './select';
import { allocEffects } from './effects';
import { allocReduce } from './reduce';
import { allocDump, dump } from './dump';
import { allocEvent, clearEvent } from './event';
import { allocStats } from './stats';
import { allocTiled } from './tiled';
export { setChains } from './chain';
import { mode, loaded, tick, setMode, setLoaded, reschedule, runTicks } from './tick';
import { costBase, costsReset } from './costs';
export { setWorkLimit } from './costs';
import { logBase, logCount as entries, logDropped as dropped, logReset } from './log';
import { forgetTask } from './task/train';
// Task models trained inside the engine (assembly/task/, docs/task-models.md).
export { defineLayer as taskLayer, prepareTask as taskPrepare, taskPtr, taskResult, taskGradient, trainTask as taskTrain } from './task/train';

// Lanes per tile: a tile's values of a node fill 32 KiB, so a tile's working set stays in L2 and
// each input or state plane is streamed in runs of 8 pages (prefetchers stop at page ends).
const DEFAULT_TILE: i32 = 65536;
const MAX_TILE: i32 = 1 << 16;

export function layoutVersion(): i32 {
  return LAYOUT_VERSION;
}

export function staging(words: i32): usize {
  if (words < 0) return 0;
  if (stagingPtr != 0 && words <= stagingWords) return stagingPtr;
  // Growing the staging area moves the arena behind it: the loaded graph is gone.
  setLoaded(false);
  forgetTask();
  return reserveStaging(words) ? stagingPtr : 0;
}

export function load(genomeWords: i32, groupCount: i32, seedLo: u32, seedHi: u32, requested: i32, tile: i32): i32 {
  setLoaded(false);
  forgetTask();
  clearEvent();
  setStatus(-1, -1, 0);
  costsReset();
  logReset();
  if (requested < MODE_AUTO || requested > MODE_EVENT || tile < 0 || (tile & 3) != 0 || tile > MAX_TILE ||
    genomeWords < 0 || groupCount < 0 || stagingPtr == 0 ||
    <i64>genomeWords + 2 * <i64>groupCount > <i64>stagingWords) return BAD_ARGUMENT;
  const status = loadGraph(genomeWords, groupCount, seedLo, seedHi);
  if (status != OK) return status;
  measureGroups();
  setMode(requested != MODE_AUTO ? requested : L <= 8 ? MODE_EVENT : MODE_TILED);
  poolInit(POOL_LANE, <u64>L * 4 + 16);
  poolInit(POOL_GROUP, <u64>G * 4);
  poolInit(POOL_UNIT, 4);
  poolInit(POOL_LINE, <u64>max(maxRows, maxCols) * 4);
  // A tile never crosses a group, so no tile needs more lanes than the largest group has.
  let largest = 0;
  for (let g = 0; g < G; g++) largest = max(largest, i32At(gRows, g) * i32At(gCols, g));
  const tileLanes = min(tile == 0 ? DEFAULT_TILE : tile, (largest + 3) & ~3);
  if (!allocStats() || !allocSelect() || !allocEffects() || !allocReduce(max(maxRows, maxCols)) || !allocDump() ||
    !(mode == MODE_EVENT ? allocEvent() : allocTiled(tileLanes)) || !reschedule(0)) {
    setStatus(-1, -1, 0);
    return OUT_OF_MEMORY;
  }
  setLoaded(true);
  return OK;
}

export function lanes(): i32 {
  return loaded ? L : 0;
}

export function modeUsed(): i32 {
  return loaded ? mode : MODE_AUTO;
}

export function inputPtr(slot: i32): usize {
  return loaded && slot >= 0 && slot < inSlots ? ptrAt(inBuf, slot) : 0;
}

export function outputPtr(slot: i32): usize {
  return loaded && slot >= 0 && slot < outSlots ? ptrAt(outBuf, slot) : 0;
}

export function run(ticks: i32): i32 {
  if (!loaded) return NOT_LOADED;
  if (ticks < 0) return BAD_ARGUMENT;
  return runTicks(ticks);
}

export function tickCount(): i32 {
  return tick;
}

export function costsPtr(): usize {
  return costBase;
}

export function statusDetail(): i32 {
  return detail;
}

export function statusField(): i32 {
  return field;
}

export function statusTick(): i32 {
  return errTick;
}

export function logPtr(): usize {
  return logBase;
}

export function logCount(): i32 {
  return entries;
}

export function logDropped(): i32 {
  return dropped;
}

export function dumpGraph(): i32 {
  return loaded ? dump() : 0;
}

export function heapBytes(): usize {
  return heapEnd();
}

// Traps on purpose, so the host's recovery (discard the instance, instantiate a new one) can be
// tested against the real engine; nothing else calls it.
export function debugTrap(): void {
  unreachable();
}
