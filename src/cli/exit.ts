// The exit codes of l2l (docs/cli.md, `l2l --help`) and how an error thrown by a command becomes
// one: bad input names the flag or field and the rule, an environment failure names the path, and
// only an unexpected error (a bug) may print a stack trace, and only with L2L_DEBUG=1.

import { CommanderError } from 'commander';
import { DistributedError } from '../distributed/jobs.ts';
import { TimeLimitError } from '../pool/timed.ts';
import { FileSystemError, InputError } from '../util/errors.ts';
import { STOP_SIGNALS, type CliIO } from './io.ts';

export const EXIT = {
  ok: 0,
  failure: 1,
  input: 2,
  /** As timeout(1) does. */
  timeLimit: 124,
  interrupted: STOP_SIGNALS.SIGINT,
  terminated: STOP_SIGNALS.SIGTERM,
} as const;

export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: EXIT.ok, meaning: 'success (also when the reader of the output goes away, as `| head` does)' },
  { code: EXIT.failure, meaning: 'failure: the file system (a full disk, an I/O error), Redis (evolve --redis), or a bug' },
  { code: EXIT.input, meaning: 'bad input: an unknown command or flag, a bad value, a bad file; the message names it and the rule' },
  { code: EXIT.timeLimit, meaning: 'a time limit was hit (eval --time-limit)' },
  { code: EXIT.interrupted, meaning: 'interrupted by Ctrl-C (SIGINT); evolve finishes and checkpoints its generation first' },
  { code: EXIT.terminated, meaning: 'stopped by SIGTERM, handled as Ctrl-C' },
];

/** The environment variable that makes an unexpected error print its stack trace. */
export const DEBUG_ENV = 'L2L_DEBUG';

/** Prints `error` the way its kind asks for and answers the exit code. */
export function reportError(error: unknown, io: CliIO): number {
  // Commander printed its own message (an unknown flag, --help) before throwing; for a command
  // line without a command (`l2l --`) it printed the help alone, so say what was missing.
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.ok;
    if (error.code === 'commander.help') io.stderr('l2l: a command is required\n');
    return EXIT.input;
  }
  if (error instanceof InputError) {
    io.stderr(`l2l: ${error.message}\n`);
    return EXIT.input;
  }
  // Its message names the task, the limit and --time-limit.
  if (error instanceof TimeLimitError) {
    io.stderr(`l2l: ${error.message}\n`);
    return EXIT.timeLimit;
  }
  // Redis lost or a job failed: the message names the Redis URL and how to resume.
  if (error instanceof FileSystemError || error instanceof DistributedError) {
    io.stderr(`l2l: ${error.message}\n`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (io.debug === true && error instanceof Error && error.stack !== undefined) io.stderr(`l2l: internal error: ${error.stack}\n`);
  else io.stderr(`l2l: internal error: ${message} (${DEBUG_ENV}=1 prints the stack trace)\n`);
  return EXIT.failure;
}
