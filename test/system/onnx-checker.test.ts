// The ONNX export (src/export/onnx.ts) against the ONNX project's own checker, in Debian's
// python3-onnx: onnx.checker.check_model with full_check (the IR rules, every node against its
// opset-17 schema, and strict shape inference), for the 26 seeds at the default rank 2 and at ranks
// 0, 1 and 4, and for every op. onnxruntime accepting a model (test/export/onnx.test.ts) is not the
// same as the model being valid ONNX; this is the second half.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ONNX_IR_VERSION, ONNX_OPSET, toOnnx } from '../../src/export/onnx.ts';
import { DataType, encodeModel } from '../../src/export/onnx-proto.ts';
import { buildProgram, isNotExportable } from '../../src/export/program.ts';
import { OP_NAMES } from '../../src/genome/types.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import { FEEDS, opProgram, RULES } from '../export/onnx-programs.ts';
import { onnxPython } from './programs.ts';

// Prints one line per file: its name and "ok", or the checker's first line of complaint.
const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        print(path, 'ok')
    except Exception as error:
        print(path, str(error).splitlines()[0] if str(error) else type(error).__name__)
`;

describe('exported models pass onnx.checker', () => {
  it('seeds at ranks 2, 0, 1 and 4, every op and the hand-built rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2l-onnx-'));
    const files: string[] = [];
    const write = (name: string, bytes: Uint8Array): void => {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, bytes);
      files.push(path);
    };
    for (const seed of SEEDS) {
      const program = buildProgram(seed.build());
      if (isNotExportable(program)) throw new Error(`${seed.name}: ${program.reason}`);
      write(seed.name, toOnnx(program));
      for (const rank of [0, 1, 4]) write(`${seed.name}-rank${rank}`, toOnnx(program, { rank }));
    }
    for (const feed of Object.keys(FEEDS) as (keyof typeof FEEDS)[]) {
      for (const op of OP_NAMES) write(`${op}-${feed}`, toOnnx(opProgram(op, feed), { rank: 3 }));
    }
    for (const rule of RULES) write(`rule-${rule.name}`, toOnnx(rule));
    const lines = execFileSync(onnxPython(), ['-c', CHECK, ...files], { encoding: 'utf8', timeout: 170_000 }).trim().split('\n');
    expect(lines).toHaveLength(files.length);
    expect(lines.filter((l) => !l.endsWith(' ok'))).toEqual([]);
  });

  it('the checker rejects what it should: an input without a shape, an unknown op', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2l-onnx-'));
    const model = (op: string, shape?: number[]): Uint8Array => encodeModel({
      irVersion: ONNX_IR_VERSION, opsetImports: [{ domain: '', version: ONNX_OPSET }], producerName: 'l2l', producerVersion: '1',
      graph: {
        name: 'g', nodes: [{ opType: op, inputs: ['x'], outputs: ['y'] }], initializers: [],
        inputs: [{ name: 'x', elemType: DataType.FLOAT, shape }], outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: [2] }],
      },
    });
    const cases = { good: model('Identity', [2]), noShape: model('Identity'), unknownOp: model('Identify', [2]) };
    const paths = Object.entries(cases).map(([name, bytes]) => {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, bytes);
      return path;
    });
    const lines = execFileSync(onnxPython(), ['-c', CHECK, ...paths], { encoding: 'utf8' }).trim().split('\n');
    expect(lines.map((l) => l.endsWith(' ok'))).toEqual([true, false, false]);
  });
});
