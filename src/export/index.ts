// The exports of an optimizer genome as a program for another framework, in one place: each format
// names its exporter, which reads the genome's update program (program.ts) and writes text or, for
// a binary format, bytes. `l2l export --format NAME` (src/cli/export.ts) dispatches through this
// table; a new format is one row here.

import type { Genome } from '../genome/types.ts';
import { InputError } from '../util/errors.ts';
import { toOnnx } from './onnx.ts';
import { buildProgram, isNotExportable } from './program.ts';
import type { UpdateProgram } from './program-types.ts';
import { toPytorch } from './pytorch.ts';
import { toTfjs } from './tfjs.ts';

export interface ProgramExporter {
  /** What the file holds, for --help. */
  readonly description: string;
  /** A binary format is written only to a file (--out). */
  readonly binary: boolean;
  write(program: UpdateProgram): string | Uint8Array;
}

export const PROGRAM_EXPORTERS = {
  pytorch: { description: 'a PyTorch torch.optim.Optimizer subclass (one Python file)', binary: false, write: toPytorch },
  tfjs: { description: 'a TensorFlow.js tf.Optimizer subclass (a JavaScript module)', binary: false, write: toTfjs },
  onnx: { description: 'an ONNX model (opset 17) of one update step for one tensor (binary: needs --out)', binary: true, write: toOnnx },
} as const satisfies Record<string, ProgramExporter>;

export type ProgramFormat = keyof typeof PROGRAM_EXPORTERS;
export const PROGRAM_FORMATS = Object.keys(PROGRAM_EXPORTERS) as ProgramFormat[];

export function isProgramFormat(format: string): format is ProgramFormat {
  return Object.hasOwn(PROGRAM_EXPORTERS, format);
}

/**
 * The genome exported as `format`. Throws an InputError naming the node and the rule when the
 * genome is not an exportable optimizer (spiking, self-modifying, or not in the optimizer role).
 */
export function exportProgram(genome: Genome, format: ProgramFormat): string | Uint8Array {
  const program = buildProgram(genome);
  if (isNotExportable(program)) throw new InputError('genome', `must be exportable to ${format}: ${program.reason}`);
  const exporter: ProgramExporter = PROGRAM_EXPORTERS[format];
  return exporter.write(program);
}

export { buildProgram, className, isNotExportable } from './program.ts';
export type { NotExportable, UpdateProgram } from './program-types.ts';
