/**
 * The interface between task models (src/tasks/train.ts, assembly/task/) and the task registry,
 * metrics and evaluation. See docs/task-models.md.
 */

export type Activation = 'identity' | 'sin' | 'tanh' | 'relu';
export interface Layer { inputs: number; outputs: number; activation: Activation } // y = act(W x + b)
export interface ModelSpec { layers: Layer[]; loss: 'mse' | 'softmax-cross-entropy' }
export interface Dataset { count: number; features: number; targets: number; x: Float32Array; y: Float32Array } // row-major; classification y one-hot
export interface TrainOptions {
  steps: number;
  batchSize: number;
  seed: number;           // the episode seed
  packed?: Int32Array;    // pack(genome), when the caller has it (the pool's workers): not packed again
  workBudget?: number;    // the engine's work units the whole run may use (docs/tasks.md, Work budget); default: no limit
  scale?: number;         // the step-size scale: every update p' - p is multiplied by it (docs/evolution.md); default 1
  hurdle?: Hurdle;        // stop early when the loss at a fraction of the steps is far above the seeds' (docs/evolution.md)
}
/** A hurdle: after update `step`, a training loss above `limit` ends the run (status `hurdle`). */
export interface Hurdle { step: number; limit: number }
export type TrainStatus =
  | { status: 'ok' }
  | { status: 'non_finite'; step: number; nodeKey?: number } // nodeKey: the genome node whose value was not finite
  | { status: 'over_budget'; step: number; work: number; budget: number } // step: the update whose tick took the work (since load) past the budget
  | { status: 'engine_error'; code: string }
  | { status: 'hurdle'; step: number; loss: number }; // the loss after update `step` was above the hurdle's limit
export interface TrainResult {
  trainLoss: Float64Array;   // steps + 1 values: at init, before each update, after the last (like optimize())
  validationLoss: number;    // after the last step (NaN if not finished)
  parametersChanged: boolean; // whether any parameter moved during the first steps (for `inactive`)
  stepsRun: number;
  outcome: TrainStatus;
  workPerStepPerParameter: number; // the engine's work units per step per parameter (costs().work / steps / L), plus CURVATURE_WORK for a genome that reads the curvature slot
  stateBytesPerParameter: number;  // stateBytesPerParameter(genome) (src/genome/state.ts): the one count of optimizer state
  parameters?: Float32Array;      // the model's parameters after the last accepted update (lane order)
  hurdleLoss?: number;            // model tasks with a hurdle: the whole training split's loss after the hurdle's update (trainLoss holds a minibatch's there)
}
