// The command line as a user runs it: a real process, the real engine.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['bin/l2l.mjs', ...args], { cwd: new URL('../..', import.meta.url).pathname });

describe('l2l', () => {
  it('demo trains the quadratic with the Adam graph and runs the spiking network', async () => {
    const { stdout } = await cli('demo');
    const losses = [...stdout.matchAll(/^\s+(\d+)\s+(\d\.\d+e[-+]\d+)$/gm)].map((m) => Number(m[2]));
    expect(losses.length).toBeGreaterThanOrEqual(5);
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) / 10);
    const spikes = [...stdout.matchAll(/^\s+\d+-\d+\s+(\d+)\s+(\d+)\s+(\d+)$/gm)].map((m) => Number(m[1]));
    expect(spikes).toHaveLength(10);
    expect(spikes.some((s) => s > 0)).toBe(true);
    expect(stdout).toMatch(/history: .*node-create/);
  });

  it('rejects an unknown command with usage', async () => {
    await expect(cli('frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
