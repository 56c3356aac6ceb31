// docs/cli.md, written from the commander definitions (program.ts) so the page cannot drift from
// the code: `npm run docs:cli` writes it and test/integration/cli-doc.test.ts checks it is current.

import type { Argument, Command, Option } from 'commander';
import { DEBUG_ENV, EXIT_CODES } from './exit.ts';
import { flagInfo } from './flags.ts';
import type { CliIO } from './io.ts';
import { buildProgram } from './program.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${text}\``;

function flagRow(option: Option): string {
  const info = flagInfo(option);
  const values = [info.range ?? '', info.repeatable === true ? 'repeatable' : ''].filter((s) => s !== '').join('; ');
  return `| ${code(option.flags)} | ${cell(option.description)} | ${cell(info.default ?? '')} | ${cell(values)} |`;
}

function argumentRow(argument: Argument): string {
  return `| ${code(argument.name())} | ${cell(argument.description)} |`;
}

function commandSection(command: Command): string[] {
  const lines = [`## l2l ${command.name()}`, '', '```', `l2l ${command.name()} ${command.usage()}`.trimEnd(), '```', '', command.description(), ''];
  if (command.registeredArguments.length > 0) {
    lines.push('| argument | meaning |', '|---|---|', command.registeredArguments.map(argumentRow).join('\n'), '');
  }
  const options = command.options.filter((o) => o.long !== '--help');
  if (options.length > 0) {
    lines.push('| flag | meaning | default | values |', '|---|---|---|---|', options.map(flagRow).join('\n'), '');
  } else {
    lines.push('No flags.', '');
  }
  return lines;
}

export function cliDoc(): string {
  const silent: CliIO = { stdout: () => {}, stderr: () => {} };
  const program = buildProgram(silent, () => {});
  const lines = [
    '# The command line',
    '',
    '<!-- Generated from src/cli by `npm run docs:cli`; edit the flag definitions, not this page. -->',
    '',
    `${program.description()} Run it as \`npx l2l\` (bin/l2l.mjs) or \`npm start\` (\`l2l evolve\`).`,
    '',
    '```',
    'l2l <command> [options]',
    'l2l help <command>        (or l2l <command> --help): a command\'s flags',
    'l2l --version',
    '```',
    '',
    'A flag\'s value follows it (`--steps 500`) or an equals sign (`--steps=500`). A flag marked repeatable may be given',
    'more than once and takes comma-joined values (`--task quadratic --task rosenbrock,iris`); any other flag may be given',
    'once. A genome argument is `seed:NAME` (`l2l seeds`) or the path of a genome file: JSON (a UTF-8 byte order mark is',
    'fine), or msgpack when the name ends in `.msgpack`. Genome and config files must be regular files of at most 64 MiB.',
    '',
    '## Exit codes',
    '',
    '| code | meaning |',
    '|---|---|',
    ...EXIT_CODES.map((e) => `| ${e.code} | ${cell(e.meaning)} |`),
    '',
    'Every error is one line on stderr that names the command, flag, file or field and the rule it broke; bad input never',
    `prints a stack trace. An unexpected error (a bug) prints its message, and its stack trace too when ${code(`${DEBUG_ENV}=1`)} is set.`,
    '',
    '## Commands',
    '',
    '| command | what it does |',
    '|---|---|',
    ...program.commands.map((c) => `| [${code(c.name())}](#l2l-${c.name()}) | ${cell(c.summary())} |`),
    '',
    ...program.commands.flatMap(commandSection),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
