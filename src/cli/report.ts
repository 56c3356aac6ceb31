// `l2l report RUN [--out FILE]`: a run directory's report as one self-contained HTML file
// (src/report/, docs/report.md), RUN/report.html by default; it opens from disk with no network.

import { Argument, Command } from 'commander';
import { REPORT_FILE, writeReport } from '../report/report.ts';
import { InputError } from '../util/errors.ts';
import { positional, textFlag } from './flags.ts';
import type { CliCommand, CliIO } from './io.ts';

const USAGE = 'l2l report <RUN> [--out FILE]';

export function reportCommand(io: CliIO): CliCommand {
  const command = new Command('report')
    .summary('write a run\'s report: one HTML file that opens from disk')
    .description([
      'Write the report of a run directory of l2l evolve as one self-contained HTML file: hypervolume curves, Pareto fronts per generation,',
      'species, the held-out table, invalid genomes by reason, the surrogate\'s losses, and every final-front genome drawn as a graph with its formula (docs/report.md).',
      'The file needs no network and no server; l2l serve shows the same page live.',
    ].join(' '))
    .usage('<RUN> [options]')
    .addArgument(new Argument('[RUN]', 'a run directory (l2l evolve --out)'))
    .addOption(textFlag('--out <file>', 'the HTML file to write (replaced atomically)', `RUN/${REPORT_FILE}`));
  return {
    command,
    run: async (cmd) => {
      if (cmd.args.length > 1) throw new InputError('report', `takes one run directory: ${USAGE}`, cmd.args.join(' '));
      const dir = positional(cmd.args[0], 'RUN', USAGE);
      const { out } = cmd.opts<{ out?: string }>();
      const written = await writeReport(dir, out);
      io.stdout(`report: ${written.path} (${(written.bytes / 1024 / 1024).toFixed(1)} MB; open it in a browser)\n`);
      return 0;
    },
  };
}
