// `l2l export <genome.json | seed:NAME> [--format json|dot|mermaid] [--hyper ...] [--out FILE]`:
// writes the graph in one of the export formats (src/genome/export.ts), to stdout by default. A
// file is replaced atomically, so a reader never sees half a graph, and never on a pseudo-filesystem
// (/proc, /sys, /dev), where a rename would replace a device or fail oddly.

import { Argument, Command } from 'commander';
import { EXPORT_FORMATS, exportGenome } from '../genome/export.ts';
import { resolveGenome } from '../seeds/index.ts';
import type { Hyper } from '../seeds/types.ts';
import { checkStoragePath, fileError, writeFileAtomic } from '../util/files.ts';
import { choiceFlag, hyperFlag, positional, textFlag } from './flags.ts';
import type { CliCommand, CliIO } from './io.ts';

const USAGE = 'l2l export <genome> [--format json|dot|mermaid] [--out FILE]';

interface ExportOptions {
  format?: (typeof EXPORT_FORMATS)[number];
  out?: string;
  hyper?: Hyper;
}

export function exportCommand(io: CliIO): CliCommand {
  const command = new Command('export')
    .summary('write a genome\'s graph as JSON, Graphviz DOT or a Mermaid flowchart')
    .description('Write a genome\'s graph as JSON (the genome format), Graphviz DOT or a Mermaid flowchart, to stdout or a file.')
    .usage('<genome> [options]')
    .addArgument(new Argument('[genome]', 'seed:NAME (l2l seeds) or a genome file (JSON; .msgpack: msgpack)'))
    .addOption(choiceFlag('--format <format>', 'the output format', EXPORT_FORMATS, 'json'))
    .addOption(textFlag('--out <file>', 'write to this file (replaced atomically) instead of stdout', 'stdout'))
    .addOption(hyperFlag('--hyper <name=value>', 'override a seed\'s hyperparameter, as lr=0.01: repeat the flag or join pairs with commas'));
  return {
    command,
    run: (cmd) => {
      const source = positional(cmd.args[0], 'genome', USAGE);
      const opts = cmd.opts<ExportOptions>();
      if (opts.out !== undefined) checkStoragePath(opts.out, '--out');
      const text = exportGenome(resolveGenome(source, opts.hyper), opts.format ?? 'json');
      if (opts.out === undefined) io.stdout(text);
      else {
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
