// Runs a test function in the main thread of a fresh Node process, as the command line runs. Test
// files run in worker threads, whose stacks are four times the main thread's, so a call that
// overflows the stack in `l2l eval` (an argument spread over a data-sized array) may pass there.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ENTRY = new URL('./main-thread-entry.ts', import.meta.url);

/** Calls export `name` of `module` with `arg` in a new process's main thread; its JSON answer. */
export function inMainThread<T>(module: URL, name: string, arg: unknown = null): T {
  const out = execFileSync(process.execPath, ['--import', TSX_LOADER, ENTRY.pathname, module.href, name, JSON.stringify(arg)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
  });
  return JSON.parse(out) as T;
}
