// Progress of `l2l evolve` on stderr: a bar with its ETA and the last generation's hypervolume,
// front and species when stderr is a terminal; a plain line per generation otherwise (a log file,
// a pipe), since a bar redrawn in place is noise there.

import { Presets, SingleBar } from 'cli-progress';
import type { EvolveConfig } from '../evolve/config.ts';
import type { GenerationReport, RunState } from '../evolve/state.ts';
import type { CliIO } from './io.ts';

export interface Progress {
  /** The run starts (or resumes) at `generation` of `total`. */
  start(generation: number, total: number): void;
  generation(report: GenerationReport, state: RunState, config: EvolveConfig): void;
  /** A message of its own line (the bar is drawn again below it). */
  note(text: string): void;
  stop(): void;
}

export function progressOf(io: CliIO): Progress {
  return io.terminal === undefined ? lines(io) : bar(io.terminal);
}

function lines(io: CliIO): Progress {
  let started = 0;
  let first = 0;
  return {
    start(generation) {
      started = performance.now();
      first = generation;
    },
    generation(r, state, c) {
      const done = state.generation - first;
      const perGeneration = (performance.now() - started) / 1000 / Math.max(1, done);
      const left = perGeneration * (c.generations - state.generation);
      const report = r.report === null ? '' : `  report hypervolume ${r.report.hypervolume.toFixed(4)}`;
      io.stderr(`generation ${String(r.generation + 1).padStart(3)}/${c.generations}${report}  hypervolume ${r.hypervolume.toFixed(4)}  front ${String(r.frontSize).padStart(3)}  species ${String(r.species.length).padStart(3)}  ${r.evaluationsPerSecond.toFixed(0).padStart(6)} evaluations/s  tasks ${r.tasks.join(',')}  ETA ${left.toFixed(0)} s\n`);
    },
    note(text) {
      io.stderr(`${text}\n`);
    },
    stop() {},
  };
}

function bar(stream: NodeJS.WritableStream): Progress {
  const progress = new SingleBar({
    stream,
    format: 'generation {value}/{total} {bar} ETA {eta_formatted} | hypervolume {hypervolume} front {front} species {species} | {rate} evaluations/s',
    etaBuffer: 5,
    // The run's own interrupt handling restores the terminal; the bar must not exit the process.
    gracefulExit: false,
    hideCursor: false,
  }, Presets.shades_classic);
  let running = false;
  return {
    start(generation, total) {
      progress.start(total, generation, { hypervolume: '-', front: '-', species: '-', rate: '-' });
      running = true;
    },
    generation(r, state) {
      progress.update(state.generation, {
        hypervolume: r.hypervolume.toFixed(4), front: r.frontSize, species: r.species.length, rate: r.evaluationsPerSecond.toFixed(0),
      });
    },
    note(text) {
      stream.write(running ? `\n${text}\n` : `${text}\n`);
    },
    stop() {
      if (running) progress.stop();
      running = false;
    },
  };
}
