// The ONNX export (src/export/onnx.ts) run in onnxruntime-web: (a) hand-built programs covering every
// op of docs/engine.md match a plain float32 evaluation (onnx-reference.ts) step by step, state fed
// back, on tensors of rank 0 to 3 (as they are, and as the matrix view the default model takes); (b) real genomes (the 26 seeds and exportable mutants, through
// buildProgram) match the engine over 200 steps of a multi-tensor problem (onnx-drive.ts).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { Engine } from '../../src/engine/engine.ts';
import { buildProgram, isNotExportable } from '../../src/export/program.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate } from '../../src/genome/mutate.ts';
import { mutationOptions } from '../../src/genome/mutation.ts';
import type { Genome } from '../../src/genome/types.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import { toOnnx } from '../../src/export/onnx.ts';
import { encodeModel, ProtoWriter } from '../../src/export/onnx-proto.ts';
import type { UpdateProgram } from '../../src/export/program-types.ts';
import { OP_NAMES } from '../../src/genome/types.ts';
import { createRng, type Rng } from '../../src/util/rng.ts';
import { agreement } from './onnx-drive.ts';
import { FEEDS, IN, opProgram, program, RULES, t } from './onnx-programs.ts';
import { initialState, matrixView, referenceStep, type StateTensors, type TensorInputs } from './onnx-reference.ts';
import { maxRelativeError, onnxStep, openSession } from './onnx-session.ts';

const SHAPES: readonly (readonly number[])[] = [[3, 4], [5], [], [2, 3, 2], [4, 1]];
const STEPS = 4;

/** A value that is often special: 0, +-1, or else a normal draw of scale 2. */
function draw(rng: Rng): number {
  const u = rng.next();
  if (u < 0.15) return 0;
  if (u < 0.25) return u < 0.2 ? 1 : -1;
  return Math.fround(2 * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

function inputs(rng: Rng, shape: readonly number[], step: number, loss: number, previousLoss: number): TensorInputs {
  const n = shape.reduce((a, b) => a * b, 1);
  const gradient = Float32Array.from({ length: n }, () => draw(rng));
  // Equal to the gradient in some lanes, so eq, ge and select see ties.
  const parameter = Float32Array.from(gradient, (g) => (rng.next() < 0.25 ? g : draw(rng)));
  const curvature = Float32Array.from({ length: n }, () => draw(rng));
  return { shape, gradient, parameter, curvature, loss, previousLoss, step };
}

/**
 * Runs `program` STEPS steps in both; the largest relative difference seen. The default model (rank
 * 2) gets every shape as its matrix view, a model of rank r the shapes of that rank as they are.
 */
async function compare(program: UpdateProgram, seed: number, rank?: number): Promise<number> {
  const session = await openSession(toOnnx(program, { rank }));
  const rng = createRng(seed);
  let worst = 0;
  for (const shape of SHAPES.filter((s) => rank === undefined || s.length === rank)) {
    const fed = rank === undefined ? matrixView(shape) : shape;
    const n = shape.reduce((a, b) => a * b, 1);
    let ref: StateTensors = initialState(program, n);
    let onnx: StateTensors = initialState(program, n);
    let previous = Math.fround(rng.uniform(0.5, 3));
    for (let step = 1; step <= STEPS; step++) {
      const loss = Math.fround(rng.uniform(0.5, 3));
      const input = inputs(rng, shape, step, loss, step === 1 ? loss : previous);
      previous = loss;
      const want = referenceStep(program, input, ref);
      const got = await onnxStep(session, program, { ...input, shape: fed }, onnx);
      worst = Math.max(worst, maxRelativeError(got.parameter, want.parameter));
      for (const [key, s] of want.state) worst = Math.max(worst, maxRelativeError(got.state.get(key) as Float32Array, s));
      ref = want.state;
      onnx = got.state;
    }
  }
  await session.release();
  return worst;
}

describe('protobuf writer', () => {
  it('writes varints, negative int64s and packed floats as the wire format defines them', () => {
    const w = new ProtoWriter();
    w.varint(1, 150); // the protobuf documentation's example: 08 96 01
    w.varint(2, -1); // two's complement: ten bytes
    w.packedFloats(3, [1, -2]);
    expect(Array.from(w.finish())).toEqual([
      0x08, 0x96, 0x01,
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
      0x1a, 0x08, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,
    ]);
  });

  it('refuses an integer it cannot write exactly', () => {
    expect(() => new ProtoWriter().varint(1, 2 ** 60)).toThrow(/not a safe integer/);
  });

  it('starts a model with its IR version and producer', () => {
    const bytes = encodeModel({
      irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'l2l', producerVersion: '1',
      graph: { name: 'g', nodes: [], initializers: [], inputs: [], outputs: [] },
    });
    expect(Array.from(bytes.subarray(0, 7))).toEqual([0x08, 8, 0x12, 3, 0x6c, 0x32, 0x6c]);
  });
});

describe('toOnnx in onnxruntime-web against a float32 reference', () => {
  for (const feed of Object.keys(FEEDS) as (keyof typeof FEEDS)[]) {
    it(`every op, fed ${feed} inputs, matches step by step`, async () => {
      const errors: string[] = [];
      for (const [i, op] of OP_NAMES.entries()) {
        const error = await compare(opProgram(op, feed), 1000 * i + feed.length);
        if (error > 0) errors.push(`${op}: ${error}`);
      }
      expect(errors).toEqual([]);
    });
  }

  it('every has the period floor(a0 + 0.5), at least 1', async () => {
    for (const a0 of [2.6, 0, -3, 1e12]) expect(await compare(opProgram('every', 'scalar', [a0, 0, 0, 0]), 7)).toBe(0);
  });

  for (const rule of RULES) {
    it(`rule ${rule.name} matches, as a matrix view and at ranks 0 to 3`, async () => {
      expect(await compare(rule, 11)).toBe(0);
      for (const rank of [0, 1, 2, 3]) expect(await compare(rule, 12 + rank, rank)).toBe(0);
    });
  }

  it('refuses a rank it cannot declare', () => {
    expect(() => toOnnx(RULES[0] as UpdateProgram, { rank: 9 })).toThrow('onnx: rank must be an integer from 0 to 8 (got 9)');
  });

  it('names inputs, outputs and state as documented', async () => {
    const momentum = RULES.find((r) => r.name === 'momentum') as UpdateProgram;
    const session = await openSession(toOnnx(momentum));
    expect(session.inputNames).toEqual(['gradient', 'parameter', 'loss', 'previousLoss', 'step', 'state_n10']);
    expect(session.outputNames).toEqual(['parameter_out', 'state_n10_out']);
    const factored = await openSession(toOnnx(opProgram('add', 'lane')));
    expect(factored.inputNames).toContain('curvature');
    expect(factored.inputNames).toEqual(expect.arrayContaining(['state_n10', 'state_n11']));
  });

  it('sign is 0 for NaN, where ONNX\'s Sign would give NaN', async () => {
    const p = program('sign-nan', [{ key: 10, op: 'sign', ports: [[t(IN.gradient)], [], []] }], 10);
    const session = await openSession(toOnnx(p));
    const gradient = Float32Array.of(Number.NaN, -Infinity, -0, 0, 3);
    const got = await onnxStep(session, p, { shape: [1, 5], gradient, parameter: new Float32Array(5), curvature: new Float32Array(5), loss: 1, previousLoss: 1, step: 1 }, new Map());
    expect(Array.from(got.parameter)).toEqual([0, -1, 0, 0, 1]);
  });

  it('refuses a program that reads further back than it keeps', () => {
    const bad = opProgram('add', 'lane');
    bad.history = bad.history.map((h) => ({ ...h, depth: 1 }));
    expect(() => toOnnx(bad)).toThrow(/node 11 is read 2 steps back but keeps 1 past output/);
  });
});

describe('toOnnx of real genomes against the engine', () => {
  const STEPS_RUN = 200;

  function exported(genome: Genome): UpdateProgram {
    const p = buildProgram(genome);
    if (isNotExportable(p)) throw new Error(`${genome.name}: ${p.reason}`);
    return p;
  }

  it('every seed follows the engine\'s trajectory for 200 steps, float32 for float32', async () => {
    const engine = await Engine.create();
    for (const seed of SEEDS) {
      const genome = seed.build();
      const a = await agreement(engine, genome, exported(genome), STEPS_RUN);
      expect({ seed: seed.name, steps: a.steps }).toEqual({ seed: seed.name, steps: STEPS_RUN });
      expect({ seed: seed.name, error: a.error }).toEqual({ seed: seed.name, error: 0 });
    }
  });

  it('exportable mutants follow the engine too', async () => {
    const engine = await Engine.create();
    const genomes = SEEDS.map((s) => s.build());
    const tracker = new InnovationTracker(genomes);
    // No effects and no firing policies: most children stay exportable.
    const options = mutationOptions({ rates: { 'add-effect': 0, 'modify-effect': 0, policy: 0, 'policy-params': 0 } });
    const rng = createRng(2024);
    let compared = 0;
    for (let i = 0; compared < 16 && i < 200; i++) {
      let child = genomes[rng.int(genomes.length)] as Genome;
      for (let k = 0; k < 3; k++) {
        const r = mutate(child, rng, tracker, options);
        if (r.status === 'ok') child = r.genome;
      }
      const p = buildProgram(child, `mutant-${i}`);
      if (isNotExportable(p)) continue;
      const a = await agreement(engine, child, p, STEPS_RUN);
      if (a.steps === 0) continue;
      compared++;
      expect({ mutant: i, error: a.error }).toEqual({ mutant: i, error: 0 });
    }
    expect(compared).toBe(16);
  });
});

describe('l2l export --format onnx', () => {
  async function l2l(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
    return { code, stdout, stderr };
  }

  it('writes the model to --out, and onnxruntime opens it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'l2l-onnx-cli-')), 'adam.onnx');
    expect(await l2l('export', 'seed:adam', '--format', 'onnx', '--out', out)).toEqual({ code: 0, stdout: '', stderr: '' });
    const session = await openSession(readFileSync(out));
    expect(session.inputNames.slice(0, 5)).toEqual(['gradient', 'parameter', 'loss', 'previousLoss', 'step']);
    expect(session.outputNames[0]).toBe('parameter_out');
  });

  it('refuses to write a binary model to stdout, naming --out', async () => {
    const r = await l2l('export', 'seed:adam', '--format', 'onnx');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--out must name a file for --format onnx');
  });
});
