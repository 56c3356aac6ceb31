// `l2l evolve [--config FILE (JSON or YAML)] [--generations N] [--population N] [--tasks a,b] [--seed S]
// [--workers N] [--out DIR] [--resume DIR]`: an evolution run (src/evolve/) with a progress line per
// generation on stderr (generation, hypervolume, front size, species, evaluations per second, time
// left) and the run directory as its result. `l2l inspect DIR` summarises a run directory.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { resolveConfig } from '../evolve/config.ts';
import { evolve } from '../evolve/evolve.ts';
import { readMetrics, readCheckpoint } from '../evolve/rundir.ts';
import { InputError } from '../util/errors.ts';
import { intFlag, parseArgs } from './args.ts';

type Write = (text: string) => void;

/** A config file: YAML when it ends in .yaml or .yml, else JSON. */
function readConfigFile(file: string): unknown {
  const yaml = /\.ya?ml$/i.test(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError('--config', `must name a readable ${yaml ? 'YAML' : 'JSON'} file`, file);
  }
  try {
    return yaml ? parseYaml(text) as unknown : JSON.parse(text);
  } catch (error) {
    throw new InputError('--config', `must be valid ${yaml ? 'YAML' : 'JSON'} (${(error as Error).message.split('\n')[0]})`, file);
  }
}

export async function runEvolve(argv: readonly string[], write: Write, progress: Write): Promise<number> {
  const parsed = parseArgs('evolve', argv, {
    config: 'value', generations: 'value', population: 'value', tasks: 'value', seed: 'value', workers: 'value', out: 'value', resume: 'value',
  });
  if (parsed.positionals.length > 0) throw new InputError('evolve', 'takes no positional arguments', parsed.positionals.join(' '));
  const resume = parsed.values.get('resume');
  if (resume !== undefined && parsed.values.size > 1) throw new InputError('--resume', 'takes the run\'s own configuration: give no other flag', [...parsed.values.keys()].join(', '));
  const file = parsed.values.get('config');
  const tasks = parsed.values.get('tasks')?.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const config = resolveConfig(file === undefined ? {} : readConfigFile(file), {
    seed: parsed.values.has('seed') ? intFlag(parsed, 'seed', 0, 2 ** 31 - 1, 0) : undefined,
    generations: parsed.values.has('generations') ? intFlag(parsed, 'generations', 1, 100_000, 1) : undefined,
    population: parsed.values.has('population') ? intFlag(parsed, 'population', 2, 100_000, 2) : undefined,
    workers: parsed.values.has('workers') ? intFlag(parsed, 'workers', 1, 256, 1) : undefined,
    ...(tasks === undefined ? {} : { tasks }),
  });
  const out = resume ?? parsed.values.get('out') ?? `runs/evolve-${config.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const started = performance.now();
  let first = -1;
  const result = await evolve(config, {
    out,
    resume: resume !== undefined,
    onGeneration: (r, state, c) => {
      if (first < 0) first = r.generation;
      const done = r.generation - first + 1;
      const perGeneration = (performance.now() - started) / 1000 / done;
      const left = perGeneration * (c.generations - state.generation);
      const report = r.report === null ? '' : `  report hypervolume ${r.report.hypervolume.toFixed(4)}`;
      progress(`generation ${String(r.generation + 1).padStart(3)}/${c.generations}${report}  hypervolume ${r.hypervolume.toFixed(4)}  front ${String(r.frontSize).padStart(3)}  species ${String(r.species.length).padStart(3)}  ${r.evaluationsPerSecond.toFixed(0).padStart(6)} evaluations/s  tasks ${r.tasks.join(',')}  ETA ${left.toFixed(0)} s\n`);
    },
  });
  const seeds = result.final.members.filter((m) => m.made === 'seed').length;
  write(`run directory: ${out}\n`);
  write(`final front (generation ${result.final.generation}): ${result.final.members.length} genomes, ${result.final.members.length - seeds} of them evolved\n`);
  const hv = result.final.reportHypervolume;
  if (hv !== null) {
    const seeds = hv.seeds === null ? '' : `the 26 seeds ${hv.seeds.toFixed(4)}, `;
    write(`hypervolume on the report tasks: ${seeds}generation ${hv.first.generation}'s front ${hv.first.hypervolume.toFixed(4)}, generation ${hv.last.generation}'s front ${hv.last.hypervolume.toFixed(4)}\n`);
  }
  write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

export function runInspect(argv: readonly string[], write: Write): number {
  const parsed = parseArgs('inspect', argv, {});
  const [dir, ...extra] = parsed.positionals;
  if (dir === undefined) throw new InputError('run directory', 'is required: l2l inspect <DIR>');
  if (extra.length > 0) throw new InputError('inspect', 'takes one run directory', extra.join(' '));
  const { config, state } = readCheckpoint(dir);
  const metrics = readMetrics(dir);
  write(`run ${dir}: seed ${config.seed}, population ${config.population}, ${state.generation} of ${config.generations} generations done\n`);
  write('generation  report hv  plan hv  front  species  invalid  tasks\n');
  for (const m of metrics) {
    const invalid = Object.values(m.invalid).reduce((a, b) => a + b, 0);
    const report = m.report === null ? '-' : m.report.hypervolume.toFixed(4);
    write(`${String(m.generation).padStart(10)}  ${report.padStart(9)}  ${m.hypervolume.toFixed(4).padStart(7)}  ${String(m.frontSize).padStart(5)}  ${String(m.species.length).padStart(7)}  ${String(invalid).padStart(7)}  ${m.tasks.join(',')} (${m.steps} steps)\n`);
  }
  const last = metrics.at(-1);
  if (last !== undefined) {
    write(`best of generation ${last.generation}: ${Object.entries(last.best).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}\n`);
    write(`unlocked tasks: ${last.unlocked.join(', ')}\n`);
  }
  const seeds = metrics.find((m) => m.report?.seeds !== undefined)?.report?.seeds;
  if (seeds !== undefined) write(`report hv of the 26 seeds themselves: ${seeds.toFixed(4)}\n`);
  write('report hv: the front evaluated on the fixed report plan (every curriculum and held-out task), comparable across generations; plan hv: on the generation\'s own tasks, not comparable\n');
  return 0;
}
