// Small models and data sets for the task-model tests, all from fixed seeds.

import type { Engine } from '../../src/engine/engine.ts';
import { GenomeBuilder } from '../../src/seeds/builder.ts';
import { modelGroups, taskRequest } from '../../src/tasks/train.ts';
import type { Activation, Dataset, ModelSpec } from '../../src/tasks/types.ts';
import { createRng } from '../../src/util/rng.ts';

/** Random features in [-1, 1); targets from `target` (MSE) or one-hot labels of argmax (CE). */
export function dataset(count: number, features: number, targets: number, seed: number, oneHot = false): Dataset {
  const rng = createRng(seed);
  const x = new Float32Array(count * features).map(() => rng.uniform(-1, 1));
  const y = new Float32Array(count * targets);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < targets; k++) {
      let s = 0.2 * k;
      for (let i = 0; i < features; i++) s += Math.sin(1 + i + 3 * k) * (x[r * features + i] as number);
      y[r * targets + k] = oneHot ? 0 : Math.tanh(s);
    }
    if (oneHot) y[r * targets + Math.floor(rng.next() * targets)] = 1;
  }
  return { count, features, targets, x, y };
}

/** features -> hidden (act) -> targets (act2). */
export function mlp(features: number, hidden: number, targets: number, act: Activation, act2: Activation, loss: ModelSpec['loss']): ModelSpec {
  return {
    layers: [
      { inputs: features, outputs: hidden, activation: act },
      { inputs: hidden, outputs: targets, activation: act2 },
    ],
    loss,
  };
}

/** An optimizer whose new parameter is `op` applied as built by `make` (for odd genomes). */
export function oddOptimizer(name: string, make: (b: GenomeBuilder) => void): ReturnType<GenomeBuilder['build']> {
  const b = new GenomeBuilder(name);
  make(b);
  return b.build();
}

/** Keeps the parameters: new parameter = parameter. */
export const keepParameters = (): ReturnType<GenomeBuilder['build']> => oddOptimizer('keep', (b) => {
  const out = b.output('identity');
  b.edge(b.parameter, out);
});

/** Loads `genome` for `model` and prepares the task (steps 1, batch `batchSize`). */
export function prepare(engine: Engine, genome: ReturnType<GenomeBuilder['build']>, model: ModelSpec, data: Dataset, batchSize: number): void {
  engine.load(genome, modelGroups(model), { seed: 1 });
  engine.prepareTask(taskRequest(model, data, data, { steps: 1, batchSize }));
}

/** Parameters on the grid of multiples of 2^-8 in [-1, 1), so that p +- 2^-14 is exact in f32. */
export function gridParameters(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(count).map(() => Math.floor(rng.uniform(-256, 256)) / 256);
}
