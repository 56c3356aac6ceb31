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
  setChains(on: number): void;
}

export interface EngineOptions {
  /**
   * Compile chains of plain lane nodes to WebAssembly in tiled mode (docs/engine.md, Compiled
   * chains); default true. Results are the same either way; false runs every node through the
   * engine's kernels.
   */
  compile?: boolean;
}

/** loadPacked()'s answer when the engine trapped instead of returning a status (a bug). */
export const TRAPPED = -1;

let compiled: Promise<WebAssembly.Module> | undefined;

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
    this.chains = new ChainCompiler(options.compile ?? true);
    this.exports = this.instantiate();
  }

  static async create(source?: WebAssembly.Module | BufferSource, options: EngineOptions = {}): Promise<Engine> {
    return new Engine(await engineModule(source), options);
  }

  private instantiate(): Exports {
    // A fresh instance has a fresh memory: chains compiled for the old one are dropped.
    const chains = new ChainCompiler(this.options.compile ?? true);
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
    exports.setChains(this.options.compile === false ? 0 : 1);
    this.chains = chains;
    return exports;
  }

  /** Chain shapes compiled by this instance, and those that failed to compile (with why). */
  get compiledChains(): { compiled: number; failed: string[] } {
    return { compiled: this.chains.compiledCount, failed: [...this.chains.failures] };
  }

  /** Loads a genome (a valid one: parse it with parseGenome first); throws EngineError if refused. */
  load(genome: Genome, groups: readonly LaneGroup[], options: RunOptions = {}): void {
    const status = this.loadPacked(pack(genome), groups, options);
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
