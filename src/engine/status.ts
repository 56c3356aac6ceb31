// Mirror of assembly/status.ts, with the message for each code.

export const OK = 0;
export const NON_FINITE = 1;
export const NOT_LOADED = 2;
export const BAD_MAGIC = 3;
export const BAD_VERSION = 4;
export const BAD_HEADER = 5; // a count or cap out of range; statusField() names the header word
export const BAD_IN_SLOT = 6;
export const BAD_NODE = 7;
export const BAD_EDGE = 8;
export const BAD_EFFECT = 9;
export const DUPLICATE_KEY = 10;
export const CYCLE = 11; // a delay-0 cycle; statusDetail() is the key of a node on it
export const BAD_LANES = 12;
export const BAD_GROUPS = 13;
export const OUT_OF_MEMORY = 14;
export const BAD_ARGUMENT = 15;
export const BAD_SLOTS = 16; // input/output nodes do not cover each slot exactly once
export const WORK_LIMIT = 17; // the work since load passed setWorkLimit's limit in tick statusTick()
export const STATUS_COUNT = 18;

/** What each status means, indexed by code. */
export const STATUS_MESSAGES: readonly string[] = [
  'ok',
  'a node produced a non-finite value',
  'no graph is loaded',
  'the packed genome does not start with the l2l magic word',
  'the packed genome has another layout version',
  'a header count or cap is out of range',
  'an input slot width is not lane or scalar',
  'a node record is invalid',
  'an edge record is invalid',
  'an effect record is invalid',
  'a key is used twice',
  'the delay-0 edges close a cycle',
  'the lane count is out of range',
  'the lane groups are invalid',
  'the engine ran out of memory',
  'an argument is out of range',
  'input or output slots are not each held by exactly one node',
  'the work since load passed the work limit',
];
