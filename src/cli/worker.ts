// `l2l worker --redis URL`: evaluates the genomes of every distributed run registered in that Redis
// (src/distributed/worker.ts, docs/scale-out.md) until Ctrl-C or SIGTERM, which let the jobs under
// way finish and end with 130 (143). Also the --redis flag, which `l2l evolve` shares.

import os from 'node:os';
import { Command, type Option } from 'commander';
import { redisUrl, shownUrl } from '../distributed/jobs.ts';
import { serve } from '../distributed/worker.ts';
import { InputError } from '../util/errors.ts';
import { intFlag, parsedFlag, switchFlag } from './flags.ts';
import { serveUntilInterrupted, type CliCommand, type CliIO } from './io.ts';

const DEFAULT_STALL_MS = 30_000;

/** `--redis <url>`: a redis:// or rediss:// URL, once; kept as written (it goes into the resume hint). */
export function redisFlag(description: string, fallback?: string): Option {
  return parsedFlag('--redis <url>', description, { range: 'a redis:// or rediss:// URL', ...(fallback === undefined ? {} : { default: fallback }) }, (text) => {
    redisUrl(text, '--redis');
    return text;
  });
}

export function workerCommand(io: CliIO): CliCommand {
  const command = new Command('worker')
    .summary('evaluate genomes for the distributed runs (l2l evolve --redis) of a Redis server')
    .description([
      'Evaluate genomes for every l2l evolve --redis run registered in the Redis server at --redis, as they come (docs/scale-out.md).',
      'Start as many as you like, on this machine or others; a run gives the same results whatever the number of workers.',
      'A worker that dies holding a job loses it to another worker after --stall-ms. Ctrl-C stops taking jobs, finishes the ones under way and exits 130.',
    ].join(' '))
    .addOption(redisFlag('the Redis server to take jobs from (required)', 'none: required'))
    .addOption(intFlag('--threads <n>', 'evaluation threads (a pool, as a local run has); the worker takes one job more than this at a time', [1, 256], 1))
    .addOption(intFlag('--stall-ms <ms>', 'how long a job held by a worker that died waits before another worker takes it (BullMQ lockDuration and stalledInterval)', [200, 600_000], DEFAULT_STALL_MS))
    .addOption(switchFlag('--log-jobs', 'print a line on stderr as each job starts'));
  return { command, run: (cmd) => runWorker(cmd, io) };
}

async function runWorker(cmd: Command, io: CliIO): Promise<number> {
  if (cmd.args.length > 0) throw new InputError('worker', 'takes no positional arguments', cmd.args.join(' '));
  const flags = cmd.opts<{ redis?: string; threads?: number; stallMs?: number; logJobs?: boolean }>();
  if (flags.redis === undefined) throw new InputError('--redis', 'is required: the Redis server to take jobs from, such as redis://127.0.0.1:6379');
  const url = redisUrl(flags.redis, '--redis');
  const threads = flags.threads ?? 1;
  if (threads > os.availableParallelism()) io.stderr(`l2l worker: note: ${threads} threads on ${os.availableParallelism()} cores\n`);
  const serving = await serve({
    url, threads, stallMs: flags.stallMs ?? DEFAULT_STALL_MS,
    log: (line) => io.stderr(`${line}\n`),
    ...(flags.logJobs === true ? { onJob: (queue: string, id: string) => io.stderr(`l2l worker: job ${id} of ${queue}\n`) } : {}),
  });
  io.stderr(`l2l worker: waiting for runs at ${shownUrl(url)} (Ctrl-C stops)\n`);
  return serveUntilInterrupted(io, () => serving.close(), 'l2l worker: stopped\n');
}
