// Status codes. The engine returns these for every condition it can meet; it never traps on bad
// input. After a load error, statusDetail() is the record index (node, edge or effect) and
// statusField() the word within that record; after NON_FINITE, statusDetail() is the key of the node
// that produced the value and statusTick() the tick. src/engine/status.ts mirrors this list.

export const OK: i32 = 0;
export const NON_FINITE: i32 = 1;
export const NOT_LOADED: i32 = 2;
export const BAD_MAGIC: i32 = 3;
export const BAD_VERSION: i32 = 4;
export const BAD_HEADER: i32 = 5; // a count or cap out of range; statusField() names the header word
export const BAD_IN_SLOT: i32 = 6;
export const BAD_NODE: i32 = 7;
export const BAD_EDGE: i32 = 8;
export const BAD_EFFECT: i32 = 9;
export const DUPLICATE_KEY: i32 = 10;
export const CYCLE: i32 = 11; // a delay-0 cycle; statusDetail() is the key of a node on it
export const BAD_LANES: i32 = 12;
export const BAD_GROUPS: i32 = 13;
export const OUT_OF_MEMORY: i32 = 14;
export const BAD_ARGUMENT: i32 = 15;
export const BAD_SLOTS: i32 = 16; // input/output nodes do not cover each slot exactly once
export const WORK_LIMIT: i32 = 17; // the work since load passed setWorkLimit's limit in tick statusTick()
export const STATUS_COUNT: i32 = 18;
