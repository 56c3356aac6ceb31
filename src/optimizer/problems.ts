// Deterministic optimization problems for optimizer genomes (docs/optimizer.md, Problems). The loss
// is computed in float64 from float32 parameters; gradients and curvature probes are rounded to
// float32 when they enter the engine. Randomness (gradient noise, Rademacher probes) comes from
// streams the caller passes in, so one seed fixes a whole trajectory.
//
//   quadratic        f = 1/2 sum_i h_i theta_i^2, h_i = 10^(2i/15 - 2) (0.01 .. 1), theta_0 = 1,
//                    one 4 x 4 tensor, exact gradients
//   quadratic-noisy  the same, gradient + N(0, 0.1^2) noise per element and step
//   quadratic-split  the quadratic with its 16 elements in three tensors: 2 x 3, 1 x 4, 6 x 1
//   rosenbrock       (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1), one 1 x 2 tensor

import type { LaneGroup } from '../genome/types.ts';
import type { Rng } from '../util/rng.ts';
import { InputError } from '../util/errors.ts';
import { cos, log, pow10 } from '../util/math.ts';

export interface Problem {
  readonly name: string;
  readonly description: string;
  /** The parameter tensors, laid out one after another in the lanes. */
  readonly groups: readonly LaneGroup[];
  /** The starting parameters. */
  initial(): Float32Array;
  /** Where the loss is smallest. */
  optimum(): Float32Array;
  /** The loss at theta (float64); writes the gradient (with noise, if the problem has any). */
  evaluate(theta: Float32Array, gradient: Float32Array, noise: Rng): number;
  /** Writes the curvature probe z * (H z) at theta for a Rademacher z drawn from `probe`. */
  curvature(theta: Float32Array, out: Float32Array, probe: Rng): void;
}

/** A standard normal draw (Box-Muller, one of the pair). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(u) is finite
  return Math.sqrt(-2 * log(u)) * cos(2 * Math.PI * rng.next());
}

function rademacher(rng: Rng): number {
  return rng.next() < 0.5 ? -1 : 1;
}

const CURVATURES = Array.from({ length: 16 }, (_, i) => pow10((2 * i) / 15 - 2));

function quadratic(name: string, description: string, groups: LaneGroup[], sigma: number): Problem {
  return {
    name,
    description,
    groups,
    initial: () => new Float32Array(16).fill(1),
    optimum: () => new Float32Array(16),
    evaluate(theta, gradient, noise) {
      let loss = 0;
      for (let i = 0; i < 16; i++) {
        const h = CURVATURES[i] as number;
        const x = theta[i] as number;
        loss += 0.5 * h * x * x;
        gradient[i] = h * x + (sigma > 0 ? sigma * gaussian(noise) : 0);
      }
      return loss;
    },
    // H is diagonal: z_i (H z)_i = h_i z_i^2 = h_i for every Rademacher z.
    curvature(_theta, out) {
      for (let i = 0; i < 16; i++) out[i] = CURVATURES[i] as number;
    },
  };
}

const rosenbrock: Problem = {
  name: 'rosenbrock',
  description: 'Rosenbrock (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1)',
  groups: [{ rows: 1, cols: 2 }],
  initial: () => Float32Array.of(-1.2, 1),
  optimum: () => Float32Array.of(1, 1),
  evaluate(theta, gradient) {
    const x = theta[0] as number;
    const y = theta[1] as number;
    const r = y - x * x;
    gradient[0] = -2 * (1 - x) - 400 * x * r;
    gradient[1] = 200 * r;
    return (1 - x) ** 2 + 100 * r * r;
  },
  curvature(theta, out, probe) {
    const x = theta[0] as number;
    const y = theta[1] as number;
    const z0 = rademacher(probe);
    const z1 = rademacher(probe);
    const hxx = 1200 * x * x - 400 * y + 2;
    const hxy = -400 * x;
    out[0] = z0 * (hxx * z0 + hxy * z1);
    out[1] = z1 * (hxy * z0 + 200 * z1);
  },
};

export const PROBLEMS: Record<string, Problem> = {
  quadratic: quadratic('quadratic', '1/2 sum h_i theta_i^2, h from 0.01 to 1, one 4 x 4 tensor', [{ rows: 4, cols: 4 }], 0),
  'quadratic-noisy': quadratic('quadratic-noisy', 'the quadratic with N(0, 0.1^2) gradient noise', [{ rows: 4, cols: 4 }], 0.1),
  'quadratic-split': quadratic('quadratic-split', 'the quadratic as three tensors: 2 x 3, 1 x 4, 6 x 1', [
    { rows: 2, cols: 3 }, { rows: 1, cols: 4 }, { rows: 6, cols: 1 },
  ], 0),
  rosenbrock,
};

/** Draws from [lo, hi). */
function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/**
 * `p` moved to a place drawn from `rng`, so that no fixed point is its optimum (0 for the
 * quadratics, (1, 1) for Rosenbrock) and no fixed step from the start reaches it: the optimum moves
 * by s_i ~ N(0, 1) per element, and the start's offset from the optimum is scaled per element by
 * u_i ~ U(0.5, 1.5). The landscape around the optimum is p's, so an optimizer that only follows
 * gradients sees the same problem from a start at another distance; one that pulls parameters
 * toward a constant (or sets them to one) no longer lands on the optimum by construction.
 */
export function movedProblem(p: Problem, rng: Rng): Problem {
  const optimum = p.optimum();
  const start = p.initial();
  const shift = Float32Array.from(optimum, () => gaussian(rng));
  const initial = Float32Array.from(start, (x, i) => (optimum[i] as number) + (shift[i] as number) + (x - (optimum[i] as number)) * uniform(rng, 0.5, 1.5));
  const local = new Float32Array(start.length);
  const toLocal = (theta: Float32Array): Float32Array => {
    for (let i = 0; i < local.length; i++) local[i] = (theta[i] as number) - (shift[i] as number);
    return local;
  };
  return {
    name: p.name,
    description: `${p.description}, moved`,
    groups: p.groups,
    initial: () => initial.slice(),
    optimum: () => Float32Array.from(optimum, (x, i) => x + (shift[i] as number)),
    evaluate: (theta, gradient, noise) => p.evaluate(toLocal(theta), gradient, noise),
    curvature: (theta, out, probe) => p.curvature(toLocal(theta), out, probe),
  };
}

export function problem(name: string): Problem {
  const p = PROBLEMS[name];
  if (p === undefined) throw new InputError('task', `must be one of ${Object.keys(PROBLEMS).join(', ')}`, name);
  return p;
}
