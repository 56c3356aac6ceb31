// Real Redis servers and l2l worker processes for the distributed tests and the benchmark: a
// redis-server of Debian's on a free loopback port, without persistence, that a test can stop and
// start again on the same port; and `node bin/l2l.mjs worker` processes whose stderr is watched.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REDIS_SERVER = '/usr/bin/redis-server';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const L2L = fileURLToPath(new URL('../../bin/l2l.mjs', import.meta.url));

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves when `text` has appeared in what `child` wrote to `stream`; rejects after `ms`. */
export function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', text: string | RegExp, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(text)} within ${ms} ms; got: ${seen.slice(-2000)}`)), ms);
    const check = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = typeof text === 'string' ? seen.includes(text) : text.test(seen);
      if (match) {
        clearTimeout(timer);
        child[stream]?.off('data', check);
        resolve(seen);
      }
    };
    child[stream]?.on('data', check);
  });
}

export class RedisServer {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: install Debian's redis-server (apt-get install redis-server; .ci/run does)`);
    const server = new RedisServer(await freePort());
    await server.up();
    return server;
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server on its port (again, after stop()). */
  async up(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await waitFor(child, 'stdout', 'Ready to accept connections', 10_000);
  }

  /** Kills the server (SIGKILL: as a crash) and waits for it to end. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const ended = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await ended;
    this.child = undefined;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `l2l worker --redis URL` as a process, serving once it says it waits. Watched (the tests), it logs
 * each job and gives up a dead worker's jobs after 1 s; otherwise (the benchmark) it runs as the
 * README starts it.
 */
export async function startWorker(url: string, extra: string[] = [], watched = true): Promise<WorkerProcess> {
  const testFlags = watched ? ['--stall-ms', '1000', '--log-jobs'] : [];
  const child = spawn(process.execPath, [L2L, 'worker', '--redis', url, ...testFlags, ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  await waitFor(child, 'stderr', 'waiting for runs', 20_000);
  return {
    child,
    log: () => text,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const ended = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await ended;
    },
  };
}
