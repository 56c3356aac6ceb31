// `l2l export <genome.json | seed:NAME> [--format json|dot|mermaid|pytorch|tfjs|onnx] [--hyper ...] [--out FILE]`:
// writes the graph in one of the graph formats (src/genome/export.ts), or an optimizer genome as a
// program for another framework (src/export/index.ts, whose table is the one place a format such as
// a binary one plugs in), to stdout by default. A file is replaced atomically, so a reader never sees
// half a graph, and never on a pseudo-filesystem (/proc, /sys, /dev), where a rename would replace a
// device or fail oddly.

import { Argument, Command } from 'commander';
import { exportProgram, isProgramFormat, PROGRAM_EXPORTERS, PROGRAM_FORMATS } from '../export/index.ts';
import { EXPORT_FORMATS, exportGenome } from '../genome/export.ts';
import type { Hyper } from '../seeds/types.ts';
import { InputError } from '../util/errors.ts';
import { checkStoragePath, fileError, writeFileAtomic } from '../util/files.ts';
import { choiceFlag, hyperFlag, positional, textFlag } from './flags.ts';
import { GENOME_ARGUMENT, memberNote, resolveGenomeArg } from './genome-arg.ts';
import type { CliCommand, CliIO } from './io.ts';

const FORMATS = [...EXPORT_FORMATS, ...PROGRAM_FORMATS];
const USAGE = `l2l export <genome> [--format ${FORMATS.join('|')}] [--out FILE]`;

interface ExportOptions {
  format?: (typeof FORMATS)[number];
  out?: string;
  hyper?: Hyper;
}

export function exportCommand(io: CliIO): CliCommand {
  const command = new Command('export')
    .summary('write a genome\'s graph as JSON, DOT or Mermaid, or an optimizer as PyTorch, TensorFlow.js or ONNX')
    .description('Write a genome\'s graph as JSON (the genome format), Graphviz DOT or a Mermaid flowchart, or an optimizer genome as '
      + `${PROGRAM_FORMATS.map((f) => `${f}: ${PROGRAM_EXPORTERS[f].description}`).join('; ')} (docs/optimizer.md, Exports), to stdout or a file. `
      + 'Spiking and self-modifying genomes cannot be exported as programs.')
    .usage('<genome> [options]')
    .addArgument(new Argument('[genome]', GENOME_ARGUMENT))
    .addOption(choiceFlag('--format <format>', 'the output format', FORMATS, 'json'))
    .addOption(textFlag('--out <file>', 'write to this file (replaced atomically) instead of stdout', 'stdout'))
    .addOption(hyperFlag('--hyper <name=value>', 'override a seed\'s hyperparameter, as lr=0.01: repeat the flag or join pairs with commas'));
  return {
    command,
    run: (cmd) => {
      const source = positional(cmd.args[0], 'genome', USAGE);
      const opts = cmd.opts<ExportOptions>();
      if (opts.out !== undefined) checkStoragePath(opts.out, '--out');
      const format = opts.format ?? 'json';
      const resolved = resolveGenomeArg(source, opts.hyper);
      const genome = resolved.genome;
      const note = memberNote(resolved);
      if (note !== null) io.stderr(note);
      const text = isProgramFormat(format) ? exportProgram(genome, format) : exportGenome(genome, format);
      if (opts.out === undefined) {
        if (typeof text !== 'string') throw new InputError('--out', `must name a file for --format ${format}, a binary format`);
        io.stdout(text);
      } else {
        try {
          writeFileAtomic(opts.out, text, '--out');
        } catch (error) {
          // writeFileAtomic's cleanup can throw the system's error itself (rmSync of a temporary
          // file under a path that is not a folder): name the flag and path all the same.
          throw fileError(error, '--out', opts.out);
        }
      }
      return 0;
    },
  };
}
