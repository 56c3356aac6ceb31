// A recurrent network of leaky integrate-and-fire neurons (Lapicque 1907; Gerstner & Kistler,
// "Spiking Neuron Models", 2002, ch. 4) for the event-mode benchmark: sparse random connectivity
// with excitatory and inhibitory neurons in the ratio 4:1, inhibition the stronger (a balanced
// network after Brunel, J. Comput. Neurosci. 8, 2000), mostly delay-1 recurrent synapses, and one
// driving input slot (lane width; the benchmark runs L = 1) feeding a fraction of the neurons.
// The defaults keep roughly 10% of the neurons firing per tick, neither dying out nor saturating.
//
// Each neuron: op identity, policy integrate (v = decay v + input, spike when v >= threshold, then
// v = reset), emit spike, a short refractory count. No effects: the graph is fixed, so a tick
// costs what its spikes cost.
//
// The genome is built directly (not through parseGenome) so that a network larger than this
// build's limits (MAX_EDGES) is still produced as asked and refused loudly by the engine's loader,
// never shrunk in silence. Its caps are exactly its counts.

import type { EdgeGene, Genome, NodeGene } from '../genome/types.ts';
import { createRng } from '../util/rng.ts';

export interface LifOptions {
  /** Neurons. */
  nodes?: number;
  /** Recurrent synapses into each neuron, from distinct other neurons (give this or fanOut). */
  fanIn?: number;
  /** Recurrent synapses out of each neuron, to distinct other neurons. */
  fanOut?: number;
  seed?: number;
  /** Fraction of neurons that are excitatory (positive outgoing weights). */
  excitatory?: number;
  /**
   * Mean excitatory weight; excitatory weights are uniform in [0, 2 * this). Default
   * 0.1 * sqrt(100 / fan): the 1/sqrt(K) scaling of balanced networks keeps the rate at other sizes.
   */
  weight?: number;
  /** Inhibitory weights are -inhibition times an excitatory draw. */
  inhibition?: number;
  /** Fraction of neurons the input slot drives, and the mean of their drive weights. */
  drivenFraction?: number;
  driveWeight?: number;
  /** Fraction of recurrent synapses with delay 2 (the rest have delay 1). */
  slowFraction?: number;
  decay?: number;
  threshold?: number;
  refractory?: number;
}

export const LIF_DEFAULTS = {
  nodes: 1000, fanIn: 100, seed: 1, excitatory: 0.8, inhibition: 4.5,
  drivenFraction: 0.2, driveWeight: 0.6, slowFraction: 0.1, decay: 0.9, threshold: 1, refractory: 2,
} as const;

/** The input node's key; neuron i (0-based) has key 1 + i; edges follow. */
export const LIF_DRIVE_KEY = 0;

export function lifNetwork(options: LifOptions = {}): Genome {
  const o = { ...LIF_DEFAULTS, ...options };
  const n = o.nodes;
  const outward = options.fanOut !== undefined && options.fanIn === undefined;
  const fan = outward ? (options.fanOut as number) : o.fanIn;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`nodes must be an integer >= 2 (got ${n})`);
  if (!Number.isInteger(fan) || fan < 0 || fan > n - 1) {
    throw new RangeError(`fan-in/out must be an integer from 0 to nodes - 1 = ${n - 1} (got ${fan})`);
  }
  const weight = options.weight ?? 0.1 * Math.sqrt(100 / Math.max(fan, 1));
  const rng = createRng(o.seed);
  const f32 = Math.fround;
  const neuron = (i: number): number => 1 + i;
  const excitatory = Math.round(o.excitatory * n); // neurons 0 .. excitatory-1
  const nodes: NodeGene[] = [
    {
      key: LIF_DRIVE_KEY, role: 'input', slot: 0, op: 'identity', attrs: [0, 0, 0, 0],
      policy: { kind: 'always', threshold: 0, decay: 1, reset: 0, probability: 1 },
      refractory: 0, emit: 'value', effects: [],
    },
  ];
  for (let i = 0; i < n; i++) {
    nodes.push({
      key: neuron(i), role: 'hidden', slot: -1, op: 'identity', attrs: [0, 0, 0, 0],
      policy: { kind: 'integrate', threshold: f32(o.threshold), decay: f32(o.decay), reset: 0, probability: 1 },
      refractory: o.refractory, emit: 'spike', effects: [],
    });
  }
  const edges: EdgeGene[] = [];
  let key = 1 + n;
  const edge = (source: number, target: number, weight: number, delay: number): void => {
    edges.push({ key: key++, source, target, port: 0, weight: f32(weight), delay, enabled: true });
  };
  for (let i = 0; i < n; i++) {
    if (rng.next() < o.drivenFraction) edge(LIF_DRIVE_KEY, neuron(i), rng.uniform(0.5, 1.5) * o.driveWeight, 0);
  }
  // Distinct partners for each neuron by a partial Fisher-Yates shuffle of the other neurons.
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    [pool[i], pool[n - 1]] = [pool[n - 1] as number, pool[i] as number]; // exclude i itself
    const size = n - 1;
    for (let j = 0; j < fan; j++) {
      const r = j + rng.int(size - j);
      [pool[j], pool[r]] = [pool[r] as number, pool[j] as number];
      const other = pool[j] as number;
      const [source, target] = outward ? [i, other] : [other, i];
      const draw = rng.uniform(0, 2 * weight);
      edge(neuron(source), neuron(target), source < excitatory ? draw : -o.inhibition * draw, rng.next() < o.slowFraction ? 2 : 1);
    }
    pool.forEach((_, j) => { pool[j] = j; });
  }
  return {
    format: 'l2l-genome',
    version: 1,
    name: `lif-${n}x${fan}`,
    inputs: [{ name: 'drive', width: 'lane' }],
    outputs: [],
    caps: { nodes: nodes.length, edges: edges.length, effectsPerNode: 0, applicationsPerTick: 0 },
    maxDelay: o.slowFraction > 0 ? 2 : 1,
    nodes,
    edges,
  };
}
