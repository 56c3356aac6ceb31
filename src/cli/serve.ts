// `l2l serve [RUNS] [--port N] [--host ADDRESS]`: the report page of every run in a folder, live on
// a local port (src/report/server.ts, docs/report.md): the page redraws as generations land.
// The browser page (npm run build:web, docs/browser.md) is served at /play/.
// Ctrl-C (or SIGTERM) closes the server and its event streams and ends with 130 (143).

import { existsSync, mkdirSync } from 'node:fs';
import { Argument, Command } from 'commander';
import { startServer } from '../report/server.ts';
import { InputError } from '../util/errors.ts';
import { intFlag, textFlag } from './flags.ts';
import { serveUntilInterrupted, type CliCommand, type CliIO } from './io.ts';

export const DEFAULT_PORT = 8737;
const DEFAULT_FOLDER = 'runs';

export function serveCommand(io: CliIO): CliCommand {
  const command = new Command('serve')
    .summary('serve the report of every run in a folder, live as generations land')
    .description([
      'Serve the report page (l2l report) of every run directory in a folder on a local port, with a list of the runs;',
      'the page updates as generations land (server-sent events). Responses carry the cross-origin isolation headers',
      '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp). Ctrl-C stops the server.',
      'The browser page that runs the engine in Web Workers (docs/browser.md) is at /play/ once `npm run build:web` built it.',
    ].join(' '))
    .usage('[RUNS] [options]')
    .addArgument(new Argument('[RUNS]', `a folder of run directories, or one run directory (default: ${DEFAULT_FOLDER}, where l2l evolve writes)`))
    .addOption(intFlag('--port <n>', 'the port to listen on; 0: any free port', [0, 65535], DEFAULT_PORT))
    .addOption(textFlag('--host <address>', 'the address to listen on; the default serves this machine only', '127.0.0.1'));
  return { command, run: (cmd) => runServe(cmd, io) };
}

async function runServe(cmd: Command, io: CliIO): Promise<number> {
  if (cmd.args.length > 1) throw new InputError('serve', 'takes one folder: l2l serve [RUNS] [--port N]', cmd.args.join(' '));
  const folder = cmd.args[0] ?? DEFAULT_FOLDER;
  // The default folder is where l2l evolve writes: on a fresh checkout it is not there yet, and the
  // page (and /play/) should open all the same, listing no runs until the first one lands.
  if (cmd.args[0] === undefined && !existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    io.stderr(`l2l serve: no runs yet; made ${folder}/, where l2l evolve writes them\n`);
  }
  const { port, host } = cmd.opts<{ port?: number; host?: string }>();
  const server = await startServer({ folder, folderField: 'RUNS', port: port ?? DEFAULT_PORT, host: host ?? '127.0.0.1' });
  io.stdout(`l2l serve: the runs in ${folder} at ${server.url} (Ctrl-C stops)\n`);
  return serveUntilInterrupted(io, () => server.close(), 'l2l serve: stopped\n');
}
