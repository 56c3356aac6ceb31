// Where the system tests find the programs they drive: Debian's chromium and a python3 that can
// import torch. Each can be overridden by an environment variable (L2L_CHROMIUM, L2L_PYTHON). A
// missing program fails the test with the command that installs it: system tests never skip.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const env = process.env.L2L_CHROMIUM;
  if (env !== undefined && env !== '') return env;
  const found = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`no chromium at ${CHROMIUM_PATHS.join(', ')}: install it with "apt-get install chromium" or set L2L_CHROMIUM`);
  return found;
}

/** A python3 that imports torch: Debian's /usr/bin/python3 (python3-torch) first. */
export function torchPython(): string {
  const candidates = [process.env.L2L_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => p !== undefined && p !== '');
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  throw new Error(`no python3 that imports torch among ${candidates.join(', ')}: install it with "apt-get install python3-torch" or set L2L_PYTHON`);
}
