// A small self-modifying spiking network for the demo: leaky integrate-and-fire neurons (Lapicque
// 1907; Gerstner & Kistler, "Spiking Neuron Models", 2002, ch. 4) with recurrent delay-1 synapses.
// Every neuron that spikes strengthens its incoming synapses in proportion to how much their source
// fired in the same tick (a Hebbian rule, Hebb 1949) and clips them to [-1, 1]; neuron 0 also grows
// the graph by splitting its busiest outgoing synapse until the node cap stops it.

import { parseGenome } from '../genome/parse.ts';
import type { Genome } from '../genome/types.ts';
import { createRng } from '../util/rng.ts';

export interface HebbianOptions {
  neurons: number;
  /** Recurrent synapses into each neuron. */
  fanIn?: number;
  /** Nodes that growth may add before the cap refuses it. */
  growth?: number;
  seed: number;
}

export function hebbianNetwork({ neurons, fanIn = 4, growth = 6, seed }: HebbianOptions): Genome {
  const rng = createRng(seed);
  const drive = 0;
  const rate = 1;
  const neuron = (i: number): number => 2 + i;
  const hebbian = [
    { kind: 'weight', change: 'add', amount: { source: 'source', scale: 0.05 }, target: 'edges', select: { direction: 'in' } },
    { kind: 'weight', change: 'clip', amount: { source: 'const', scale: 1 }, target: 'edges', select: { direction: 'in' } },
  ];
  const grow = { kind: 'edge-split', target: 'edges', select: { policy: 'most-used', k: 1, direction: 'out' } };
  const nodes = [
    { key: drive, role: 'input', slot: 0 },
    { key: rate, role: 'output', slot: 0, op: 'identity' },
    ...Array.from({ length: neurons }, (_, i) => ({
      key: neuron(i),
      op: 'identity',
      policy: { kind: 'integrate', threshold: 1, decay: 0.8, reset: 0 },
      refractory: 2,
      emit: 'spike',
      effects: i === 0 ? [...hebbian, grow] : hebbian,
    })),
  ];
  let key = 2 + neurons;
  const edges: Record<string, unknown>[] = [];
  for (let i = 0; i < neurons; i++) {
    if (i % 3 === 0) edges.push({ key: key++, source: drive, target: neuron(i), weight: rng.uniform(0.5, 0.9) });
    edges.push({ key: key++, source: neuron(i), target: rate, weight: 1 / neurons });
    const sources = new Set<number>();
    while (sources.size < Math.min(fanIn, neurons - 1)) {
      const j = rng.int(neurons);
      if (j !== i) sources.add(j);
    }
    for (const j of sources) {
      edges.push({ key: key++, source: neuron(j), target: neuron(i), weight: rng.uniform(0.1, 0.5), delay: 1 });
    }
  }
  return parseGenome({
    format: 'l2l-genome',
    version: 1,
    name: 'hebbian-demo',
    inputs: [{ name: 'drive', width: 'scalar' }],
    outputs: [{ name: 'rate' }],
    caps: { nodes: nodes.length + growth, edges: edges.length + 2 * growth, effectsPerNode: 4, applicationsPerTick: 1024 },
    maxDelay: 1,
    nodes,
    edges,
  });
}
