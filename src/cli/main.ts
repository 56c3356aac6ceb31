// l2l command line: the only place that prints or exits. runCli runs the program (program.ts) on an
// argv with injected writers and answers the exit code, so tests run it in-process; main() is the
// thin process glue around it: stdout and stderr, signals, a closed output pipe, the exit code.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { DEBUG_ENV, EXIT, reportError } from './exit.ts';
import { Interrupt, STOP_SIGNALS, type CliIO, type StopSignal } from './io.ts';
import { buildProgram } from './program.ts';

/** Runs the l2l command line on `argv` (without node and the script) and answers the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(helpAsFlag(program, argv), { from: 'user' });
    return code;
  } catch (error) {
    return reportError(error, io);
  }
}

/** `l2l help CMD` as `l2l CMD --help`, and an unknown CMD alone, so it gets the unknown-command message. */
function helpAsFlag(program: Command, argv: readonly string[]): string[] {
  const [first, second] = argv;
  if (argv.length === 0 || (first === 'help' && second === undefined)) return ['--help'];
  if (first !== 'help' || second === undefined) return [...argv];
  return program.commands.some((c) => c.name() === second) ? [second, '--help'] : [second];
}

/** The process: runs the command line on process.argv and sets the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // A reader that goes away (`| head`) is not an error: stop at once, quietly.
  const onStreamError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);
  const interrupt = new Interrupt();
  const onSignal = (name: StopSignal): void => {
    if (interrupt.raise(name) === 'clean') return;
    interrupt.cleanStop?.onForce();
    process.exit(STOP_SIGNALS[name]);
  };
  for (const name of Object.keys(STOP_SIGNALS) as StopSignal[]) process.on(name, onSignal);
  const io: CliIO = {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
    interrupt,
    debug: process.env[DEBUG_ENV] === '1',
  };
  // exitCode rather than exit(): a large --json report written to a pipe is flushed before Node ends.
  process.exitCode = await runCli(argv, io);
  for (const name of Object.keys(STOP_SIGNALS) as StopSignal[]) process.off(name, onSignal);
}

// Run when executed directly (`tsx src/cli/main.ts`, as `npm start` does); bin/l2l.mjs calls main().
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) await main();
