// IO coding of the learner role (src/learner/coding.ts, src/genome/mutate-coding.ts): every encoder
// and decoder against hand-written spike trains, the coding's parsing and its errors, its mutation
// and inheritance, and a genome run tick by tick through its encoders and decoders.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { crossover } from '../../src/genome/crossover.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutateCoding } from '../../src/genome/mutate-coding.ts';
import { cloneGenome } from '../../src/genome/mutation.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { ENCODER_NAMES, type Encoder, type Genome } from '../../src/genome/types.ts';
import { LearnerBuilder } from '../../src/learner/build.ts';
import { codingOf, decode, encode } from '../../src/learner/coding.ts';
import type { LearnerEnv, Observation } from '../../src/learner/env.ts';
import { LEARNER_INPUTS, LEARNER_OUTPUTS } from '../../src/learner/role.ts';
import { runLearner } from '../../src/learner/run.ts';
import { deltaLearner, staticLearner } from '../../src/learner/seeds.ts';
import { ReversalBandit } from '../../src/learner/bandit.ts';
import { createRng } from '../../src/util/rng.ts';

const train = (e: Encoder, x: number, ticks: number): number[] => Array.from({ length: ticks }, (_, i) => encode(e, x, i, ticks));

describe('encoders', () => {
  it('give the documented trains', () => {
    expect(train('value', 0.3, 4)).toEqual([0.3, 0.3, 0.3, 0.3]);
    // rate: round(0.5 * 8) = 4 spikes, evenly spaced; negative values spike -1.
    expect(train('rate', 0.5, 8)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(train('rate', -0.25, 8)).toEqual([0, 0, 0, -1, 0, 0, 0, -1]);
    expect(train('rate', 3, 4)).toEqual([1, 1, 1, 1]);
    // latency: the stronger, the earlier.
    expect(train('latency', 1, 5)).toEqual([1, 0, 0, 0, 0]);
    expect(train('latency', 0.5, 5)).toEqual([0, 0, 1, 0, 0]);
    expect(train('latency', 0.01, 5)).toEqual([0, 0, 0, 0, 1]);
    // phase: round(0.6 * 15) = 9 = 1001 in binary, most significant bit first.
    expect(train('phase', 0.6, 4)).toEqual([1, 0, 0, 1]);
    // burst: round(0.5 * 6) = 3 spikes at the start.
    expect(train('burst', 0.5, 6)).toEqual([1, 1, 1, 0, 0, 0]);
    for (const e of ENCODER_NAMES) expect(train(e, 0, 4).every((v) => v === 0)).toBe(true);
  });

  it('rate and burst spike round(p T) times, phase encodes p to T bits', () => {
    const rng = createRng(5);
    for (let n = 0; n < 200; n++) {
      const ticks = 1 + rng.int(16);
      const x = rng.uniform(-1, 1);
      const spikes = Math.round(Math.abs(x) * ticks);
      for (const e of ['rate', 'burst'] as const) expect(train(e, x, ticks).filter((v) => v !== 0)).toHaveLength(spikes);
      const bits = train('phase', x, ticks).reduce((q, v) => 2 * q + Math.abs(v), 0);
      expect(Math.abs(bits / (2 ** ticks - 1) - Math.abs(x))).toBeLessThanOrEqual(0.5 / (2 ** ticks - 1) + 1e-12);
    }
  });
});

describe('decoders', () => {
  it('read the last value, the spike count and the time to first spike', () => {
    expect(decode('value', [1, 0, 0.5])).toBe(0.5);
    expect(decode('count', [1, 0, 1, 1])).toBe(0.75);
    expect(decode('first', [0, 0, 1, 1])).toBe(0.5);
    expect(decode('first', [2, 0, 0, 0])).toBe(1);
    expect(decode('first', [0, 0, 0, 0])).toBe(0);
    expect(decode('count', [0, 0])).toBe(0);
  });
});

function coded(coding: unknown): Genome {
  const g = staticLearner();
  return parseGenome({ ...g, coding });
}

describe('the coding in the genome', () => {
  it('parses with defaults and refuses bad entries, naming the field', () => {
    const g = coded({ ticks: 3 });
    expect(g.coding?.ticks).toBe(3);
    expect(g.coding?.encoders).toHaveLength(LEARNER_INPUTS.length);
    expect(g.coding?.decoders.every((d) => d === 'value')).toBe(true);
    expect(staticLearner().coding).toBeUndefined();
    expect(codingOf(staticLearner()).ticks).toBe(1);
    expect(() => coded({ ticks: 0 })).toThrow('coding.ticks');
    expect(() => coded({ ticks: 17 })).toThrow('coding.ticks');
    expect(() => coded({ ticks: 2, encoders: ['rate'] })).toThrow(`coding.encoders must have one entry per input slot (${LEARNER_INPUTS.length}) (got 1)`);
    expect(() => coded({ ticks: 2, decoders: Array(LEARNER_OUTPUTS).fill('loud') })).toThrow('coding.decoders[0]');
  });

  it('mutates one part at a time, never its parent, and is inherited whole from the fitter parent', () => {
    const parent = coded({ ticks: 1 });
    const rng = createRng(9);
    const tracker = new InnovationTracker([]);
    const seen = new Set<string>();
    let child = parent;
    for (let n = 0; n < 60; n++) {
      const r = mutateCoding(child, rng, tracker);
      expect(r.status).toBe('ok');
      if (r.status !== 'ok') continue;
      const before = JSON.stringify(child.coding);
      const after = r.genome.coding;
      expect(JSON.stringify(child.coding)).toBe(before);
      expect(after?.ticks).toBeGreaterThanOrEqual(1);
      expect(after?.ticks).toBeLessThanOrEqual(16);
      seen.add(r.description.split(' ')[1] as string);
      child = r.genome;
    }
    expect(seen).toEqual(new Set(['ticks', 'encoder', 'decoder']));
    expect(mutateCoding(staticLearner(), rng, tracker)).toEqual({ status: 'rejected', reason: 'coding: the genome has no IO coding' });
    const copy = cloneGenome(child);
    copy.coding?.encoders.fill('value');
    expect(child.coding?.encoders.some((e) => e !== 'value')).toBe(true);
    const made = crossover({ genome: child, fitness: 2 }, { genome: parent, fitness: 1 }, rng);
    expect(made.status).toBe('ok');
    if (made.status === 'ok') expect(made.genome.coding).toEqual(child.coding);
  });
});

/** One step per trial, channel 0 = the step's value, two actions, never done before `steps`. */
class Script implements LearnerEnv {
  readonly name = 'script';
  readonly kind = 'supervised' as const;
  readonly channels = 1;
  readonly actions = 2;
  readonly trials: number;
  private t = 0;
  readonly seen: Float32Array[] = [];
  constructor(private readonly values: number[], private readonly targets: [number, number] | null) {
    this.trials = values.length;
  }
  get done(): boolean { return this.t >= this.values.length; }
  observe(): Observation {
    return {
      channels: Float32Array.of(this.values[this.t] as number), reward: 0, trialStart: 1, choice: true,
      targets: this.targets === null ? null : Float32Array.from(this.targets), learning: 1,
    };
  }
  act(_a: number, outputs?: Float32Array): boolean {
    if (outputs !== undefined) this.seen.push(outputs);
    this.t++;
    return !this.done;
  }
  score(): number { return 0; }
  oracle(): number { return 0; }
}

describe('a coded genome in the runner', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create();
  });

  it('encodes each tick, decodes over the step, and shows target minus output as the next error', () => {
    // output0 copies observation0 (rate-coded, counted); output1 copies error0 (by value).
    const b = new LearnerBuilder('copy');
    b.edge(b.observations[0]!, b.outputNode(0, 'identity'));
    b.edge(b.errors[0]!, b.outputNode(1, 'identity'));
    const plain = b.build();
    const encoders = plain.inputs.map((_, i) => (i === 0 ? 'rate' : 'value'));
    const decoders = plain.outputs.map((_, k) => (k === 0 ? 'count' : 'value'));
    const genome = parseGenome({ ...plain, coding: { ticks: 4, encoders, decoders } });
    const env = new Script([0.5, 1, 0.25], [1, 0]);
    const episode = runLearner(engine, genome, env);
    expect(episode.status).toBe('ok');
    expect(episode.steps).toBe(3);
    expect(episode.costs.ticks).toBe(12);
    // Step 1: 2 spikes of 4 -> 0.5; error0 shown at step 2 = 1 - 0.5.
    expect(env.seen.map((o) => Array.from(o))).toEqual([[0.5, 0], [1, 0.5], [0.25, 0]]);
    expect(episode.preferences.map((p) => Array.from(p))).toEqual([[0.5, 0], [1, 0.5], [0.25, 0]]);
  });

  it('runs a step of a value-coded genome in one engine call, with the same results as tick by tick', () => {
    // observation7 is always 0 on the bandit, so rate-coding it changes nothing but forces the
    // runner to go tick by tick.
    const base = deltaLearner(0.2);
    const coding = (seventh: 'value' | 'rate'): Genome => parseGenome({
      ...base, coding: { ticks: 3, encoders: base.inputs.map((_, i) => (i === 7 ? seventh : 'value')), decoders: base.outputs.map(() => 'value') },
    });
    const whole = runLearner(engine, coding('value'), new ReversalBandit(3));
    const byTick = runLearner(engine, coding('rate'), new ReversalBandit(3));
    expect(whole.actions).toEqual(byTick.actions);
    expect(whole.preferences).toEqual(byTick.preferences);
    expect(whole.costs).toEqual(byTick.costs);
    expect(whole.costs.ticks).toBe(3 * 200);
  });
});
