// `l2l inspect DIR`: a summary of a run directory: per generation the report and plan
// hypervolumes, the front size, species, invalid genomes and tasks; then the last generation's best
// objectives and the unlocked tasks. The files are read checked (src/evolve/rundir.ts).

import { Argument, Command } from 'commander';
import { readCheckpoint, readMetrics } from '../evolve/rundir.ts';
import { roleKit } from '../evolve/role.ts';
import { positional } from './flags.ts';
import type { CliCommand, CliIO } from './io.ts';

export function inspectCommand(io: CliIO): CliCommand {
  const command = new Command('inspect')
    .summary('summarise a run directory')
    .description('Summarise a run directory of l2l evolve: hypervolume, front size, species and invalid genomes per generation.')
    .usage('<DIR>')
    .addArgument(new Argument('[DIR]', 'a run directory (l2l evolve --out)'));
  return { command, run: (cmd) => runInspect(positional(cmd.args[0], 'run directory', 'l2l inspect <DIR>'), io) };
}

function runInspect(dir: string, io: CliIO): number {
  const { config, state } = readCheckpoint(dir);
  const metrics = readMetrics(dir);
  const lines = [
    `run ${dir}: ${config.role} role, seed ${config.seed}, population ${config.population}, ${state.generation} of ${config.generations} generations done`,
    'generation  report hv  plan hv  front  species  invalid  cache hits  updates saved  tasks',
  ];
  for (const m of metrics) {
    const invalid = Object.values(m.invalid).reduce((a, b) => a + b, 0);
    const report = m.report === null ? '-' : m.report.hypervolume.toFixed(4);
    const hits = `${m.cache.hits}/${m.cache.lookups}`;
    const saved = `${(100 * m.updates.saved / Math.max(1, m.updates.trained + m.updates.saved)).toFixed(1)}%`;
    lines.push(`${String(m.generation).padStart(10)}  ${report.padStart(9)}  ${m.hypervolume.toFixed(4).padStart(7)}  ${String(m.frontSize).padStart(5)}  ${String(m.species.length).padStart(7)}  ${String(invalid).padStart(7)}  ${hits.padStart(10)}  ${saved.padStart(13)}  ${m.tasks.join(',')} (${m.steps} steps)`);
  }
  const last = metrics.at(-1);
  if (last !== undefined) {
    // A generation without a valid genome has no best (null in JSON).
    lines.push(`best of generation ${last.generation}: ${Object.entries(last.best).map(([k, v]) => `${k} ${(v as number | null)?.toPrecision(4) ?? '-'}`).join(', ')}`);
    lines.push(`seed lineages alive: ${last.lineages} of ${roleKit(config.role).seeds.length}`);
    lines.push(`unlocked tasks: ${last.unlocked.join(', ')}`);
  }
  const seeds = metrics.find((m) => m.report?.seeds !== undefined)?.report?.seeds;
  if (seeds !== undefined) lines.push(`report hv of the ${roleKit(config.role).seeds.length} seeds themselves: ${seeds.toFixed(4)}`);
  lines.push('report hv: the front evaluated on the fixed report plan (the held-out tasks, every genome at its best step size), comparable across generations; plan hv: on the generation\'s own tasks, not comparable');
  lines.push('cache hits: genomes answered from an earlier one with the same functional fingerprint and cost profile; updates saved: the share of updates hurdles did not run');
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
