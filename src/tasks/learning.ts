// The learning check (docs/tasks.md, Learning): does a genome's update depend on the gradient and
// on the parameter? A rule that ignores either is not a learner, however it scores: every
// parameter set to 0, `p' = c * previousLoss`, `p' = -c g` (it forgets where it is), `p' = p` (it
// never looks at the loss surface). Such genomes would otherwise survive on the time and memory
// objectives alone.
//
// The check is a one-at-a-time perturbation probe (Morris 1991, "Factorial sampling plans for
// preliminary computational experiments": change one input, hold the rest, see whether the output
// moves), run on fixed probe inputs as AutoML-Zero's functional equivalence check runs candidates
// on a small fixed set of examples (Real et al. 2020, section 4.2). The genome runs K ticks on
// PROBE_LANES lanes three times, each from a fresh load with the same seed: the base inputs; the
// gradient replaced at every tick by another vector (every lane another sign and magnitude, so
// sign-based rules such as signSGD, Lion and Rprop see another sign pattern); the parameter
// replaced likewise. The update depends on an input if the output differs from the base run's in
// some lane at some tick (or the perturbed run stops where the base run did not).
//
// The inputs are fixed tables, not fed back: the parameter slot is not the previous output. With
// feedback, `p' = -c g` would see the perturbed parameter only in its first tick and could not be
// told apart from a rule that reads it; with the parameter replaced at every tick, `p' = -c g`
// gives the same outputs whatever the parameter is and fails on it, and `p' = p` gives the same
// outputs whatever the gradient is and fails on that.
//
// The probe decides only when the base run is clean: if the engine refuses the genome, traps,
// goes non-finite or passes the probe's work budget, the verdict is `undecided` and the tasks
// report what they report. It errs towards learners: any difference counts as dependence.

import type { Engine } from '../engine/engine.ts';
import { EngineError } from '../engine/errors.ts';
import type { RunResult } from '../engine/types.ts';
import { pack } from '../genome/pack.ts';
import type { Genome, LaneGroup } from '../genome/types.ts';
import { SLOT } from '../optimizer/role.ts';
import { DEFAULT_WORK_LIMIT } from './limits.ts';
import { INACTIVE_STEPS } from './problem.ts';
import { powInt } from '../util/math.ts';

/**
 * Probe lanes: one 2 x 2 tensor, so that per-tensor reductions and row and column means
 * (Adafactor) have more than one element to work on.
 */
export const PROBE_GROUPS: readonly LaneGroup[] = [{ rows: 2, cols: 2 }];
export const PROBE_LANES = 4;
/** The engine seed of every probe run: the same randomness in all three, so only the inputs differ. */
export const PROBE_SEED = 0x1ea7;
/** The most ticks a probe runs (a chain of delayed edges can be long; the probe must stay cheap). */
export const MAX_PROBE_TICKS = 48;

// Per lane: mixed signs and magnitudes. The perturbed vectors have the other sign and another
// magnitude in every lane. Lane 2 pairs a small parameter with a large gradient so that a small
// step is still visible in float32 (at 1e-3 the spacing of floats is about 1e-10).
const GRADIENT = [0.3, -1.7, -4.5, 0.04];
const OTHER_GRADIENT = [-2.2, 0.6, 0.9, -0.015];
const PARAMETER = [0.8, -2.5, 0.001, 1.3];
const OTHER_PARAMETER = [-1.1, 0.4, -0.7, -0.002];
const CURVATURE = [0.5, 2.0, 0.01, 1.2];

/** A lane value at tick t (from 1): the table's value scaled a little per tick, like a trajectory. */
function at(table: readonly number[], lane: number, tick: number): number {
  return (table[lane] as number) * (1 + 0.125 * ((tick + lane) % 4));
}

/** The loss at tick t: a decreasing curve, the same in every run. */
function lossAt(tick: number): number {
  return 1.5 * powInt(0.9, tick - 1);
}

/** What a non-learner ignores: optimizers the gradient or the parameter; learners (src/learner/check.ts) their feedback. */
export type IgnoredInput = 'gradient' | 'parameter' | 'both' | 'feedback';

/**
 * The verdict, and when the probe ran clean the genome's functional fingerprint: a hash of its
 * outputs in the three probe runs (Gillard et al. 2023, functional hashing).
 */
export type LearningCheck =
  | { verdict: 'learner'; ticks: number; fingerprint: string }
  | { verdict: 'non_learner'; ignores: IgnoredInput; ticks: number; message: string; fingerprint: string }
  /** The base run did not finish cleanly (`why`); the tasks decide. */
  | { verdict: 'undecided'; ticks: number; why: string };

export const NON_LEARNER_MESSAGES: Record<IgnoredInput, string> = {
  gradient: 'the update ignores the gradient',
  parameter: 'the update ignores the parameter',
  both: 'the update ignores both the gradient and the parameter',
  feedback: 'the learner ignores its feedback: its outputs on the probes are the same with reward and errors held at 0',
};

/**
 * The least total delay of a path of enabled edges from input slot `slot` to the output node, or
 * undefined if there is none: the first tick at which the input can reach the output is 1 + this.
 * Dial's algorithm (delays are small integers), stopped at `limit`.
 */
export function inputReach(genome: Genome, slot: number, limit = MAX_PROBE_TICKS): number | undefined {
  const from = genome.nodes.find((n) => n.role === 'input' && n.slot === slot);
  const to = genome.nodes.find((n) => n.role === 'output');
  if (from === undefined || to === undefined) return undefined;
  const out = new Map<number, { target: number; delay: number }[]>();
  for (const e of genome.edges) {
    if (!e.enabled) continue;
    let list = out.get(e.source);
    if (list === undefined) out.set(e.source, (list = []));
    list.push({ target: e.target, delay: e.delay });
  }
  const best = new Map<number, number>([[from.key, 0]]);
  const buckets: number[][] = [[from.key]];
  for (let d = 0; d <= limit; d++) {
    const bucket = buckets[d];
    if (bucket === undefined) continue;
    for (let i = 0; i < bucket.length; i++) {
      const node = bucket[i] as number;
      if (best.get(node) !== d) continue;
      if (node === to.key) return d;
      for (const { target, delay } of out.get(node) ?? []) {
        const next = d + delay;
        if (next > limit || next >= (best.get(target) ?? Number.POSITIVE_INFINITY)) continue;
        best.set(target, next);
        (buckets[next] ??= []).push(target);
      }
    }
  }
  return undefined;
}

/**
 * How many ticks the probe runs: past INACTIVE_STEPS (a rule may wait some steps before it moves,
 * as long as the inactive check allows), plus the delay before the later of the gradient and the
 * parameter can reach the output, plus the longest delay (state that starts at 0 and joins in a
 * few ticks later); at most MAX_PROBE_TICKS.
 */
export function probeTicks(genome: Genome): number {
  const reach = Math.max(inputReach(genome, SLOT.gradient) ?? 0, inputReach(genome, SLOT.parameter) ?? 0);
  return Math.min(MAX_PROBE_TICKS, INACTIVE_STEPS + reach + genome.maxDelay + 1);
}

export interface LearningOptions {
  /** pack(genome), when the caller has it. */
  packed?: Int32Array;
  /** Work units per tick and lane the probe may use on average (the plan's workLimit). */
  workLimit?: number;
}

type Perturbed = 'none' | 'gradient' | 'parameter';

function writeInputs(engine: Engine, tick: number, perturbed: Perturbed): void {
  const gradient = engine.input(SLOT.gradient);
  const parameter = engine.input(SLOT.parameter);
  const curvature = engine.input(SLOT.curvature);
  for (let lane = 0; lane < PROBE_LANES; lane++) {
    gradient[lane] = at(perturbed === 'gradient' ? OTHER_GRADIENT : GRADIENT, lane, tick);
    parameter[lane] = at(perturbed === 'parameter' ? OTHER_PARAMETER : PARAMETER, lane, tick);
    curvature[lane] = at(CURVATURE, lane, tick);
  }
  // As the driver does: the previous loss of step 1 is the loss itself.
  engine.input(SLOT.loss)[0] = lossAt(tick);
  engine.input(SLOT.previousLoss)[0] = lossAt(Math.max(1, tick - 1));
  engine.input(SLOT.step)[0] = tick;
}

/** Runs one tick; a status other than ok as a word ('non-finite', 'work-limit', 'trapped'). */
function tick(engine: Engine): RunResult['status'] | 'engine-error' {
  try {
    return engine.run(1).status;
  } catch (error) {
    if (error instanceof EngineError) return 'engine-error';
    throw error;
  }
}

/**
 * Probes whether `genome` (in the optimizer role, checked by the caller) updates by the gradient
 * and the parameter. Deterministic: the same genome always gets the same verdict. Uses `engine`
 * (loaded here, three times) and leaves it loaded with the probe.
 */
export function checkLearning(engine: Engine, genome: Genome, options: LearningOptions = {}): LearningCheck {
  const ticks = probeTicks(genome);
  const packed = options.packed ?? pack(genome);
  const workBudget = (options.workLimit ?? DEFAULT_WORK_LIMIT) * ticks * PROBE_LANES;
  const load = (): boolean => {
    try {
      engine.load(genome, PROBE_GROUPS, { seed: PROBE_SEED, packed, workBudget });
      return true;
    } catch (error) {
      if (error instanceof EngineError) return false;
      throw error;
    }
  };

  if (!load()) return { verdict: 'undecided', ticks, why: 'the engine refused the genome' };
  const base = new Float32Array(ticks * PROBE_LANES);
  for (let t = 1; t <= ticks; t++) {
    writeInputs(engine, t, 'none');
    const status = tick(engine);
    if (status !== 'ok') return { verdict: 'undecided', ticks, why: `the base run ended ${status} in tick ${t}` };
    base.set(engine.output(0), (t - 1) * PROBE_LANES);
  }
  const print = new Fingerprint();
  print.add(ticks);
  for (const v of base) print.addFloat(v);

  /**
   * Whether the output moves when `perturbed` changes; undefined if the engine failed. Runs every
   * tick (the outputs go into the fingerprint) unless the run stops.
   */
  const depends = (perturbed: Perturbed): boolean | undefined => {
    if (!load()) return undefined;
    print.add(perturbed === 'gradient' ? 0xfffffff1 : 0xfffffff2);
    let moved = false;
    for (let t = 1; t <= ticks; t++) {
      writeInputs(engine, t, perturbed);
      const status = tick(engine);
      if (status === 'trapped' || status === 'engine-error') return undefined;
      // The base run was clean here: stopping on another input is depending on it.
      if (status !== 'ok') {
        print.add(t);
        return true;
      }
      const output = engine.output(0);
      for (let lane = 0; lane < PROBE_LANES; lane++) {
        const v = output[lane] as number;
        print.addFloat(v);
        if (v !== base[(t - 1) * PROBE_LANES + lane]) moved = true;
      }
    }
    return moved;
  };

  const gradient = depends('gradient');
  const parameter = depends('parameter');
  if (gradient === undefined || parameter === undefined) return { verdict: 'undecided', ticks, why: 'the engine failed in a perturbed run' };
  const fingerprint = print.digest();
  if (gradient && parameter) return { verdict: 'learner', ticks, fingerprint };
  const ignores: IgnoredInput = !gradient && !parameter ? 'both' : gradient ? 'parameter' : 'gradient';
  return { verdict: 'non_learner', ignores, ticks, message: NON_LEARNER_MESSAGES[ignores], fingerprint };
}

/**
 * A 64-bit hash of the probe's outputs (two 32-bit mixes of the float32 bit patterns, murmur3's
 * finaliser): the genome's functional fingerprint (docs/evolution.md, Cache). Two genomes with the
 * same fingerprint gave bit-identical outputs in all three probe runs.
 */
class Fingerprint {
  private a = 0x9e3779b9;
  private b = 0x85ebca6b;
  private readonly word = new Float32Array(1);
  private readonly bits = new Uint32Array(this.word.buffer);

  add(w: number): void {
    const x = w >>> 0;
    this.a = mix(this.a ^ x) + ((x << 13) | (x >>> 19)) >>> 0;
    this.b = mix((this.b + x) >>> 0 ^ 0x27d4eb2d) + ((x << 7) | (x >>> 25)) >>> 0;
  }

  addFloat(v: number): void {
    this.word[0] = v;
    this.add(this.bits[0] as number);
  }

  digest(): string {
    return mix(this.a).toString(16).padStart(8, '0') + mix(this.b).toString(16).padStart(8, '0');
  }
}

function mix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}
