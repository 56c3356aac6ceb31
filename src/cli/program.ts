// The l2l command line as commander definitions: the commands, their flags (flags.ts) and help.
// main.ts runs it; doc.ts writes docs/cli.md from the same definitions, so the two cannot drift.

import { readFileSync } from 'node:fs';
import { Command, type Help, type Option } from 'commander';
import { demoCommand } from './demo.ts';
import { evalCommand } from './eval.ts';
import { evolveCommand } from './evolve.ts';
import { DEBUG_ENV, EXIT_CODES } from './exit.ts';
import { exportCommand } from './export.ts';
import { flagInfo } from './flags.ts';
import { inspectCommand } from './inspect.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import type { CliCommand, CliIO } from './io.ts';
import { seedsCommand } from './seeds.ts';
import { workerCommand } from './worker.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The commands, in the order help lists them. */
export const COMMANDS: readonly ((io: CliIO) => CliCommand)[] = [demoCommand, seedsCommand, evalCommand, exportCommand, evolveCommand, inspectCommand, reportCommand, serveCommand, workerCommand];

/** A flag's description with its default, range and whether it repeats, as help shows it. */
export function describeFlag(option: Option): string {
  const info = flagInfo(option);
  const extra = [
    info.range === undefined ? '' : `values: ${info.range}`,
    info.default === undefined ? '' : `default: ${info.default}`,
    info.repeatable === true ? 'repeatable' : '',
  ].filter((s) => s !== '');
  return extra.length === 0 ? option.description : `${option.description} (${extra.join('; ')})`;
}

export const EXIT_HELP = [
  'Exit codes:',
  ...EXIT_CODES.map(({ code, meaning }) => `  ${String(code).padEnd(4)}${meaning}`),
  '',
  'Environment:',
  `  ${DEBUG_ENV}=1  an unexpected error (a bug) prints its stack trace`,
].join('\n');

const PROGRAM_HELP = [
  '',
  'A genome argument is seed:NAME (see l2l seeds), the path of a genome file (JSON; .msgpack: msgpack) or RUN#ID, genome ID of a front of the run directory RUN (with its step-size scale built in).',
  'l2l help COMMAND or l2l COMMAND --help prints a command\'s flags; docs/cli.md has them all.',
  '',
  EXIT_HELP,
].join('\n');

function configure(command: Command, io: CliIO): Command {
  return command
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(`l2l: ${text.replace(/^error: /, '')}`),
      getOutHelpWidth: () => io.columns ?? 100,
      getErrHelpWidth: () => io.columns ?? 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .configureHelp({
      optionDescription: describeFlag,
      subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}`.trimEnd(),
    } satisfies Partial<Help>)
    .helpOption('-h, --help', 'print this help')
    .exitOverride()
    .showSuggestionAfterError();
}

/**
 * The program; `done` receives the exit code of the command that ran. Built anew for each run:
 * commander keeps parsed values on its objects.
 */
export function buildProgram(io: CliIO, done: (code: number) => void): Command {
  const program = configure(new Command('l2l'), io)
    .description('l2l: evolve learning algorithms written as cyclic, spiking, self-modifying graphs.')
    .usage('<command> [options]')
    .version(VERSION, '-V, --version', 'print the version')
    .helpCommand('help [command]', 'print the help of a command')
    .showHelpAfterError('(l2l --help lists the commands)')
    .addHelpText('after', PROGRAM_HELP);
  for (const make of COMMANDS) {
    const { command, run } = make(io);
    configure(command, io)
      .showHelpAfterError(`(l2l ${command.name()} --help lists its flags)`)
      .addHelpText('after', `\nExit codes: ${EXIT_CODES.map((e) => e.code).join(', ')} (l2l --help says what each means).`)
      .action(async (...args: unknown[]) => {
        done(await run(args.at(-1) as Command));
      });
    program.addCommand(command);
  }
  return program;
}
