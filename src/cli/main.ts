// l2l command line: the only place that prints or exits.

import { runDemo } from './demo.ts';

const USAGE = `usage: l2l <command>

commands:
  demo    run a spiking graph and an Adam optimizer graph in the WebAssembly engine and print what happened
  help    show this text
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'demo':
      if (rest.length > 0) return usageError(`demo takes no arguments (got ${rest.join(' ')})`);
      await runDemo((line) => console.log(line));
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      return usageError(`unknown command "${command}"`);
  }
}

function usageError(message: string): number {
  process.stderr.write(`l2l: ${message}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`l2l: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
