// Training a task model with the loaded optimizer genome, all inside the engine (docs/task-models.md).
// The host stages the model and the data once (prepareTask, then writes the data through taskPtr),
// and one call (trainTask) runs the whole episode: per step a minibatch, its loss and gradient (and
// the curvature probe when the genome reads it), the optimizer slots written straight into the
// engine's input buffers, one engine tick (runTicks, as run(1) does), the new parameters copied back.
//
// Random streams, all hashes of one task seed (rng.ts), apart from the engine's own by a salt:
//   init   hash(s, STREAM_INIT, 0, lane, 0)   Glorot-uniform weights (Glorot & Bengio 2010)
//   batch  hash(s, STREAM_BATCH, t, j, 0)     row j of step t's minibatch, drawn with replacement
//   probe  hash(s, STREAM_PROBE, t, lane, 0)  the Rademacher probe z of step t
//
// Memory: every buffer comes from the arena behind the loaded graph, so a load frees it.
//
//   | graph tables (load) | data: train x, y, valid x, y | model buffers (model.ts) | losses f64 | index |

import { OK, NON_FINITE, NOT_LOADED, BAD_ARGUMENT, OUT_OF_MEMORY, WORK_LIMIT } from '../status';
import { L, G, gRows, gCols, i32At, inSlots, outSlots, inBuf, outBuf, inWidth, ptrAt, statusDetail } from '../tables';
import {
  WIDTH_LANE, WIDTH_SCALAR, LOSS_COUNT, MAX_LAYERS, OUTCOME_OK, OUTCOME_NON_FINITE, OUTCOME_ENGINE, OUTCOME_WORK_LIMIT, OUTCOME_HURDLE, PTR_TRAIN_X,
  PTR_TRAIN_Y, PTR_VALID_X, PTR_VALID_Y, PTR_PARAMS, PTR_GRAD, PTR_HV, PTR_PROBE, PTR_LOSSES, RES_STEPS_RUN,
  RES_FAIL_STEP, RES_ENGINE_STATUS, RES_NODE_KEY, RES_CHANGED, RES_VALIDATION_LOSS, RES_HURDLE_LOSS, RES_COUNT,
} from '../layout';
import { alloc } from '../memory';
import { loaded, runTicks } from '../tick';
import { hash, seedHash } from '../rng';
import {
  setLayer, laneCount, allocModel, gather, forward, lossRows, backward, inputsOf,
  outputsOf, weightsAt, biasAt, rows, params, theta, grad, hv, dir,
} from './model';

const STREAM_INIT: u32 = 1;
const STREAM_BATCH: u32 = 2;
const STREAM_PROBE: u32 = 3;
const TASK_SALT: u32 = 0x3c6ef372;
// The parameters count as changed if some update among the first CHANGE_WINDOW moves one of them.
const CHANGE_WINDOW: i32 = 10;
// Rows of a full-set chunk when the batch is smaller, so that the full-set losses loop over few
// chunks.
const CHUNK: i32 = 256;
// The engine's optimizer slots (src/optimizer/role.ts).
const SLOT_GRADIENT = 0;
const SLOT_PARAMETER = 1;
const SLOT_LOSS = 2;
const SLOT_PREVIOUS = 3;
const SLOT_STEP = 4;
const SLOT_CURVATURE = 5;

let prepared = false;
let trainCount = 0;
let validCount = 0;
let batch = 0;
let stepsWanted = 0;
let trainX: usize = 0;
let trainY: usize = 0;
let validX: usize = 0;
let validY: usize = 0;
let losses: usize = 0;
let index: usize = 0;
let taskSeed: u32 = 0;
const results = memory.data(8 * RES_COUNT);

/** A load throws the task away with the arena it lived in. */
export function forgetTask(): void {
  prepared = false;
}

export function defineLayer(l: i32, inputs: i32, outputs: i32, activation: i32): i32 {
  return setLayer(l, inputs, outputs, activation) ? OK : BAD_ARGUMENT;
}

@inline function slotIs(slot: i32, width: i32): bool {
  return slot < inSlots && i32At(inWidth, slot) == width;
}

/** Checks the layers defined so far against the loaded graph's lanes and groups; allocates. */
export function prepareTask(
  count: i32, loss: i32, nFeatures: i32, nTargets: i32, nTrain: i32, nValid: i32, batchSize: i32, steps: i32,
): i32 {
  prepared = false;
  if (!loaded) return NOT_LOADED;
  if (count < 1 || count > MAX_LAYERS || loss < 0 || loss >= LOSS_COUNT || nTrain < 1 || nValid < 1 ||
    batchSize < 1 || batchSize > nTrain || steps < 0 || steps >= 0x7fffffff) return BAD_ARGUMENT;
  if (inputsOf(0) != nFeatures || outputsOf(count - 1) != nTargets || laneCount(count) != <i64>L) return BAD_ARGUMENT;
  if (G != 2 * count) return BAD_ARGUMENT;
  for (let l = 0; l < count; l++) {
    if (i32At(gRows, 2 * l) != outputsOf(l) || i32At(gCols, 2 * l) != inputsOf(l)) return BAD_ARGUMENT;
    if (i32At(gRows, 2 * l + 1) != 1 || i32At(gCols, 2 * l + 1) != outputsOf(l)) return BAD_ARGUMENT;
  }
  if (inSlots != 6 || outSlots != 1 || !slotIs(SLOT_GRADIENT, WIDTH_LANE) || !slotIs(SLOT_PARAMETER, WIDTH_LANE) ||
    !slotIs(SLOT_LOSS, WIDTH_SCALAR) || !slotIs(SLOT_PREVIOUS, WIDTH_SCALAR) || !slotIs(SLOT_STEP, WIDTH_SCALAR) ||
    !slotIs(SLOT_CURVATURE, WIDTH_LANE)) return BAD_ARGUMENT;
  trainCount = nTrain;
  validCount = nValid;
  batch = batchSize;
  stepsWanted = steps;
  trainX = alloc(<u64>nTrain * <u64>nFeatures * 4);
  trainY = alloc(<u64>nTrain * <u64>nTargets * 4);
  validX = alloc(<u64>nValid * <u64>nFeatures * 4);
  validY = alloc(<u64>nValid * <u64>nTargets * 4);
  const rowCount = max(batchSize, min(max(nTrain, nValid), CHUNK));
  losses = alloc((<u64>steps + 1) * 8);
  index = alloc(<u64>rowCount * 4);
  if (trainX == 0 || trainY == 0 || validX == 0 || validY == 0 || losses == 0 || index == 0 ||
    !allocModel(count, loss, rowCount)) return OUT_OF_MEMORY;
  prepared = true;
  return OK;
}

export function taskPtr(which: i32): usize {
  if (!prepared) return 0;
  switch (which) {
    case PTR_TRAIN_X: return trainX;
    case PTR_TRAIN_Y: return trainY;
    case PTR_VALID_X: return validX;
    case PTR_VALID_Y: return validY;
    case PTR_PARAMS: return theta;
    case PTR_GRAD: return grad;
    case PTR_HV: return hv;
    case PTR_PROBE: return dir;
    case PTR_LOSSES: return losses;
    default: return 0;
  }
}

export function taskResult(which: i32): f64 {
  return which >= 0 && which < RES_COUNT ? load<f64>(results + (<usize>which << 3)) : NaN;
}

@inline function setResult(which: i32, v: f64): void {
  store<f64>(results + (<usize>which << 3), v);
}

@inline function u01(h: u32): f64 {
  return <f64>h * 2.3283064365386963e-10; // 2^-32
}

/** Glorot-uniform weights U(-a, a), a = sqrt(6 / (fan_in + fan_out)); biases 0. */
function initParams(layerCount: i32): void {
  memory.fill(theta, 0, <usize>params << 2);
  for (let l = 0; l < layerCount; l++) {
    const a = Math.sqrt(6.0 / <f64>(inputsOf(l) + outputsOf(l)));
    const end = biasAt(l);
    for (let i = weightsAt(l); i < end; i++) {
      const u = u01(hash(taskSeed, STREAM_INIT, 0, <u32>i, 0));
      store<f32>(theta + (<usize>i << 2), <f32>((2 * u - 1) * a));
    }
  }
}

/** Step t's minibatch rows into `index`: all rows in order for a full batch, else drawn. */
function drawBatch(t: i32): void {
  for (let j = 0; j < batch; j++) {
    // Lemire's multiply-shift maps a 32-bit draw onto [0, count) without a division.
    const row = batch == trainCount ? j : <i32>((<u64>hash(taskSeed, STREAM_BATCH, <u32>t, <u32>j, 0) * <u64>trainCount) >> 32);
    store<i32>(index + (<usize>j << 2), row);
  }
}

/** The Rademacher probe of step t into `dir`. */
function drawProbe(t: i32): void {
  for (let i = 0; i < params; i++) {
    store<f64>(dir + (<usize>i << 3), (hash(taskSeed, STREAM_PROBE, <u32>t, <u32>i, 0) >>> 31) != 0 ? 1.0 : -1.0);
  }
}

/** The mean loss over a whole data set, in chunks of the buffers' rows. */
function setLoss(x: usize, y: usize, count: i32): f64 {
  let total: f64 = 0;
  for (let start = 0; start < count; start += rows) {
    const n = min(rows, count - start);
    for (let r = 0; r < n; r++) store<i32>(index + (<usize>r << 2), start + r);
    gather(x, index, n);
    forward(n, false);
    total += lossRows(y, index, n, false, false);
  }
  return total / <f64>count;
}

/** Step t's minibatch loss and gradient (and with `probe` z and H z) at the current parameters. */
function batchLoss(t: i32, probe: bool): f64 {
  drawBatch(t);
  if (probe) drawProbe(t);
  gather(trainX, index, batch);
  forward(batch, probe);
  const loss = lossRows(trainY, index, batch, true, probe) / <f64>batch;
  backward(batch, probe);
  return loss;
}

/** For tests: step t's minibatch loss, gradient and probe at the parameters the host wrote. */
export function taskGradient(t: i32, seedLo: u32, seedHi: u32, probe: i32): f64 {
  if (!prepared) return NaN;
  taskSeed = seedHash(seedLo ^ TASK_SALT, seedHi);
  return batchLoss(t, probe != 0);
}

@inline function isFiniteF32(v: f32): bool {
  return v - v == 0;
}

function stop(outcome: i32, step: i32): i32 {
  setResult(RES_STEPS_RUN, step - 1);
  setResult(RES_FAIL_STEP, step);
  return outcome;
}

/** Rounds `n` f64 values to f32 into `dst`; false if one is not finite as f32. */
function toF32(src: usize, dst: usize, n: i32, scale: usize): bool {
  let ok = true;
  for (let i = 0; i < n; i++) {
    let v = load<f64>(src + (<usize>i << 3));
    if (scale != 0) v *= load<f64>(scale + (<usize>i << 3));
    const f = <f32>v;
    ok = ok && isFiniteF32(f);
    store<f32>(dst + (<usize>i << 2), f);
  }
  return ok;
}

/**
 * Trains the prepared model for the prepared number of steps; returns an OUTCOME and leaves the
 * details in taskResult: steps run, the failing step (non-finite: the step whose loss, gradient,
 * curvature, tick or new parameters were not finite; steps + 1 for the final losses; work limit:
 * the step whose tick took the work since load past the limit set with setWorkLimit), the engine
 * status, the node key of a non-finite engine value, whether the parameters moved, and the
 * validation loss. losses[i] is the loss after i updates: the full training set's at i = 0 and
 * i = steps, step i + 1's minibatch loss in between. `scale` multiplies every update p' - p (1:
 * the genome's output as it is). A hurdle (hurdleStep from 1 to steps - 1; 0: none): after update
 * hurdleStep the whole training set's loss must be at most hurdleLimit, or the run ends there with
 * OUTCOME_HURDLE (that loss in RES_HURDLE_LOSS).
 */
export function trainTask(seedLo: u32, seedHi: u32, probe: i32, scale: f32, hurdleStep: i32, hurdleLimit: f64): i32 {
  for (let i = 0; i < RES_COUNT; i++) setResult(i, 0);
  setResult(RES_VALIDATION_LOSS, NaN);
  setResult(RES_HURDLE_LOSS, NaN);
  setResult(RES_NODE_KEY, -1);
  if (!loaded || !prepared) {
    setResult(RES_ENGINE_STATUS, loaded ? BAD_ARGUMENT : NOT_LOADED);
    return OUTCOME_ENGINE;
  }
  const steps = stepsWanted;
  const curvature = probe != 0;
  taskSeed = seedHash(seedLo ^ TASK_SALT, seedHi);
  initParams(G >> 1);
  const lanes = <usize>L << 2;
  memory.fill(ptrAt(inBuf, SLOT_CURVATURE), 0, lanes);
  const first = setLoss(trainX, trainY, trainCount);
  store<f64>(losses, first);
  if (!isFiniteF32(<f32>first)) return stop(OUTCOME_NON_FINITE, 1);
  let previous: f32 = 0;
  let changed = false;
  for (let t = 1; t <= steps; t++) {
    const loss64 = batchLoss(t, curvature);
    if (t > 1) store<f64>(losses + (<usize>(t - 1) << 3), loss64);
    const loss = <f32>loss64;
    let ok = isFiniteF32(loss) && toF32(grad, ptrAt(inBuf, SLOT_GRADIENT), params, 0);
    if (curvature) ok = ok && toF32(hv, ptrAt(inBuf, SLOT_CURVATURE), params, dir);
    if (!ok) return stop(OUTCOME_NON_FINITE, t);
    memory.copy(ptrAt(inBuf, SLOT_PARAMETER), theta, lanes);
    store<f32>(ptrAt(inBuf, SLOT_LOSS), loss);
    store<f32>(ptrAt(inBuf, SLOT_PREVIOUS), t == 1 ? loss : previous);
    store<f32>(ptrAt(inBuf, SLOT_STEP), <f32>t);
    const status = runTicks(1);
    if (status == NON_FINITE) {
      setResult(RES_NODE_KEY, statusDetail);
      return stop(OUTCOME_NON_FINITE, t);
    }
    // The work budget (the limit set after load): step t is not accepted, the episode ends here.
    if (status == WORK_LIMIT) return stop(OUTCOME_WORK_LIMIT, t);
    if (status != OK) {
      setResult(RES_ENGINE_STATUS, status);
      return stop(OUTCOME_ENGINE, t);
    }
    const out = ptrAt(outBuf, 0);
    // The step-size scale (docs/evolution.md): theta + scale * (out - theta), in float32; a scale
    // of 1 takes the genome's output as it is.
    const scaled = scale != 1;
    for (let i = 0; i < L; i++) {
      const at = theta + (<usize>i << 2);
      const old = load<f32>(at);
      let v = load<f32>(out + (<usize>i << 2));
      if (!isFiniteF32(v)) return stop(OUTCOME_NON_FINITE, t);
      if (scaled) {
        v = old + scale * (v - old);
        if (!isFiniteF32(v)) return stop(OUTCOME_NON_FINITE, t);
      }
      changed = changed || (t <= CHANGE_WINDOW && v != old);
    }
    setResult(RES_CHANGED, changed ? 1 : 0);
    // Written only once every lane is finite, so a failed step leaves the parameters as they were.
    if (scaled) {
      for (let i = 0; i < L; i++) {
        const at = theta + (<usize>i << 2);
        const old = load<f32>(at);
        store<f32>(at, old + scale * (load<f32>(out + (<usize>i << 2)) - old));
      }
    } else memory.copy(theta, out, lanes);
    previous = loss;
    // The hurdle: the whole training set's loss after update hurdleStep, against the limit.
    if (t == hurdleStep && t < steps) {
      const reached = setLoss(trainX, trainY, trainCount);
      setResult(RES_HURDLE_LOSS, reached);
      if (!(reached <= hurdleLimit)) {
        store<f64>(losses + (<usize>t << 3), reached);
        setResult(RES_STEPS_RUN, t);
        setResult(RES_FAIL_STEP, t);
        return OUTCOME_HURDLE;
      }
    }
  }
  const last = setLoss(trainX, trainY, trainCount);
  store<f64>(losses + (<usize>steps << 3), last);
  if (!isFiniteF32(<f32>last)) return stop(OUTCOME_NON_FINITE, steps + 1);
  const valid = setLoss(validX, validY, validCount);
  if (!isFiniteF32(<f32>valid)) return stop(OUTCOME_NON_FINITE, steps + 1);
  setResult(RES_VALIDATION_LOSS, valid);
  setResult(RES_STEPS_RUN, steps);
  return OUTCOME_OK;
}
