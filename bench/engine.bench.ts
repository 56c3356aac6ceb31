// The engine benchmark (npm run bench:engine): how close the interpreted graph comes to hand-written
// code, and how it compares with a general tensor library and with the reference interpreter.
//
//   Adam (Kingma & Ba 2015, arXiv:1412.6980) over 1e6 lanes (one 1000 x 1000 group), one update per
//   iteration: (a) the Adam genome in the engine, tiled mode, with its lane nodes compiled to one
//   WebAssembly function (docs/engine.md, Compiled chains) and, for comparison, through the engine's
//   kernels only; (b) the fused, hand-written SIMD kernel
//   (assembly/fused.ts), the practical limit on this machine; (c) the reference interpreter
//   (test/engine/reference/); (d) TensorFlow.js's tf.train.adam on its WebAssembly backend.
//   A LIF network (1000 neurons x 100 synapses) in event mode, L = 1: synaptic events per second.
//
// Before timing, the engine's and the fused kernel's Adam are run side by side for a few steps and
// must agree within 1e-5 relative: a benchmark of wrong math is worthless. Fixed seeds throughout.
// The Adam contenders run in ROUNDS short interleaved rounds (each runs each of them in turn), and
// each one's time is the median over rounds of its median iteration; a ratio is the median over
// rounds of the two contenders' ratio within the round. This machine's load shifts by 20-30% from
// minute to minute, and interleaving exposes every contender to the same shifts.
// Writes bench/results/engine.json. Not part of npm test and never a CI gate.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Bench, type Task } from 'tinybench';
import { Engine } from '../src/engine/engine.ts';
import { ADAM_DEFAULTS, adamGenome } from '../src/examples/adam.ts';
import { lifNetwork, type LifOptions } from '../src/examples/lif.ts';
import type { Genome, LaneGroup } from '../src/genome/types.ts';
import { createRng } from '../src/util/rng.ts';
import { ReferenceEngine } from '../test/engine/reference/interpreter.ts';

const ROWS = 1000;
const COLS = 1000;
const LANES = ROWS * COLS;
const GROUPS: LaneGroup[] = [{ rows: ROWS, cols: COLS }];
const SEED = 20240601;
const CHECK_STEPS = 5;
const CHECK_TOLERANCE = 1e-5;
const LIF: LifOptions = { nodes: 1000, fanIn: 100, seed: 1 };
const LIF_TICKS_PER_ITERATION = 200;
const ROUNDS = 25;
const TARGETS = { interpretedOverFused: 2, tfjsOverInterpreted: 5, referenceOverInterpreted: 20, lifSynapticEventsPerSecond: 1e8 };

const { lr, b1, b2, eps } = ADAM_DEFAULTS;
const root = new URL('../', import.meta.url);

// ---------------------------------------------------------------------------------------------
// Data: one fixed gradient and one initial parameter tensor, shared by every contender.

function uniformArray(n: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

const gradient = uniformArray(LANES, SEED, -1, 1);
const parameter0 = uniformArray(LANES, SEED + 1, -1, 1);

// ---------------------------------------------------------------------------------------------
// The fused kernel.

interface Fused {
  memory: WebAssembly.Memory;
  reserve(n: number): number;
  gPtr(): number;
  pPtr(): number;
  mPtr(): number;
  vPtr(): number;
  adamStep(n: number, step: number, lr: number, b1: number, b2: number, eps: number): void;
  adamStepReciprocal(n: number, step: number, lr: number, b1: number, b2: number, eps: number): void;
}

function fusedKernel(): Fused {
  const bytes = readFileSync(new URL('wasm-build/fused.wasm', root));
  const k = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Fused;
  if (k.reserve(LANES) !== 1) throw new Error('fused kernel: out of memory');
  const view = (ptr: number): Float32Array => new Float32Array(k.memory.buffer, ptr, LANES);
  view(k.gPtr()).set(gradient);
  view(k.pPtr()).set(parameter0);
  return k;
}

function fusedParameters(k: Fused): Float32Array {
  return new Float32Array(k.memory.buffer, k.pPtr(), LANES);
}

// ---------------------------------------------------------------------------------------------
// The engine.

function loadAdam(engine: Engine): void {
  engine.load(adamGenome(), GROUPS, { seed: SEED, mode: 'tiled' });
  if (engine.mode !== 'tiled') throw new Error(`engine: asked for tiled mode, got ${engine.mode}`);
  engine.input(0).set(gradient);
  engine.input(1).set(parameter0);
}

/**
 * Largest relative difference of a from b; throws if over CHECK_TOLERANCE anywhere. A parameter
 * smaller than lr is compared at the scale of lr (about one update): p - lr u cancels there, and an
 * ulp of the terms is no longer small relative to the result.
 */
function compare(what: string, t: number, a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < LANES; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    const error = Math.abs(x - y) / Math.max(Math.abs(y), lr);
    if (!(error <= CHECK_TOLERANCE)) {
      throw new Error(`WRONG MATH: after Adam step ${t}, lane ${i}: ${what} ${x} vs fused ${y} (relative error ${error.toExponential(2)} > ${CHECK_TOLERANCE})`);
    }
    worst = Math.max(worst, error);
  }
  return worst;
}

/**
 * Runs CHECK_STEPS Adam updates with a fresh gradient each step in the fused kernel, its reciprocal
 * variant and (when built) the engine; throws unless they agree within CHECK_TOLERANCE.
 */
function checkAgreement(engine: Engine | undefined): { steps: number; engineMaxRelativeError: number | null; reciprocalMaxRelativeError: number } {
  if (engine !== undefined) loadAdam(engine);
  const k = fusedKernel();
  const fast = fusedKernel();
  const rng = createRng(SEED + 2);
  let engineWorst: number | null = engine === undefined ? null : 0;
  let fastWorst = 0;
  for (let t = 1; t <= CHECK_STEPS; t++) {
    const g = new Float32Array(k.memory.buffer, k.gPtr(), LANES);
    for (let i = 0; i < LANES; i++) g[i] = rng.uniform(-1, 1) * (i % 7 === 0 ? 1e-3 : 1);
    new Float32Array(fast.memory.buffer, fast.gPtr(), LANES).set(g);
    k.adamStep(LANES, t, lr, b1, b2, eps);
    fast.adamStepReciprocal(LANES, t, lr, b1, b2, eps);
    const q = fusedParameters(k);
    fastWorst = Math.max(fastWorst, compare('fused (reciprocal)', t, fusedParameters(fast), q));
    if (engine !== undefined) {
      engine.input(0).set(g);
      engine.input(2)[0] = t;
      const status = engine.run(1);
      if (status.status !== 'ok') throw new Error(`engine: Adam step ${t} ended with ${JSON.stringify(status)}`);
      const p = engine.output(0);
      engineWorst = Math.max(engineWorst ?? 0, compare('engine', t, p, q));
      engine.input(1).set(p);
    }
  }
  return { steps: CHECK_STEPS, engineMaxRelativeError: engineWorst, reciprocalMaxRelativeError: fastWorst };
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js, wasm backend, files from node_modules (nothing downloaded).

async function tfjsSetup(): Promise<{ step(): void; backend: string; simd: boolean; threads: boolean }> {
  setWasmPaths(fileURLToPath(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', root)));
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  const x = tf.variable(tf.tensor2d(parameter0, [ROWS, COLS]), true, 'p');
  const g = tf.tensor2d(gradient, [ROWS, COLS]);
  const optimizer = tf.train.adam(lr, b1, b2, eps);
  const grads = [{ name: x.name, tensor: g }];
  return {
    step(): void {
      optimizer.applyGradients(grads);
      // Wait for the work: read one element back (the wasm backend is synchronous already).
      const one = x.slice([0, 0], [1, 1]);
      one.dataSync();
      one.dispose();
    },
    backend: tf.getBackend(),
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

// ---------------------------------------------------------------------------------------------

function meanMs(task: Task | undefined): number | null {
  const r = task?.result;
  if (r === undefined) return null;
  if (r.state === 'errored') throw r.error;
  return 'latency' in r ? r.latency.mean : null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function fmt(x: number | null, digits = 2): string {
  return x === null ? 'n/a' : x >= 1e5 ? x.toExponential(digits) : x.toFixed(digits);
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  let engineError: string | null = null;
  let adamEngine: Engine | undefined;
  let kernelEngine: Engine | undefined;
  let lifEngine: Engine | undefined;
  try {
    adamEngine = await Engine.create();
    kernelEngine = await Engine.create(undefined, { compile: false });
    lifEngine = await Engine.create();
  } catch (error) {
    engineError = (error as Error).message;
    console.error(`\n*** ENGINE UNAVAILABLE: ${engineError}\n*** Timing only the parts that do not need it.\n`);
  }

  // Correctness first, outside the timing.
  const check = checkAgreement(adamEngine);
  const worst = (x: number | null): string => (x === null ? 'not run' : x.toExponential(2));
  console.log(`check: after ${check.steps} Adam steps on ${LANES} lanes, max relative difference from the fused kernel: engine (tiled) ${worst(check.engineMaxRelativeError)}, reciprocal kernel ${worst(check.reciprocalMaxRelativeError)} (limit ${CHECK_TOLERANCE})`);

  // --- Adam at 1e6 lanes ---
  const bench = new Bench({ name: `Adam, ${LANES} lanes, one update`, time: 60, iterations: 5, warmupTime: 30, warmupIterations: 2 });
  const fused = fusedKernel();
  let fusedStep = 0;
  bench.add('fused kernel (SIMD, hand-written)', () => {
    fused.adamStep(LANES, ++fusedStep, lr, b1, b2, eps);
  });
  const fastFused = fusedKernel();
  let fastStep = 0;
  bench.add('fused kernel, reciprocal corrections', () => {
    fastFused.adamStepReciprocal(LANES, ++fastStep, lr, b1, b2, eps);
  });
  if (adamEngine !== undefined) {
    const engine = adamEngine;
    loadAdam(engine);
    let t = 0;
    bench.add('interpreted graph (engine, tiled)', () => {
      engine.input(2)[0] = ++t;
      engine.run(1);
    });
    bench.add('interpreted graph + parameter write-back', () => {
      engine.input(2)[0] = ++t;
      engine.run(1);
      engine.input(1).set(engine.output(0));
    });
  }
  if (kernelEngine !== undefined) {
    const engine = kernelEngine;
    loadAdam(engine);
    let t = 0;
    bench.add('interpreted graph, kernels only (no compiled chains)', () => {
      engine.input(2)[0] = ++t;
      engine.run(1);
    });
  }
  const tfjs = await tfjsSetup();
  bench.add(`tfjs tf.train.adam (${tfjs.backend}${tfjs.simd ? ', simd' : ''}${tfjs.threads ? ', threads' : ''})`, () => tfjs.step());
  const rounds = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++) {
    bench.reset();
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result?.state === 'errored') throw result.error;
      if (result === undefined || !('latency' in result)) continue;
      rounds.set(task.name, [...(rounds.get(task.name) ?? []), result.latency.p50]);
    }
  }
  const roundsOf = (prefix: string): number[] | undefined => {
    const name = [...rounds.keys()].find((n) => n.startsWith(prefix));
    return name === undefined ? undefined : rounds.get(name);
  };
  /** The median over rounds of a / b within each round: both timed under the same load. */
  const roundRatio = (a: string, b: string): number | null => {
    const xs = roundsOf(a);
    const ys = roundsOf(b);
    if (xs === undefined || ys === undefined || xs.length === 0) return null;
    const r = xs.map((x, i) => x / (ys[i] as number)).sort((p, q) => p - q);
    return r[r.length >> 1] as number;
  };
  const medianMs = (prefix: string): number | null => {
    const name = [...rounds.keys()].find((n) => n.startsWith(prefix));
    const xs = name === undefined ? [] : [...(rounds.get(name) as number[])].sort((a, b) => a - b);
    return xs.length === 0 ? null : (xs[xs.length >> 1] as number);
  };

  // The reference interpreter: slow, so few iterations.
  const slow = new Bench({ name: 'reference', time: 0, iterations: 2, warmup: false });
  let reference: ReferenceEngine | undefined = new ReferenceEngine(adamGenome(), GROUPS, { seed: SEED });
  reference.input(0).set(gradient);
  reference.input(1).set(parameter0);
  let referenceStep = 0;
  slow.add('reference interpreter (TypeScript)', () => {
    const r = reference as ReferenceEngine;
    r.input(2)[0] = ++referenceStep;
    r.run(1);
  });
  await slow.run();
  reference = undefined;

  // --- LIF, event mode, L = 1 ---
  const lifBench = new Bench({ name: 'LIF', time: 2000, iterations: 10, warmupTime: 200, warmupIterations: 2 });
  const lif: Record<string, unknown> = {};
  let lifRate: number | null = null;
  if (lifEngine !== undefined) {
    const engine = lifEngine;
    const tryLoad = (options: LifOptions): Genome | string => {
      const genome = lifNetwork(options);
      try {
        engine.load(genome, [{ rows: 1, cols: 1 }], { seed: SEED, mode: 'event' });
        return genome;
      } catch (error) {
        return `${(error as Error).message} (the genome has ${genome.nodes.length} nodes, ${genome.edges.length} edges)`;
      }
    };
    const measure = async (genome: Genome, label: string): Promise<{ eventsPerSecond: number; firingRate: number; meanMs: number | null; edgesPerTick: number }> => {
      engine.input(0)[0] = 1;
      engine.run(100); // past the onset transient
      let before = engine.costs();
      let traversals = 0;
      let fired = 0;
      let ticks = 0;
      const task = lifBench.add(label, () => {
        engine.run(LIF_TICKS_PER_ITERATION);
      }, {
        beforeAll(mode) {
          if (mode === 'run') before = engine.costs();
        },
        afterAll(mode) {
          if (mode !== 'run') return;
          const after = engine.costs();
          traversals = after.edgeLaneTraversals - before.edgeLaneTraversals;
          fired = after.firedNodeLanes - before.firedNodeLanes;
          ticks = after.ticks - before.ticks;
        },
      }).getTask(label);
      await lifBench.run();
      const r = task?.result;
      if (r === undefined || !('totalTime' in r)) throw new Error(`LIF: no result for ${label}`);
      const neurons = genome.nodes.length - 1;
      return {
        eventsPerSecond: traversals / (r.totalTime / 1000),
        firingRate: fired / (ticks * neurons),
        meanMs: meanMs(task),
        edgesPerTick: traversals / ticks,
      };
    };
    const full = tryLoad(LIF);
    if (typeof full === 'string') throw new Error(`LIF ${LIF.nodes} x ${LIF.fanIn} refused by the engine: ${full}`);
    const m = await measure(full, `LIF ${LIF.nodes} x ${LIF.fanIn} (event, L = 1, ${LIF_TICKS_PER_ITERATION} ticks)`);
    Object.assign(lif, { ...LIF, edges: full.edges.length, ...m });
    lifRate = m.eventsPerSecond;
  }

  // --- Report ---
  console.log(`\n${bench.name}`);
  console.table(bench.table());
  console.table(slow.table());
  if (lifBench.tasks.length > 0) {
    console.log('\nLIF network');
    console.table(lifBench.tasks.length > 0 ? lifBench.table() : []);
  }
  const fusedMs = medianMs('fused kernel (');
  const reciprocalMs = medianMs('fused kernel, reciprocal');
  const interpretedMs = medianMs('interpreted graph (engine, tiled)');
  const writeBackMs = medianMs('interpreted graph +');
  const kernelsMs = medianMs('interpreted graph, kernels only');
  const tfjsMs = medianMs('tfjs');
  const referenceMs = meanMs(slow.tasks[0]);
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`, node: process.version,
      // 1-minute load averages before and after: other work on the machine skews the timings.
      loadAverage: { before: loadBefore[0], after: os.loadavg()[0] },
    },
    lanes: LANES,
    groups: GROUPS,
    interpretedOverFused: roundRatio('interpreted graph (engine, tiled)', 'fused kernel ('),
    tfjsOverInterpreted: roundRatio('tfjs', 'interpreted graph (engine, tiled)'),
    referenceOverInterpreted: ratio(referenceMs, interpretedMs),
    lifSynapticEventsPerSecond: lifRate,
    /** Against the kernel that multiplies by reciprocal bias corrections (rounds differently). */
    interpretedOverFusedReciprocal: roundRatio('interpreted graph (engine, tiled)', 'fused kernel, reciprocal'),
    tfjsOverFused: roundRatio('tfjs', 'fused kernel ('),
    /** The engine without compiled chains: every lane node a kernel pass over the tile. */
    kernelsOnlyOverFused: roundRatio('interpreted graph, kernels only', 'fused kernel ('),
    tfjsOverKernelsOnly: roundRatio('tfjs', 'interpreted graph, kernels only'),
    /** Medians over ROUNDS interleaved rounds of each round's median iteration (the reference: mean of 2). */
    medianMs: {
      interpreted: interpretedMs, interpretedWithWriteBack: writeBackMs, interpretedKernelsOnly: kernelsMs,
      fused: fusedMs, fusedReciprocal: reciprocalMs, tfjs: tfjsMs, reference: referenceMs,
    },
    rounds: Object.fromEntries(rounds),
    tfjs: { backend: tfjs.backend, simd: tfjs.simd, threads: tfjs.threads, version: tf.version.tfjs },
    adamCheck: check,
    lif: { ...lif, ticksPerIteration: LIF_TICKS_PER_ITERATION },
    targets: TARGETS,
    engineError,
    seconds: (performance.now() - started) / 1000,
  };
  const rows = [
    ['interpreted / fused (time)', results.interpretedOverFused, `<= ${TARGETS.interpretedOverFused}`, (x: number) => x <= TARGETS.interpretedOverFused],
    ['tfjs / interpreted (time)', results.tfjsOverInterpreted, `>= ${TARGETS.tfjsOverInterpreted}`, (x: number) => x >= TARGETS.tfjsOverInterpreted],
    ['reference / interpreted (time)', results.referenceOverInterpreted, `>= ${TARGETS.referenceOverInterpreted}`, (x: number) => x >= TARGETS.referenceOverInterpreted],
    ['LIF synaptic events / s', lifRate, `>= ${TARGETS.lifSynapticEventsPerSecond.toExponential(0)}`, (x: number) => x >= TARGETS.lifSynapticEventsPerSecond],
  ] as const;
  console.log(`\nRatios (medians of ${ROUNDS} interleaved rounds)`);
  console.table(rows.map(([name, value, target, ok]) => ({
    measure: name, value: fmt(value), target, met: value === null ? 'n/a' : ok(value) ? 'yes' : 'NO',
  })));
  mkdirSync(new URL('bench/results/', root), { recursive: true });
  const out = new URL('bench/results/engine.json', root);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(out)} (${results.seconds.toFixed(0)} s)`);
  if (engineError !== null) process.exitCode = 1;
}

await main();
