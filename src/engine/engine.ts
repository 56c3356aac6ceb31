// The host side of the WebAssembly engine: load a packed graph, write inputs and read outputs through
// views over the engine's memory (no per-tick copies), run ticks, read costs, status and history.
// An instance that traps is thrown away and re-instantiated from the compiled module.

import { pack, unpack } from '../genome/pack.ts';
import type { Genome, LaneGroup } from '../genome/types.ts';
import { ChainCompiler } from './chain.ts';
import { EngineError } from './errors.ts';
import * as L from './layout.ts';
import * as S from './status.ts';
import {
  EVENT_NAMES, MODE_NAMES, NOOP_REASON_NAMES,
  type Costs, type HistoryEntry, type RunOptions, type RunResult,
} from './types.ts';

/** The engine's exports (assembly/index.ts). */
interface Exports {
  memory: WebAssembly.Memory;
  layoutVersion(): number;
  staging(words: number): number;
  load(genomeWords: number, groupCount: number, seedLo: number, seedHi: number, mode: number, tile: number): number;
  lanes(): number;
  modeUsed(): number;
  inputPtr(slot: number): number;
  outputPtr(slot: number): number;
  run(ticks: number): number;
  tickCount(): number;
  costsPtr(): number;
  statusDetail(): number;
  statusField(): number;
  statusTick(): number;
  logPtr(): number;
  logCount(): number;
  logDropped(): number;
  dumpGraph(): number;
  heapBytes(): number;
  setChains(on: number, minLanes: number): void;
  setWorkLimit(limit: number): void;
  taskLayer(index: number, inputs: number, outputs: number, activation: number): number;
  taskPrepare(layers: number, loss: number, features: number, targets: number, trainCount: number,
    validCount: number, batchSize: number, steps: number): number;
  taskPtr(which: number): number;
  taskResult(which: number): number;
  taskGradient(step: number, seedLo: number, seedHi: number, probe: number): number;
  taskTrain(seedLo: number, seedHi: number, probe: number, scale: number, hurdleStep: number, hurdleLimit: number): number;
}

/** A data set as the engine takes it: row-major float32 features and targets. */
export interface TaskData {
  count: number;
  x: Float32Array;
  y: Float32Array;
}

/**
 * A dense model and its data for Engine.train (assembly/task/, docs/task-models.md); activation
 * and loss are the engine's codes (ACT_*, LOSS_* in layout.ts). The loaded genome must have one
 * lane group per weight matrix (outputs x inputs) and per bias (1 x outputs), in layer order.
 */
export interface TaskRequest {
  layers: readonly { inputs: number; outputs: number; activation: number }[];
  loss: number;
  train: TaskData;
  validation: TaskData;
  batchSize: number;
  steps: number;
}

/**
 * How Engine.train runs a prepared task: the task seed, whether to fill the curvature slot, and the
 * step-size scale applied to every update p' - p (default 1: none; docs/evolution.md).
 */
export interface TrainTaskOptions {
  seed: number;
  curvature: boolean;
  scale?: number;
  /** After update `step` (1 to steps - 1), the whole training set's loss must be at most `limit`. */
  hurdle?: { step: number; limit: number };
}

/** What Engine.train reports; `outcome` is an OUTCOME_* code, or 'trapped'. */
export interface TaskRun {
  outcome: number | 'trapped';
  /** Losses after 0 .. stepsRun updates (docs/task-models.md). */
  trainLoss: Float64Array;
  validationLoss: number;
  stepsRun: number;
  /** OUTCOME_NON_FINITE: the step that produced the non-finite value; OUTCOME_WORK_LIMIT: the step whose tick passed the limit. */
  failStep: number;
  /** OUTCOME_ENGINE: the engine's status code; 'trapped': the trap's message. */
  engineStatus: number;
  trapMessage?: string;
  /** The node whose value was not finite, when the engine found it; else -1. */
  nodeKey: number;
  parametersChanged: boolean;
  /** With a hurdle: the whole training set's loss after its update (NaN when the run did not get there). */
  hurdleLoss?: number;
  /** The parameters after the last accepted update. */
  parameters: Float32Array;
}

/** Engine.taskGradient's answer: a minibatch loss, its gradient and, when asked, z and H z. */
export interface TaskGradient {
  loss: number;
  gradient: Float64Array;
  probe?: Float64Array;
  hessianProbe?: Float64Array;
}

export interface EngineOptions {
  /**
   * Compile chains of plain lane nodes to WebAssembly in tiled mode (docs/engine.md, Compiled
   * chains); default true. Results are the same either way; false runs every node through the
   * engine's kernels.
   */
  compile?: boolean;
  /**
   * Compile only when a genome is loaded with at least this many lanes (default 4096): below it a
   * tick is too short for a compiled chain to repay its compilation.
   */
  compileMinLanes?: number;
  /** The most chain shapes this engine compiles (default 256); later shapes run through the kernels. */
  compileMaxShapes?: number;
}

/** loadPacked()'s answer when the engine trapped instead of returning a status (a bug). */
export const TRAPPED = -1;

/** EngineOptions.compileMinLanes' default. */
export const DEFAULT_COMPILE_MIN_LANES = 4096;

let compiled: Promise<WebAssembly.Module> | undefined;

/** A seed in [0, 2^53) as the engine's (seedLo, seedHi). */
function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in [0, 2^53) (got ${seed})`);
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/**
 * Where Engine.create() without a source takes the engine from in this thread, instead of reading
 * wasm-build/engine.wasm with node:fs: a browser worker provides the module it fetched, so that
 * code shared with Node (the pool's worker, the evolution's screen) creates engines unchanged.
 */
export function provideEngineModule(module: Promise<WebAssembly.Module>): void {
  compiled = module;
}

/** Compiles the engine once per process (or thread); a browser passes the module or bytes itself. */
function engineModule(source?: WebAssembly.Module | BufferSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source !== undefined) return WebAssembly.compile(source);
  compiled ??= (async () => {
    const { readFile } = await import('node:fs/promises');
    const url = new URL('../../wasm-build/engine.wasm', import.meta.url);
    const bytes = await readFile(url).catch(() => {
      throw new Error(`the engine is not built: ${url.pathname} is missing; run \`npm run asbuild\``);
    });
    return WebAssembly.compile(bytes);
  })();
  return compiled;
}

export class Engine {
  private exports: Exports;
  private template: Genome | undefined;
  private inSlotWidths: number[] = [];
  private outSlots = 0;

  private chains: ChainCompiler;

  private constructor(private readonly module: WebAssembly.Module, private readonly options: EngineOptions) {
    this.chains = new ChainCompiler(options.compile ?? true, options.compileMaxShapes);
    this.exports = this.instantiate();
  }

  static async create(source?: WebAssembly.Module | BufferSource, options: EngineOptions = {}): Promise<Engine> {
    return new Engine(await engineModule(source), options);
  }

  private instantiate(): Exports {
    // A fresh instance has a fresh memory: chains compiled for the old one are dropped.
    const chains = new ChainCompiler(this.options.compile ?? true, this.options.compileMaxShapes);
    const instance = new WebAssembly.Instance(this.module, {
      env: {
        abort(): never {
          throw new WebAssembly.RuntimeError('engine abort');
        },
        ...chains.imports(),
      },
    });
    const exports = instance.exports as unknown as Exports;
    if (exports.layoutVersion() !== L.LAYOUT_VERSION) {
      throw new Error(`engine layout version ${exports.layoutVersion()} differs from the host's ${L.LAYOUT_VERSION}`);
    }
    chains.memory = exports.memory;
    exports.setChains(this.options.compile === false ? 0 : 1, this.options.compileMinLanes ?? DEFAULT_COMPILE_MIN_LANES);
    this.chains = chains;
    return exports;
  }

  /** Chain shapes compiled by this instance, those that failed (with why), those over the bound. */
  get compiledChains(): { compiled: number; failed: string[]; refused: number } {
    return { compiled: this.chains.compiledCount, failed: [...this.chains.failures], refused: this.chains.refused };
  }

  /** Loads a genome (a valid one: parse it with parseGenome first); throws EngineError if refused. */
  load(genome: Genome, groups: readonly LaneGroup[], options: RunOptions = {}): void {
    const status = this.loadPacked(options.packed ?? pack(genome), groups, options);
    if (status !== S.OK) {
      throw new EngineError(status, this.exports.statusDetail(), this.exports.statusField());
    }
    this.template = genome;
  }

  /** Loads raw packed words as they are (the engine validates them); returns the status, or TRAPPED. */
  loadPacked(words: Int32Array, groups: readonly LaneGroup[], options: RunOptions = {}): number {
    this.template = undefined;
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in [0, 2^53) (got ${seed})`);
    const budget = options.workBudget ?? Number.POSITIVE_INFINITY;
    if (!(budget >= 0)) throw new RangeError(`workBudget must be a non-negative number (got ${budget})`);
    const mode = MODE_NAMES.indexOf(options.mode ?? 'auto');
    const total = words.length + 2 * groups.length;
    const call = (): number => {
      const ptr = this.exports.staging(total);
      if (ptr === 0) return S.OUT_OF_MEMORY;
      const staged = new Int32Array(this.exports.memory.buffer, ptr, total);
      staged.set(words);
      groups.forEach((g, i) => staged.set([g.rows, g.cols], words.length + 2 * i));
      return this.exports.load(words.length, groups.length, seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, mode, options.tile ?? 0);
    };
    const status = this.guard(call);
    if (status === S.OK) {
      this.exports.setWorkLimit(budget);
      const inSlots = words[L.H_IN_SLOTS] ?? 0;
      this.inSlotWidths = Array.from(words.subarray(L.HEADER_WORDS, L.HEADER_WORDS + inSlots));
      this.outSlots = words[L.H_OUT_SLOTS] ?? 0;
    }
    return typeof status === 'number' ? status : TRAPPED;
  }

  get lanes(): number {
    return this.exports.lanes();
  }

  get mode(): (typeof MODE_NAMES)[number] {
    return MODE_NAMES[this.exports.modeUsed()] ?? 'auto';
  }

  /** A live view of an input slot (L lanes, or 1 for a scalar slot). Re-fetch it after run(). */
  input(slot: number): Float32Array {
    const width = this.inSlotWidths[slot];
    if (width === undefined) throw new RangeError(`input slot ${slot} does not exist (the graph has ${this.inSlotWidths.length})`);
    const length = width === L.WIDTH_LANE ? this.lanes : 1;
    return new Float32Array(this.exports.memory.buffer, this.exports.inputPtr(slot), length);
  }

  /** A live view of an output slot's L lanes after the last tick. Re-fetch it after run(). */
  output(slot: number): Float32Array {
    if (slot < 0 || slot >= this.outSlots) throw new RangeError(`output slot ${slot} does not exist (the graph has ${this.outSlots})`);
    return new Float32Array(this.exports.memory.buffer, this.exports.outputPtr(slot), this.lanes);
  }

  run(ticks: number): RunResult {
    if (!Number.isInteger(ticks) || ticks < 0) throw new RangeError(`ticks must be a non-negative integer (got ${ticks})`);
    const status = this.guard(() => this.exports.run(ticks));
    if (typeof status === 'string') return { status: 'trapped', message: status };
    if (status === S.NON_FINITE) {
      return { status: 'non-finite', nodeKey: this.exports.statusDetail(), tick: this.exports.statusTick() };
    }
    if (status === S.WORK_LIMIT) return { status: 'work-limit', tick: this.exports.statusTick() };
    if (status !== S.OK) throw new EngineError(status, this.exports.statusDetail(), this.exports.statusField());
    return { status: 'ok' };
  }

  get tick(): number {
    return this.exports.tickCount();
  }

  costs(): Costs {
    const c = new Float64Array(this.exports.memory.buffer, this.exports.costsPtr(), L.COST_WORDS);
    const at = (i: number): number => c[i] as number;
    const noops = Object.fromEntries(NOOP_REASON_NAMES.map((name, i) => [name, at(L.C_NOOP0 + i)]));
    return {
      nodeLaneEvaluations: at(L.C_NODE_LANE_EVALS),
      edgeLaneTraversals: at(L.C_EDGE_LANE_TRAVERSALS),
      effectApplications: at(L.C_EFFECT_APPLICATIONS),
      effectSearch: at(L.C_EFFECT_SEARCH),
      work: at(L.C_WORK),
      stateBytesPerLane: at(L.C_STATE_BYTES_PER_LANE),
      graphBytes: at(L.C_GRAPH_BYTES),
      ticks: at(L.C_TICKS),
      firedNodeLanes: at(L.C_FIRED_NODE_LANES),
      noops: noops as Costs['noops'],
    };
  }

  /** Structural history since load, oldest first (at most LOG_CAPACITY entries; see logDropped). */
  history(): HistoryEntry[] {
    const count = this.exports.logCount();
    const log = new Int32Array(this.exports.memory.buffer, this.exports.logPtr(), count * L.LOG_WORDS);
    const entries: HistoryEntry[] = [];
    for (let i = 0; i < count; i++) {
      const [tick, event, a, b, c] = log.subarray(i * L.LOG_WORDS, (i + 1) * L.LOG_WORDS) as unknown as number[];
      entries.push({ tick: tick as number, event: EVENT_NAMES[event as number] ?? 'edge-create', a: a as number, b: b as number, c: c as number });
    }
    return entries;
  }

  get historyDropped(): number {
    return this.exports.logDropped();
  }

  /** The graph as the run has left it, with each edge's usage count by key. */
  graph(): { genome: Genome; usage: Map<number, number> } {
    const words = this.exports.dumpGraph();
    const copy = new Int32Array(this.exports.memory.buffer, this.exports.staging(words), words).slice();
    return unpack(copy, this.template);
  }

  heapBytes(): number {
    return this.exports.heapBytes();
  }

  /**
   * Trains the request's model with the loaded genome in one engine call (prepareTask, then
   * trainTask). Throws if the request does not fit the loaded genome.
   */
  train(request: TaskRequest, options: TrainTaskOptions): TaskRun {
    this.prepareTask(request);
    return this.trainTask(options);
  }

  /**
   * Runs the prepared task: seeded init, minibatches and probes, one tick per step
   * (docs/task-models.md). `curvature`: fill the z * (H z) slot. A task trains once per load.
   */
  trainTask(options: TrainTaskOptions): TaskRun {
    const [lo, hi] = seedWords(options.seed);
    const outcome = this.guard(() => this.exports.taskTrain(
      lo, hi, options.curvature ? 1 : 0, options.scale ?? 1, options.hurdle?.step ?? 0, options.hurdle?.limit ?? Number.POSITIVE_INFINITY,
    ));
    if (typeof outcome === 'string') {
      return {
        outcome: 'trapped', trainLoss: new Float64Array(0), validationLoss: Number.NaN, stepsRun: 0, failStep: 0,
        engineStatus: -1, trapMessage: outcome, nodeKey: -1, parametersChanged: false, parameters: new Float32Array(0),
      };
    }
    const result = (i: number): number => this.exports.taskResult(i);
    const stepsRun = result(L.RES_STEPS_RUN);
    return {
      outcome,
      trainLoss: this.taskView(Float64Array, L.PTR_LOSSES, stepsRun + 1).slice(),
      validationLoss: result(L.RES_VALIDATION_LOSS),
      stepsRun,
      failStep: result(L.RES_FAIL_STEP),
      engineStatus: result(L.RES_ENGINE_STATUS),
      nodeKey: result(L.RES_NODE_KEY),
      parametersChanged: result(L.RES_CHANGED) !== 0,
      hurdleLoss: result(L.RES_HURDLE_LOSS),
      parameters: this.taskView(Float32Array, L.PTR_PARAMS, this.lanes).slice(),
    };
  }

  /**
   * Step `step`'s minibatch loss and gradient of the prepared task at `parameters`, with the probe
   * z and H z if `probe`; for tests of the model's derivatives.
   */
  taskGradient(parameters: Float32Array, options: { step: number; seed: number; probe: boolean }): TaskGradient {
    const lanes = this.lanes;
    if (parameters.length !== lanes) throw new RangeError(`parameters must hold ${lanes} values (got ${parameters.length})`);
    const view = this.taskView(Float32Array, L.PTR_PARAMS, lanes);
    if (view.byteOffset === 0) throw new Error('no task is prepared: call prepareTask after load');
    view.set(parameters);
    const [lo, hi] = seedWords(options.seed);
    const loss = this.exports.taskGradient(options.step, lo, hi, options.probe ? 1 : 0);
    const answer: TaskGradient = { loss, gradient: this.taskView(Float64Array, L.PTR_GRAD, lanes).slice() };
    if (options.probe) {
      answer.probe = this.taskView(Float64Array, L.PTR_PROBE, lanes).slice();
      answer.hessianProbe = this.taskView(Float64Array, L.PTR_HV, lanes).slice();
    }
    return answer;
  }

  /** Stages a model and its data on the loaded genome; throws if they do not fit it. */
  prepareTask(request: TaskRequest): void {
    const layers = request.layers;
    layers.forEach((layer, i) => {
      if (this.exports.taskLayer(i, layer.inputs, layer.outputs, layer.activation) !== S.OK) {
        throw new RangeError(`layers[${i}] is out of the engine's range (${JSON.stringify(layer)})`);
      }
    });
    const first = layers[0];
    const last = layers[layers.length - 1];
    for (const [name, data] of [['train', request.train], ['validation', request.validation]] as const) {
      if (data.x.length !== data.count * (first?.inputs ?? 0) || data.y.length !== data.count * (last?.outputs ?? 0)) {
        throw new RangeError(`${name}: x and y must hold count rows of the first layer's inputs and the last layer's outputs`);
      }
    }
    const status = this.exports.taskPrepare(layers.length, request.loss, first?.inputs ?? 0, last?.outputs ?? 0,
      request.train.count, request.validation.count, request.batchSize, request.steps);
    if (status !== S.OK) {
      throw new RangeError(`the engine refused the task: ${S.STATUS_MESSAGES[status] ?? `status ${status}`}` +
        (status === S.BAD_ARGUMENT ? ' (the model must match the loaded genome\'s lane groups and optimizer slots)' : ''));
    }
    this.taskView(Float32Array, L.PTR_TRAIN_X, request.train.x.length).set(request.train.x);
    this.taskView(Float32Array, L.PTR_TRAIN_Y, request.train.y.length).set(request.train.y);
    this.taskView(Float32Array, L.PTR_VALID_X, request.validation.x.length).set(request.validation.x);
    this.taskView(Float32Array, L.PTR_VALID_Y, request.validation.y.length).set(request.validation.y);
  }

  private taskView<T extends Float32Array | Float64Array>(
    kind: { new (buffer: ArrayBuffer, offset: number, length: number): T }, which: number, length: number,
  ): T {
    return new kind(this.exports.memory.buffer, this.exports.taskPtr(which), length);
  }

  /** Runs an engine call; a trap discards the instance and comes back as its message. */
  private guard(call: () => number): number | string {
    try {
      return call();
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      this.exports = this.instantiate();
      this.template = undefined;
      this.inSlotWidths = [];
      this.outSlots = 0;
      return error.message;
    }
  }
}
