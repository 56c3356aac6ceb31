// The machine a benchmark ran on, as its results file records it: CPU, cores, platform, Node, and
// the load average before and after (this VM is shared: the load says how far to trust a figure).

import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  availableParallelism: number;
  platform: string;
  node: string;
  loadAverage: { before: number | undefined; after: number | undefined };
}

/** This machine; `loadBefore` is os.loadavg() taken when the benchmark started. */
export function machineInfo(loadBefore: readonly number[]): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, availableParallelism: os.availableParallelism(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`, node: process.version,
    loadAverage: { before: loadBefore[0], after: os.loadavg()[0] },
  };
}
