// What the system tests drive: Debian's chromium, a python3 that can import torch or onnx (each can
// be overridden by an environment variable, L2L_CHROMIUM, L2L_PYTHON), and `l2l serve` as a process.
// A missing program fails the test with the command that installs it: system tests never skip.

import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const env = process.env.L2L_CHROMIUM;
  if (env !== undefined && env !== '') return env;
  const found = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`no chromium at ${CHROMIUM_PATHS.join(', ')}: install it with "apt-get install chromium" or set L2L_CHROMIUM`);
  return found;
}

/** A python3 that imports `module`: Debian's /usr/bin/python3 (package `debian`) first. */
function pythonWith(module: string, debian: string): string {
  const candidates = [process.env.L2L_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => p !== undefined && p !== '');
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  throw new Error(`no python3 that imports ${module} among ${candidates.join(', ')}: install it with "apt-get install ${debian}" or set L2L_PYTHON`);
}

/** A python3 that imports torch (python3-torch). */
export const torchPython = (): string => pythonWith('torch', 'python3-torch');

/** A python3 that imports onnx (python3-onnx). */
export const onnxPython = (): string => pythonWith('onnx', 'python3-onnx');

/** Starts `l2l serve` on `folder` as a process from the checkout `root`; answers it and the address it printed. */
export async function startServe(root: string, folder: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/l2l.mjs', 'serve', folder, '--port', '0'], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  for (let i = 0; i < 600 && !/http:\/\/\S+/.test(stdout) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  const url = /at (http:\/\/\S+) /.exec(stdout)?.[1];
  if (url === undefined) throw new Error(`l2l serve printed no address: ${stdout}${stderr}`);
  return { child, url, output: () => stdout + stderr };
}
