// The glyph family (src/tasks/glyphs.ts): deterministic per seed, shaped as docs/tasks.md says,
// learnable but not trivially, registered as `glyphs`, `glyphs:10` and `glyphs:4`.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, makePlan } from '../../src/tasks/evaluate.ts';
import { GLYPH, GLYPH_CLASS_COUNTS, glyphData, render } from '../../src/tasks/glyphs.ts';
import { buildTask, parseTaskRef } from '../../src/tasks/registry.ts';
import type { Dataset } from '../../src/tasks/types.ts';

const PIXELS = GLYPH.side * GLYPH.side;

function bytes(d: Dataset): string {
  return Buffer.from(d.x.buffer).toString('base64') + Buffer.from(d.y.buffer).toString('base64');
}

function label(d: Dataset, s: number): number {
  return d.y.subarray(s * d.targets, (s + 1) * d.targets).indexOf(1);
}

/** The class means of `train` over the pixels `pixels`. */
function classMeans(train: Dataset, pixels: readonly number[]): Float64Array[] {
  const sums = Array.from({ length: train.targets }, () => new Float64Array(pixels.length));
  const counts = new Float64Array(train.targets);
  for (let s = 0; s < train.count; s++) {
    const c = label(train, s);
    counts[c] = (counts[c] as number) + 1;
    const sum = sums[c] as Float64Array;
    pixels.forEach((p, i) => (sum[i] = (sum[i] as number) + (train.x[s * train.features + p] as number)));
  }
  return sums.map((sum, c) => sum.map((v) => v / (counts[c] as number)));
}

/** Validation accuracy of the nearest class mean (Euclidean) fitted on the training split. */
function nearestMeanAccuracy(train: Dataset, validation: Dataset, pixels: readonly number[]): number {
  const means = classMeans(train, pixels);
  let right = 0;
  for (let s = 0; s < validation.count; s++) {
    let best = -1;
    let bestDistance = Infinity;
    means.forEach((mean, c) => {
      let d = 0;
      pixels.forEach((p, i) => (d += ((validation.x[s * validation.features + p] as number) - (mean[i] as number)) ** 2));
      if (d < bestDistance) [best, bestDistance] = [c, d];
    });
    if (best === label(validation, s)) right++;
  }
  return right / validation.count;
}

const ALL_PIXELS = Array.from({ length: PIXELS }, (_, p) => p);

describe('glyph data', () => {
  it.each(GLYPH_CLASS_COUNTS)('%i classes: the same seed gives the same bytes, another seed another alphabet', (classes) => {
    const a = glyphData(7, classes);
    const b = glyphData(7, classes);
    expect(bytes(a.train) + bytes(a.validation)).toBe(bytes(b.train) + bytes(b.validation));
    const other = glyphData(8, classes);
    expect(bytes(other.train)).not.toBe(bytes(a.train));
    // Another seed draws other prototypes, not just other jitter of the same ones.
    expect(Array.from(other.prototypes[0]?.segments ?? [])).not.toEqual(Array.from(a.prototypes[0]?.segments ?? []));
  });

  it.each(GLYPH_CLASS_COUNTS)('%i classes: 400 + 100 samples of 64 pixels in [0, 1], one-hot and balanced', (classes) => {
    const d = glyphData(3, classes);
    expect([d.train.count, d.validation.count, d.train.features, d.train.targets]).toEqual([400, 100, PIXELS, classes]);
    for (const split of [d.train, d.validation]) {
      expect(split.x.every((v) => v >= 0 && v <= 1)).toBe(true);
      const perClass = new Array<number>(classes).fill(0);
      for (let s = 0; s < split.count; s++) {
        expect(split.y.subarray(s * classes, (s + 1) * classes).reduce((a, v) => a + v, 0)).toBe(1);
        perClass[label(split, s)] = (perClass[label(split, s)] as number) + 1;
      }
      // Sample s has class s mod C, so 500 samples split 400 / 100 give each class its share exactly
      // whenever C divides 100.
      expect(perClass).toEqual(new Array<number>(classes).fill(split.count / classes));
    }
    // Strokes cover part of the canvas: neither blank nor flooded.
    const ink = d.train.x.reduce((a, v) => a + v, 0) / d.train.x.length;
    expect(ink).toBeGreaterThan(0.1);
    expect(ink).toBeLessThan(0.6);
  });

  it('renders a stroke 0.2 wide that fades over one pixel', () => {
    // A horizontal line through the centres of row 3, columns 1 to 5 (pixel centres at -1 + (2i + 1)
    // / 8): ink 1 on it, 1 - (0.25 - 0.1) / 0.25 = 0.4 one pixel (0.25) away, 0 two pixels away,
    // across the line and past its ends alike.
    const image = new Float32Array(PIXELS);
    const y = -1 + 7 / 8;
    render(Float64Array.from([-1 + 3 / 8, y, -1 + 11 / 8, y]), image);
    const at = (row: number, col: number) => image[row * GLYPH.side + col] as number;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((col) => at(3, col))).toEqual([0.4, 1, 1, 1, 1, 1, 0.4, 0].map(Math.fround));
    expect([1, 2, 3, 4, 5].map((row) => at(row, 4))).toEqual([0, 0.4, 1, 0.4, 0].map(Math.fround));
  });

  it('is learnable: the nearest class mean beats chance by far on every seed', () => {
    for (const seed of [0, 1, 2, 3]) {
      const ten = glyphData(seed, 10);
      expect(nearestMeanAccuracy(ten.train, ten.validation, ALL_PIXELS)).toBeGreaterThan(0.75); // chance 0.1
      const four = glyphData(seed, 4);
      expect(nearestMeanAccuracy(four.train, four.validation, ALL_PIXELS)).toBeGreaterThan(0.9); // chance 0.25
    }
  });

  it('is not trivial: no single pixel separates the classes, and a class varies as much as classes differ', () => {
    for (const seed of [0, 1, 2, 3]) {
      const d = glyphData(seed, 10);
      let bestPixel = 0;
      for (let p = 0; p < PIXELS; p++) bestPixel = Math.max(bestPixel, nearestMeanAccuracy(d.train, d.validation, [p]));
      expect(bestPixel).toBeLessThan(0.45);
      // Pixel noise alone would put a sample sqrt(64) 0.05 = 0.4 from its class mean; the affine
      // jitter moves the strokes by pixels, which puts it several times farther.
      const means = classMeans(d.train, ALL_PIXELS);
      let spread = 0;
      for (let s = 0; s < d.train.count; s++) {
        const mean = means[label(d.train, s)] as Float64Array;
        spread += Math.sqrt(ALL_PIXELS.reduce((a, p) => a + ((d.train.x[s * PIXELS + p] as number) - (mean[p] as number)) ** 2, 0));
      }
      expect(spread / d.train.count).toBeGreaterThan(1.2);
    }
  });
});

describe('glyph tasks', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create();
  });

  it('builds glyphs (10 classes), glyphs:10 and glyphs:4 as an MLP 64-16-C with relu', () => {
    for (const [ref, classes] of [['glyphs', 10], ['glyphs:10', 10], ['glyphs:4', 4]] as const) {
      const instance = buildTask(ref, 5);
      if (instance.kind !== 'model') throw new Error(`${ref} is a model task`);
      expect(instance.task).toBe(ref);
      expect(instance.model.layers).toEqual([
        { inputs: PIXELS, outputs: 16, activation: 'relu' },
        { inputs: 16, outputs: classes, activation: 'identity' },
      ]);
      expect(instance.model.loss).toBe('softmax-cross-entropy');
      // Balanced classes: the constant predictor says 1/C for every class.
      expect(instance.referenceLoss).toBeCloseTo(Math.log(classes), 12);
      expect(instance.detail).toMatch(new RegExp(`^${classes} classes, \\d+ strokes \\(\\d+ arcs\\), 500 samples$`));
    }
    expect(bytes((buildTask('glyphs', 5) as { train: Dataset }).train)).toBe(bytes(glyphData(5, 10).train));
    expect(() => parseTaskRef('glyphs:3')).toThrow('task must name a variant of glyphs: glyphs:10, glyphs:4 (got "glyphs:3")');
  });

  it('Adam at the defaults ends well below the reference loss, and faster than SGD', () => {
    const normalised = (name: string, task: string): number => {
      const e = evaluateGenome(engine, seedByName(name).build(), 0, makePlan(2, 0, [task]));
      const t = e.status === 'ok' ? e.tasks[0] : undefined;
      if (t?.status !== 'ok') throw new Error(`${name} on ${task}: ${JSON.stringify(e)}`);
      return t.metrics.normalisedValidationLoss;
    };
    for (const task of ['glyphs', 'glyphs:4']) {
      const adam = normalised('adam', task);
      expect(adam, task).toBeLessThan(0.6);
      expect(adam, task).toBeLessThan(normalised('sgd', task) - 0.2);
    }
  });
});
