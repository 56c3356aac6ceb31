// IO coding of the learner role (docs/learner.md, IO coding): how a task step's value x becomes the
// values of an input slot over the step's T ticks (encoders), and how an output slot's values over
// those ticks become the step's output (decoders). After Guo, Fouda, Eltawil & Salama 2021, "Neural
// coding in spiking neural networks: a comparative study for robust neuromorphic systems" (Front.
// Neurosci. 15), which compares rate, time-to-first-spike (latency), phase and burst codes. The
// codes here are deterministic (a rate code spikes at evenly spaced ticks rather than as a Poisson
// train), so a step is the same on every machine without drawing numbers.
//
// With p = min(1, |x|) and s = sign(x), a spike is the value s at a tick:
//   value    x at every tick
//   rate     n = round(p T) spikes, evenly spaced: tick i spikes iff floor((i+1) n / T) > floor(i n / T)
//   latency  one spike at tick round((1 - p)(T - 1)) if p > 0: the stronger, the earlier
//   phase    q = round(p (2^T - 1)) written in T bits, most significant first: tick i spikes iff
//            bit T-1-i of q is 1 (Kim, Kim, Park & Yoon 2018, weighted phase coding)
//   burst    n = round(p T) spikes at the step's first n ticks (Park, Kim, Na & Yoon 2019: the
//            burst's length carries the intensity)
// and with y_0 .. y_{T-1} an output's values at the step's ticks:
//   value    y_{T-1}, the last tick's
//   count    the share of ticks with y_i != 0 (a spike count over T)
//   first    (T - i) / T for the first tick i with y_i != 0 (time to first spike), 0 if none

import type { Coding, Decoder, Encoder, Genome } from '../genome/types.ts';

/** One tick per step, every slot by value: a genome without a coding. */
export function codingOf(genome: Genome): Coding {
  return genome.coding ?? {
    ticks: 1, encoders: genome.inputs.map(() => 'value' as const), decoders: genome.outputs.map(() => 'value' as const),
  };
}

/** The value encoder `e` gives the slot at tick `i` (0 .. ticks - 1) of a step whose value is x. */
export function encode(e: Encoder, x: number, i: number, ticks: number): number {
  if (e === 'value') return x;
  const p = Math.min(1, Math.abs(x));
  const s = x > 0 ? 1 : x < 0 ? -1 : 0;
  if (s === 0) return 0;
  switch (e) {
    case 'rate': {
      const n = Math.round(p * ticks);
      return Math.floor(((i + 1) * n) / ticks) > Math.floor((i * n) / ticks) ? s : 0;
    }
    case 'latency':
      return i === Math.round((1 - p) * (ticks - 1)) ? s : 0;
    case 'phase': {
      const q = Math.round(p * (2 ** ticks - 1));
      return Math.floor(q / 2 ** (ticks - 1 - i)) % 2 === 1 ? s : 0;
    }
    case 'burst':
      return i < Math.round(p * ticks) ? s : 0;
  }
}

/** The step's value of an output whose values at the step's ticks are `y` (length T). */
export function decode(d: Decoder, y: ArrayLike<number>): number {
  const ticks = y.length;
  if (d === 'value') return y[ticks - 1] as number;
  if (d === 'count') {
    let n = 0;
    for (let i = 0; i < ticks; i++) if (y[i] !== 0) n++;
    return n / ticks;
  }
  for (let i = 0; i < ticks; i++) if (y[i] !== 0) return (ticks - i) / ticks;
  return 0;
}
