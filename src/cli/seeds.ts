// `l2l seeds [--json]`: the seed library, each seed with its paper, rule, defaults and graph size.

import { Command } from 'commander';
import { stateBytesPerParameter } from '../genome/state.ts';
import { SEEDS } from '../seeds/index.ts';
import type { Seed } from '../seeds/types.ts';
import { switchFlag } from './flags.ts';
import type { CliCommand, CliIO } from './io.ts';

export interface SeedSummary {
  name: string;
  title: string;
  paper: string;
  rule: string;
  defaults: Record<string, number>;
  deviations?: string;
  nodes: number;
  edges: number;
  stateBytesPerParameter: number;
}

export function summarise(seed: Seed): SeedSummary {
  const genome = seed.build();
  return {
    name: seed.name,
    title: seed.title,
    paper: seed.paper,
    rule: seed.rule,
    defaults: { ...seed.defaults },
    ...(seed.deviations === undefined ? {} : { deviations: seed.deviations }),
    nodes: genome.nodes.length,
    edges: genome.edges.length,
    stateBytesPerParameter: stateBytesPerParameter(genome),
  };
}

export function formatDefaults(defaults: Readonly<Record<string, number>>): string {
  return Object.entries(defaults).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)';
}

export function seedsCommand(io: CliIO): CliCommand {
  const command = new Command('seeds')
    .summary('list the seed library: 26 known optimizers as genomes')
    .description('List the seed library: 26 known optimizers written as genomes, each with its paper, update rule, default hyperparameters and graph size.')
    .addOption(switchFlag('--json', 'print the list as JSON'));
  return { command, run: (cmd) => runSeeds(cmd.opts<{ json?: boolean }>().json === true, io) };
}

function runSeeds(json: boolean, io: CliIO): number {
  const summaries = SEEDS.map(summarise);
  if (json) {
    io.stdout(`${JSON.stringify(summaries, null, 2)}\n`);
    return 0;
  }
  const lines = [`${summaries.length} seeds; run one with: l2l eval seed:NAME --task quadratic`, ''];
  for (const s of summaries) {
    lines.push(`${s.name}  ${s.title}`);
    lines.push(`  paper     ${s.paper}`);
    lines.push(`  rule      ${s.rule.split('\n').join('\n            ')}`);
    lines.push(`  defaults  ${formatDefaults(s.defaults)}`);
    lines.push(`  graph     ${s.nodes} nodes, ${s.edges} edges, ${s.stateBytesPerParameter} bytes of state per parameter`);
    if (s.deviations !== undefined) lines.push(`  deviates  ${s.deviations}`);
    lines.push('');
  }
  io.stdout(lines.join('\n'));
  return 0;
}
