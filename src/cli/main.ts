// l2l command line: the only place that prints or exits. Each command lives in its own file; bad
// arguments (an InputError naming the flag or field and the rule) exit with code 2.

import { InputError } from '../util/errors.ts';
import { runDemo } from './demo.ts';
import { runEval } from './eval.ts';
import { runEvolve, runInspect } from './evolve.ts';
import { runExport } from './export.ts';
import { runSeeds } from './seeds.ts';

const USAGE = `usage: l2l <command> [arguments]

commands:
  demo      run a spiking graph and an Adam optimizer graph in the WebAssembly engine and print what happened
  seeds [--json]
            list the seed library: 26 known optimizers as genomes, with paper, rule and defaults
  eval <genome.json | seed:NAME> --task NAME[,NAME...] [--steps N] [--batch-size B] [--seed S] [--every K]
       [--hyper k=v,...] [--json]
            train with an optimizer genome on tasks and print the training loss per step and every metric
            (validation loss, loss area, normalised losses, time and memory cost, validity);
            tasks: regression, classification[:spirals|circles|blobs], iris[:logistic|mlp], linreg-8,
            quadratic, quadratic-noisy, quadratic-split, rosenbrock; N and B default to each task's
            defaults, S (the run seed) to 0; --every K prints every K-th step; --hyper overrides a seed's
            hyperparameters (lr=0.01,...); --json prints one JSON object (trainLoss: N + 1 losses)
  export <genome.json | seed:NAME> [--format json|dot|mermaid] [--out FILE] [--hyper k=v,...]
            write the graph as JSON (default), Graphviz DOT or a Mermaid flowchart, to stdout or FILE
  evolve [--config FILE] [--generations N] [--population N] [--tasks a,b] [--seed S] [--workers N]
         [--out DIR] [--resume DIR]
            evolve optimizers from the 26 seeds (NEAT speciation, NSGA-II selection, a task curriculum);
            a progress line per generation on stderr; writes the run directory (default runs/evolve-...)
  inspect DIR
            summarise a run directory: hypervolume, front size, species and invalid genomes per generation
  help      show this text

A genome argument is seed:NAME (see l2l seeds) or the path of a genome JSON file (.msgpack: msgpack).
`;

const write = (text: string): void => {
  process.stdout.write(text);
};

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'demo':
      if (rest.length > 0) return usageError(`demo takes no arguments (got ${rest.join(' ')})`);
      await runDemo((line) => console.log(line));
      return 0;
    case 'seeds':
      return runSeeds(rest, write);
    case 'eval':
      return runEval(rest, write);
    case 'export':
      return runExport(rest, write);
    case 'evolve':
      return runEvolve(rest, write, (text) => process.stderr.write(text));
    case 'inspect':
      return runInspect(rest, write);
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

// exitCode rather than exit(): a large --json report written to a pipe is flushed before Node ends.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`l2l: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof InputError ? 2 : 1;
  },
);
