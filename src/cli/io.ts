// What a command gets from the process: writers for stdout and stderr, and, when the process has
// them, a terminal to draw progress on and the interrupt (Ctrl-C, SIGTERM). Tests run the CLI
// in-process with their own writers (main.ts, runCli).

import type { Command } from 'commander';

export type Write = (text: string) => void;

/** The signals that stop a command, and the exit codes they end it with (128 + the signal's number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Ctrl-C and SIGTERM. A command that can stop cleanly (evolve: finish and checkpoint the generation
 * under way) says so with `cleanStop` and watches `signal`; otherwise, and on a second signal, the
 * process ends at once (main.ts), after `cleanStop.onForce` (restore the terminal, say how to resume).
 */
export class Interrupt {
  private readonly controller = new AbortController();
  cleanStop: { onForce: () => void } | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal received first, if any. */
  get received(): StopSignal | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as StopSignal) : undefined;
  }

  /** A signal arrived: answers whether the command stops cleanly ('clean') or the process must end ('now'). */
  raise(name: StopSignal): 'clean' | 'now' {
    if (this.cleanStop === undefined || this.controller.signal.aborted) return 'now';
    this.controller.abort(name);
    return 'clean';
  }
}

export interface CliIO {
  stdout: Write;
  stderr: Write;
  /** stderr as a stream, only when it is a terminal: evolve draws a progress bar on it. */
  terminal?: NodeJS.WritableStream;
  /** The width help is wrapped to (default 100). */
  columns?: number;
  /** Ctrl-C and SIGTERM; without it, nothing interrupts a command but the process's end. */
  interrupt?: Interrupt;
  /** L2L_DEBUG=1: an unexpected error (a bug) prints its stack trace. */
  debug?: boolean;
}

/** A command: its commander definition (flags, help) and what it does, answering the exit code. */
export interface CliCommand {
  command: Command;
  run(command: Command): Promise<number> | number;
}

/**
 * For a command that serves until stopped (serve, worker): waits for Ctrl-C or SIGTERM, closes what
 * it serves, writes `stopped` to stderr and answers the signal's exit code. Without an interrupt (an
 * embedding that gives none) it serves until the process ends.
 */
export async function serveUntilInterrupted(io: CliIO, close: () => Promise<void>, stopped: string): Promise<number> {
  const interrupt = io.interrupt;
  if (interrupt === undefined) return new Promise<number>(() => undefined);
  interrupt.cleanStop = { onForce: () => undefined };
  try {
    await new Promise<void>((stop) => {
      if (interrupt.signal.aborted) stop();
      else interrupt.signal.addEventListener('abort', () => stop(), { once: true });
    });
  } finally {
    interrupt.cleanStop = undefined;
    await close();
  }
  io.stderr(stopped);
  return STOP_SIGNALS[interrupt.received ?? 'SIGINT'];
}
