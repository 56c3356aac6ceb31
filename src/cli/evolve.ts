// `l2l evolve`: an evolution run (src/evolve/) from the defaults, a config file and flags, or the
// resume of one from its run directory, with progress on stderr (progress.ts) and a summary of the
// final front on stdout. Ctrl-C (or SIGTERM) finishes and checkpoints the generation under way and
// ends with exit code 130 (143) and how to resume; a second one ends the process at once, which is
// safe because every checkpoint is written whole.

import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { MAX_WORKERS } from '../evolve/config-schema.ts';
import { checkWorkers, DEFAULT_CONFIG, RESUMABLE_KEYS, resolveConfig } from '../evolve/config.ts';
import { evolve, type EvolveResult, type ResumeChanges, type RunStart } from '../evolve/evolve.ts';
import { formatHeldOutTable } from '../evolve/heldout.ts';
import { ROLES, roleKit, type Role } from '../evolve/role.ts';
import { InputError } from '../util/errors.ts';
import { checkStoragePath, readInputText } from '../util/files.ts';
import { RedisEvaluator } from '../distributed/client.ts';
import { redisUrl } from '../distributed/jobs.ts';
import { choiceFlag, configRange, intFlag, listFlag, SEED_RANGE, switchFlag, textFlag, TIME_LIMIT_RANGE, urlFlag } from './flags.ts';
import { STOP_SIGNALS, type CliCommand, type CliIO } from './io.ts';
import { progressOf } from './progress.ts';
import { trackerOf } from './tracking.ts';
import { redisFlag } from './worker.ts';

interface EvolveFlags {
  config?: string;
  role?: Role;
  generations?: number;
  population?: number;
  tasks?: string[];
  seed?: number;
  workers?: number;
  forceWorkers?: boolean;
  timeLimit?: number;
  out?: string;
  resume?: string;
  mlflow?: URL;
  mlflowExperiment?: string;
  redis?: string;
}

/** The flag that sets each configuration key a resumed run may change. */
const RESUME_FLAGS: Record<(typeof RESUMABLE_KEYS)[number], string> = {
  generations: '--generations', workers: '--workers', timeLimitMs: '--time-limit',
};
/** What may come with --resume: the resumable keys' flags and what qualifies them. */
const WITH_RESUME = new Set(['--resume', ...RESUMABLE_KEYS.map((k) => RESUME_FLAGS[k]), '--force-workers']);
/**
 * Flags that only say where the run is reported (docs/tracking.md) or where its genomes are
 * evaluated (docs/scale-out.md: the same results): they may come with anything.
 */
const REPORTING = new Set(['--mlflow', '--mlflow-experiment', '--redis']);

export function evolveCommand(io: CliIO): CliCommand {
  const command = new Command('evolve')
    .summary('evolve optimizers from the 26 seeds (or learners from the learner seeds), or resume a run')
    .description([
      'Evolve optimizers from the 26 seeds, or with --role learner learners from the learner seeds (docs/learner.md): NEAT speciation, NSGA-II selection, a task curriculum (docs/evolution.md).',
      'Settings: the defaults, then the --config file (JSON, or YAML for .yaml/.yml: any subset of src/evolve/config.ts\'s keys), then the flags.',
      'Progress goes to stderr (a bar on a terminal, a line per generation otherwise); the run directory is the result.',
      'Ctrl-C finishes and checkpoints the generation under way, then exits 130; a second Ctrl-C stops at once.',
    ].join(' '))
    .addOption(textFlag('--config <file>', 'a JSON or YAML config file', 'none: the defaults'))
    .addOption(choiceFlag('--role <role>', 'what to evolve: optimizers (they update a model\'s parameters) or learners (they are the learner); each role has its own defaults and tasks (config key role)', ROLES, DEFAULT_CONFIG.role))
    .addOption(intFlag('--generations <n>', 'generations to run (on --resume: the new total)', configRange('generations'), DEFAULT_CONFIG.generations))
    .addOption(intFlag('--population <n>', 'genomes per generation', configRange('population'), DEFAULT_CONFIG.population))
    .addOption(listFlag('--tasks <names>', 'the curriculum\'s tasks, without prerequisites: repeat the flag or join names with commas', 'task names as in l2l eval --task', DEFAULT_CONFIG.curriculum.tasks.map((t) => t.task).join(',')))
    .addOption(intFlag('--seed <s>', 'the run seed: the same seed gives the same run, with any number of workers', SEED_RANGE, DEFAULT_CONFIG.seed))
    .addOption(workersFlag())
    .addOption(switchFlag('--force-workers', 'allow more workers than this machine has cores'))
    .addOption(intFlag('--time-limit <ms>', 'the wall-clock safety net of one task evaluation (config key timeLimitMs); over it, the genome is invalid (timeout)', TIME_LIMIT_RANGE, DEFAULT_CONFIG.timeLimitMs))
    .addOption(textFlag('--out <dir>', 'the run directory to create (a new or empty folder)', 'runs/evolve-SEED-TIME'))
    .addOption(textFlag('--resume <dir>', `continue the run in this directory from its last checkpoint; only ${[...WITH_RESUME].filter((f) => f !== '--resume').join(', ')} may come with it (and ${[...REPORTING].join(', ')})`, 'none: a fresh run'))
    .addOption(urlFlag('--mlflow <uri>', 'also track the run in the MLflow tracking server at this address: parameters, metrics per generation, fronts and species as artifacts (docs/tracking.md); a tracker failure is reported and never stops the run', 'none: no tracking'))
    .addOption(textFlag('--mlflow-experiment <name>', 'the MLflow experiment the run goes in, created when missing (with --mlflow)', 'l2l'))
    .addOption(redisFlag('evaluate on the l2l worker processes of this Redis server instead of local worker threads (docs/scale-out.md): the same results', 'none: local worker threads'));
  return { command, run: (cmd) => runEvolve(cmd, io) };
}

function workersFlag(): ReturnType<typeof intFlag> {
  // The upper bound depends on the machine and on --force-workers, so checkWorkers checks it once
  // all flags are parsed; the help states both bounds.
  return intFlag('--workers <n>', `worker threads evaluating genomes: at most the machine's available parallelism, or ${MAX_WORKERS} with --force-workers`, [1, MAX_WORKERS], `${DEFAULT_CONFIG.workers}, at most the available parallelism`);
}

/** A config file: YAML when it ends in .yaml or .yml, else JSON. */
function readConfigFile(file: string): unknown {
  const yaml = /\.ya?ml$/i.test(file);
  const text = readInputText(file, '--config');
  try {
    return yaml ? parseYaml(text) as unknown : JSON.parse(text);
  } catch (error) {
    throw new InputError('--config', `must be valid ${yaml ? 'YAML' : 'JSON'} (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`, file);
  }
}

/** The flags given on the command line (not defaults), as written. */
function givenFlags(cmd: Command): string[] {
  return cmd.options.filter((o) => cmd.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long ?? o.flags);
}

function runStart(cmd: Command, flags: EvolveFlags): { start: RunStart; out: string; outField: string } {
  const forceWorkers = flags.forceWorkers === true;
  if (flags.workers !== undefined) checkWorkers(flags.workers, '--workers', { forceWorkers });
  if (flags.resume !== undefined) {
    const refused = givenFlags(cmd).filter((f) => !WITH_RESUME.has(f) && !REPORTING.has(f));
    if (refused.length > 0) {
      throw new InputError(refused[0] as string, `cannot come with --resume: a resumed run keeps its configuration except ${[...WITH_RESUME].filter((f) => f !== '--resume').join(', ')}`);
    }
    const resume: ResumeChanges = {
      ...(flags.generations === undefined ? {} : { generations: flags.generations }),
      ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      ...(flags.timeLimit === undefined ? {} : { timeLimitMs: flags.timeLimit }),
      ...(forceWorkers ? { forceWorkers } : {}),
    };
    return { start: { resume }, out: flags.resume, outField: '--resume' };
  }
  const config = resolveConfig(flags.config === undefined ? {} : readConfigFile(flags.config), {
    ...(flags.role === undefined ? {} : { role: flags.role }), seed: flags.seed, generations: flags.generations, population: flags.population, workers: flags.workers, timeLimitMs: flags.timeLimit, tasks: flags.tasks,
  }, { forceWorkers });
  const out = flags.out ?? `runs/evolve-${config.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // Early, so `--out /proc/x` fails before any work (the run directory checks it again).
  checkStoragePath(out, '--out');
  return { start: { config }, out, outField: '--out' };
}

/** `text` quoted for a POSIX shell when it needs it, for a command the user can paste. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

async function runEvolve(cmd: Command, io: CliIO): Promise<number> {
  if (cmd.args.length > 0) throw new InputError('evolve', 'takes no positional arguments', cmd.args.join(' '));
  const flags = cmd.opts<EvolveFlags>();
  const { start, out, outField } = runStart(cmd, flags);
  const began = performance.now();
  const progress = progressOf(io);
  const tracker = trackerOf(flags, out, progress);
  const resumeHint = `l2l evolve --resume ${shellWord(out)}`;
  const interrupt = io.interrupt;
  let generation = 0;
  const onAbort = (): void => {
    const what = interrupt?.received === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C';
    progress.note(`l2l: ${what}: finishing and checkpointing generation ${generation + 1}, then stopping; Ctrl-C again stops at once (the last checkpoint is whole)`);
  };
  if (interrupt !== undefined) {
    interrupt.cleanStop = {
      onForce: () => {
        progress.stop();
        io.stderr(`l2l: stopped; continue from the last checkpoint with: ${resumeHint}\n`);
      },
    };
    interrupt.signal.addEventListener('abort', onAbort, { once: true });
  }
  let result: EvolveResult;
  // --workers does not apply with --redis: the workers are the l2l worker processes.
  const redis = flags.redis === undefined ? undefined : new RedisEvaluator({
    url: redisUrl(flags.redis, '--redis'), run: out, timeLimitMs: flags.timeLimit ?? DEFAULT_CONFIG.timeLimitMs, resumeHint: `${resumeHint} --redis ${shellWord(flags.redis)}`,
  });
  try {
    if (redis !== undefined) {
      await redis.open();
      progress.note(`l2l: evaluating on the workers of queue ${redis.queueName} (start them with: l2l worker --redis ${shellWord(flags.redis ?? '')})`);
    }
    result = await evolve(start, {
      out,
      outField,
      ...(redis === undefined ? {} : { evaluator: redis.evaluate }),
      ...(interrupt === undefined ? {} : { signal: interrupt.signal }),
      onStart: (info) => {
        generation = info.generation;
        if (redis !== undefined) redis.timeLimitMs = info.config.timeLimitMs;
        for (const note of info.notes) progress.note(`l2l: ${note}`);
        if (info.resumed) progress.note(`resuming ${out} at generation ${info.generation} of ${info.config.generations}`);
        progress.start(info.generation, info.config.generations);
        tracker?.start(info);
      },
      onGeneration: (report, state, config) => {
        generation = state.generation;
        progress.generation(report, state, config);
        tracker?.generation(report);
      },
    });
  } catch (error) {
    await tracker?.finish('FAILED');
    throw error;
  } finally {
    await redis?.close();
    progress.stop();
    if (interrupt !== undefined) {
      interrupt.cleanStop = undefined;
      interrupt.signal.removeEventListener('abort', onAbort);
    }
  }
  const tracked = (await tracker?.finish(result.interrupted || result.final === null ? 'KILLED' : 'FINISHED')) ?? null;
  if (result.interrupted || result.final === null) {
    io.stderr(`l2l: stopped after generation ${result.state.generation} of ${result.config.generations}; continue with: ${resumeHint}\n`);
    return STOP_SIGNALS[interrupt?.received ?? 'SIGINT'];
  }
  writeSummary(io, out, result.final, began, result.config.role, tracked);
  return 0;
}

function writeSummary(io: CliIO, out: string, final: NonNullable<EvolveResult['final']>, began: number, role: Role, tracked: string | null): void {
  const seeds = final.members.filter((m) => m.born === 'seed').length;
  const born = new Map<string, number>();
  for (const m of final.members) if (m.born !== 'seed') born.set(m.born, (born.get(m.born) ?? 0) + 1);
  const how = [...born].map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [
    `run directory: ${out}`,
    `final front (generation ${final.generation}): ${final.members.length} genomes, ${final.members.length - seeds} of them evolved${how === '' ? '' : ` (born by ${how})`}`,
  ];
  const hv = final.reportHypervolume;
  if (hv !== null) {
    const ofSeeds = hv.seeds === null ? '' : `the ${roleKit(role).seeds.length} seeds ${hv.seeds.toFixed(4)}, `;
    lines.push(`hypervolume on the report tasks: ${ofSeeds}generation ${hv.first.generation}'s front ${hv.first.hypervolume.toFixed(4)}, generation ${hv.last.generation}'s front ${hv.last.hypervolume.toFixed(4)}`);
  }
  if (final.table !== null) for (const line of formatHeldOutTable(final.table, role)) lines.push(line);
  if (tracked !== null) lines.push(tracked);
  lines.push(`${((performance.now() - began) / 1000).toFixed(1)} s`);
  io.stdout(`${lines.join('\n')}\n`);
}
