// The packed genome: the one record layout shared by the engine and the host.
// src/engine/layout.ts mirrors every constant here; test/engine/layout.test.ts checks that the two
// agree by parsing this file. Change both, and bump LAYOUT_VERSION, or neither.
//
// A packed genome is a sequence of 32-bit words (i32, with f32 fields stored as their bits):
//
//   word 0                HEADER_WORDS                +IN_SLOTS      +NODES*NODE_WORDS   +EDGES*EDGE_WORDS
//   +---------------------+---------------------------+--------------+-------------------+-----------------+
//   | header (16 words)   | input slot widths (1 each)| node records | edge records      | effect records  |
//   +---------------------+---------------------------+--------------+-------------------+-----------------+
//
//   header: MAGIC VERSION nodeCount edgeCount effectCount inSlots outSlots capNodes capEdges
//           capEffectsPerNode capApplications maxDelay nextKey reserved x3
//
//   node (NODE_WORDS = 20):
//   | key | role | slot | op | policy | emit | refractory | effectStart | effectCount | reserved |
//   | attr0..attr3 (f32) | threshold decay reset probability (f32) | reserved x2 |
//
//   edge (EDGE_WORDS = 8):
//   | key | source (node index) | target (node index) | port | weight (f32) | delay | enabled | reserved |
//
//   effect (EFFECT_WORDS = 16):
//   | kind | enabled | change | amountSource | amountScale (f32) | target | direction | radius |
//   | select | k | a | b | reserved x4 |
//
// Effects are stored node by node: node i owns records effectStart .. effectStart+effectCount-1.

export const MAGIC: i32 = 0x4c324c31; // "L2L1"
export const LAYOUT_VERSION: i32 = 2;

// Hard limits of this build; a genome's own caps must not exceed them.
export const MAX_NODES: i32 = 1024;
export const MAX_EDGES: i32 = 131072;
export const MAX_EFFECTS_PER_NODE: i32 = 16;
export const MAX_APPLICATIONS_PER_TICK: i32 = 4096;
export const MAX_DELAY: i32 = 8;
export const MAX_PORTS: i32 = 3;
export const MAX_IN_SLOTS: i32 = 16;
export const MAX_OUT_SLOTS: i32 = 16;
export const MAX_GROUPS: i32 = 4096;
export const MAX_LANES: i32 = 1 << 24;
export const NUM_ATTRS: i32 = 4;
export const MAX_REFRACTORY: i32 = 255;
// Largest magnitude an effect may leave in a weight, attribute or policy parameter.
export const VALUE_LIMIT: f32 = 1.0e6;

export const HEADER_WORDS: i32 = 16;
export const H_MAGIC: i32 = 0;
export const H_VERSION: i32 = 1;
export const H_NODE_COUNT: i32 = 2;
export const H_EDGE_COUNT: i32 = 3;
export const H_EFFECT_COUNT: i32 = 4;
export const H_IN_SLOTS: i32 = 5;
export const H_OUT_SLOTS: i32 = 6;
export const H_CAP_NODES: i32 = 7;
export const H_CAP_EDGES: i32 = 8;
export const H_CAP_EFFECTS_PER_NODE: i32 = 9;
export const H_CAP_APPLICATIONS: i32 = 10;
export const H_MAX_DELAY: i32 = 11;
export const H_NEXT_KEY: i32 = 12;

export const IN_SLOT_WORDS: i32 = 1; // the slot's width: WIDTH_LANE or WIDTH_SCALAR

export const NODE_WORDS: i32 = 20;
export const N_KEY: i32 = 0;
export const N_ROLE: i32 = 1;
export const N_SLOT: i32 = 2;
export const N_OP: i32 = 3;
export const N_POLICY: i32 = 4;
export const N_EMIT: i32 = 5;
export const N_REFRACTORY: i32 = 6;
export const N_EFFECT_START: i32 = 7;
export const N_EFFECT_COUNT: i32 = 8;
export const N_ATTR0: i32 = 10; // f32 x NUM_ATTRS
export const N_THRESHOLD: i32 = 14; // f32
export const N_DECAY: i32 = 15; // f32
export const N_RESET: i32 = 16; // f32
export const N_PROBABILITY: i32 = 17; // f32

export const EDGE_WORDS: i32 = 8;
export const E_KEY: i32 = 0;
export const E_SOURCE: i32 = 1;
export const E_TARGET: i32 = 2;
export const E_PORT: i32 = 3;
export const E_WEIGHT: i32 = 4; // f32
export const E_DELAY: i32 = 5;
export const E_ENABLED: i32 = 6;

export const EFFECT_WORDS: i32 = 16;
export const F_KIND: i32 = 0;
export const F_ENABLED: i32 = 1;
export const F_CHANGE: i32 = 2;
export const F_AMOUNT_SOURCE: i32 = 3;
export const F_AMOUNT_SCALE: i32 = 4; // f32
export const F_TARGET: i32 = 5;
export const F_DIRECTION: i32 = 6;
export const F_RADIUS: i32 = 7;
export const F_SELECT: i32 = 8;
export const F_K: i32 = 9;
export const F_A: i32 = 10;
export const F_B: i32 = 11;

// Node roles.
export const ROLE_HIDDEN: i32 = 0;
export const ROLE_INPUT: i32 = 1;
export const ROLE_OUTPUT: i32 = 2;

// Value widths: one value per tick, one per lane group, one per lane.
export const WIDTH_SCALAR: i32 = 0;
export const WIDTH_GROUP: i32 = 1;
export const WIDTH_LANE: i32 = 2;

// Ops. x, y, z are the values of ports 0, 1, 2; a0, a1 the node's first attributes; t the tick.
export const OP_IDENTITY: i32 = 0; // x
export const OP_ADD: i32 = 1; // x + y
export const OP_SUB: i32 = 2; // x - y
export const OP_MUL: i32 = 3; // x * y
export const OP_DIV: i32 = 4; // y == 0 ? 0 : x / y
export const OP_NEG: i32 = 5; // -x
export const OP_ABS: i32 = 6; // |x|
export const OP_SIGN: i32 = 7; // -1, 0, 1
export const OP_SQUARE: i32 = 8; // x * x
export const OP_SQRT: i32 = 9; // sqrt(max(x, 0))
export const OP_RSQRT: i32 = 10; // x > 0 ? 1 / sqrt(x) : 0
export const OP_POW: i32 = 11; // |x| ^ y
export const OP_EXP: i32 = 12; // exp(clamp(x, -80, 80))
export const OP_LOG: i32 = 13; // log(max(|x|, 1e-30))
export const OP_TANH: i32 = 14;
export const OP_SIGMOID: i32 = 15;
export const OP_RELU: i32 = 16;
export const OP_MIN: i32 = 17;
export const OP_MAX: i32 = 18;
export const OP_CLAMP: i32 = 19; // min(max(x, a0), a1)
export const OP_GT: i32 = 20; // x > y ? 1 : 0
export const OP_GE: i32 = 21;
export const OP_EQ: i32 = 22;
export const OP_SELECT: i32 = 23; // x != 0 ? y : z
export const OP_EVERY: i32 = 24; // t % max(1, round(a0)) == 0 ? 1 : 0
export const OP_CONST: i32 = 25; // a0
export const OP_RSUM: i32 = 26; // reductions of x over the lanes of a group
export const OP_RMEAN: i32 = 27;
export const OP_RNORM: i32 = 28;
export const OP_RMAXABS: i32 = 29;
export const OP_RRMS: i32 = 30;
export const OP_ROWMEAN: i32 = 31; // mean of x over the lane's row of a 2-D group
export const OP_COLMEAN: i32 = 32; // mean of x over the lane's column of a 2-D group
export const OP_MODULATE: i32 = 33; // x; a modulatory node: its mean output adds to the neuromodulator M
export const OP_COUNT: i32 = 34;

// Firing policies.
export const POLICY_ALWAYS: i32 = 0;
export const POLICY_THRESHOLD: i32 = 1;
export const POLICY_INTEGRATE: i32 = 2;
export const POLICY_RANDOM: i32 = 3;
export const POLICY_COUNT: i32 = 4;

export const EMIT_VALUE: i32 = 0;
export const EMIT_SPIKE: i32 = 1;

// Effect kinds.
export const FX_WEIGHT: i32 = 0;
export const FX_ATTR: i32 = 1;
export const FX_PARAM: i32 = 2;
export const FX_SET_OP: i32 = 3;
export const FX_SET_POLICY: i32 = 4;
export const FX_EFFECT_ENABLE: i32 = 5;
export const FX_EFFECT_DISABLE: i32 = 6;
export const FX_EFFECT_MOVE: i32 = 7;
export const FX_EFFECT_REPLACE: i32 = 8;
export const FX_EDGE_CREATE: i32 = 9;
export const FX_EDGE_DELETE: i32 = 10;
export const FX_EDGE_SPLIT: i32 = 11;
export const FX_NODE_DELETE: i32 = 12;
export const FX_REMAP_INPUT: i32 = 13;
export const FX_REMAP_OUTPUT: i32 = 14;
export const FX_COUNT: i32 = 15;

// Numeric changes: x is the current value, v the amount.
export const CH_ADD: i32 = 0; // x + v
export const CH_SUB: i32 = 1; // x - v
export const CH_MUL: i32 = 2; // x * v
export const CH_DIV: i32 = 3; // x / v (v == 0 is a rule no-op)
export const CH_SET: i32 = 4; // v
export const CH_TANH: i32 = 5; // tanh(x + v)
export const CH_CLIP: i32 = 6; // clamp(x, -|v|, |v|)
export const CH_COUNT: i32 = 7;

// Where an effect's amount comes from; s is the effect's amountScale.
export const AMOUNT_CONST: i32 = 0; // s
export const AMOUNT_ACTIVATION: i32 = 1; // s * (mean activation of the firing lanes)
export const AMOUNT_SOURCE: i32 = 2; // s * (mean output of the target's source node, or of the target node)
export const AMOUNT_PRODUCT: i32 = 3; // s * activation * source
export const AMOUNT_MODULATED: i32 = 4; // s * activation * source * M (the tick's neuromodulator)
export const AMOUNT_COUNT: i32 = 5;

// Effect targets.
export const TARGET_SELF: i32 = 0;
export const TARGET_EDGES: i32 = 1;
export const DIR_OUT: i32 = 0;
export const DIR_IN: i32 = 1;

// Edge-selection policies.
export const SEL_ALL: i32 = 0;
export const SEL_NEWEST: i32 = 1;
export const SEL_OLDEST: i32 = 2;
export const SEL_MOST_USED: i32 = 3;
export const SEL_LEAST_USED: i32 = 4;
export const SEL_MOST_RECENT: i32 = 5;
export const SEL_LEAST_RECENT: i32 = 6;
export const SEL_RANDOM: i32 = 7;
export const SEL_COUNT: i32 = 8;

// Policy parameter indices for FX_PARAM's `a`.
export const PARAM_THRESHOLD: i32 = 0;
export const PARAM_DECAY: i32 = 1;
export const PARAM_RESET: i32 = 2;
export const PARAM_PROBABILITY: i32 = 3;
export const PARAM_REFRACTORY: i32 = 4;
export const PARAM_COUNT: i32 = 5;

// Why an effect application did nothing.
export const NOOP_NO_TARGET: i32 = 0;
export const NOOP_CAP_NODES: i32 = 1;
export const NOOP_CAP_EDGES: i32 = 2;
export const NOOP_CAP_APPLICATIONS: i32 = 3;
export const NOOP_CYCLE: i32 = 4;
export const NOOP_DUPLICATE: i32 = 5;
export const NOOP_RANGE: i32 = 6;
export const NOOP_ROLE: i32 = 7;
export const NOOP_INDEX: i32 = 8;
export const NOOP_REASONS: i32 = 9;

// Cost record: f64 words at costsPtr().
export const C_NODE_LANE_EVALS: i32 = 0;
export const C_EDGE_LANE_TRAVERSALS: i32 = 1;
export const C_EFFECT_APPLICATIONS: i32 = 2;
export const C_WORK: i32 = 3; // the sum of the three above and C_EFFECT_SEARCH
export const C_STATE_BYTES_PER_LANE: i32 = 4;
export const C_GRAPH_BYTES: i32 = 5;
export const C_TICKS: i32 = 6;
export const C_FIRED_NODE_LANES: i32 = 7;
export const C_EFFECT_SEARCH: i32 = 8; // edges examined by effects: selections, edge-create checks, node-delete
export const C_NOOP0: i32 = 9; // NOOP_REASONS counters follow
export const COST_WORDS: i32 = 9 + 9;

// Structural history: LOG_WORDS i32 per entry at logPtr(); at most LOG_CAPACITY entries kept.
export const LOG_WORDS: i32 = 5; // tick, event, a, b, c
export const LOG_CAPACITY: i32 = 4096;
export const EV_EDGE_CREATE: i32 = 0; // a = edge key, b = source key, c = target key
export const EV_EDGE_DELETE: i32 = 1; // a = edge key
export const EV_NODE_CREATE: i32 = 2; // a = node key
export const EV_NODE_DELETE: i32 = 3; // a = node key
export const EV_SET_OP: i32 = 4; // a = node key, b = op
export const EV_SET_POLICY: i32 = 5; // a = node key, b = policy
export const EV_REMAP_INPUT: i32 = 6; // a = node key, b = slot
export const EV_REMAP_OUTPUT: i32 = 7; // a = node key, b = slot
export const EV_EFFECT_LIST: i32 = 8; // a = node key, b = effect kind applied, c = position

// Execution modes for load().
export const MODE_AUTO: i32 = 0;
export const MODE_TILED: i32 = 1;
export const MODE_EVENT: i32 = 2;

// Task models (assembly/task/, docs/task-models.md): activation and loss codes of taskLayer and
// taskPrepare, taskTrain's outcomes, and the selectors of taskPtr and taskResult.
export const ACT_IDENTITY: i32 = 0;
export const ACT_SIN: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_COUNT: i32 = 4;
export const LOSS_MSE: i32 = 0;
export const LOSS_SOFTMAX_CE: i32 = 1;
export const LOSS_COUNT: i32 = 2;
export const MAX_LAYERS: i32 = 16;
export const OUTCOME_OK: i32 = 0;
export const OUTCOME_NON_FINITE: i32 = 1; // taskResult(RES_FAIL_STEP) is the step
export const OUTCOME_ENGINE: i32 = 2; // taskResult(RES_ENGINE_STATUS) is the status
export const OUTCOME_WORK_LIMIT: i32 = 3; // the work passed the limit in step taskResult(RES_FAIL_STEP)
export const OUTCOME_HURDLE: i32 = 4; // the training loss after update taskResult(RES_FAIL_STEP) passed the hurdle: taskResult(RES_HURDLE_LOSS)
export const PTR_TRAIN_X: i32 = 0; // f32, count x features, row-major
export const PTR_TRAIN_Y: i32 = 1; // f32, count x targets
export const PTR_VALID_X: i32 = 2;
export const PTR_VALID_Y: i32 = 3;
export const PTR_PARAMS: i32 = 4; // f32, L lanes
export const PTR_GRAD: i32 = 5; // f64, L
export const PTR_HV: i32 = 6; // f64, L: H z
export const PTR_PROBE: i32 = 7; // f64, L: z
export const PTR_LOSSES: i32 = 8; // f64, steps + 1
export const RES_STEPS_RUN: i32 = 0;
export const RES_FAIL_STEP: i32 = 1;
export const RES_ENGINE_STATUS: i32 = 2;
export const RES_NODE_KEY: i32 = 3;
export const RES_CHANGED: i32 = 4;
export const RES_VALIDATION_LOSS: i32 = 5;
export const RES_HURDLE_LOSS: i32 = 6;
export const RES_COUNT: i32 = 7;
