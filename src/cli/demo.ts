// `l2l demo`: two genomes in the WebAssembly engine.
// 1. Adam written as a graph trains f(theta) = 1/2 sum_i h_i theta_i^2 on a 4x4 tensor with
//    curvatures h_i = 10^(2i/15 - 2), the seed issue's `quadratic` problem.
// 2. A small recurrent network of leaky integrate-and-fire neurons with a Hebbian effect (each spike
//    strengthens the synapses from neurons that fired with it) and a growth effect (a busy neuron
//    splits one of its synapses, adding a neuron) rewrites itself while it runs.

import { Command } from 'commander';
import { Engine } from '../engine/engine.ts';
import { adamGenome } from '../examples/adam.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import { hebbianNetwork } from '../examples/hebbian.ts';
import type { CliCommand, CliIO } from './io.ts';
import { pow10 } from '../util/math.ts';

type Print = (line: string) => void;

export function demoCommand(io: CliIO): CliCommand {
  const command = new Command('demo')
    .summary('run an Adam graph and a self-modifying spiking network in the engine')
    .description('Run two genomes in the WebAssembly engine and print what happened: Adam written as a graph training a quadratic, and a spiking network whose effects rewrite its own synapses.');
  return {
    command,
    run: async () => {
      await runDemo((line) => io.stdout(`${line}\n`));
      return 0;
    },
  };
}

async function runDemo(print: Print): Promise<void> {
  const engine = await Engine.create();
  optimizerDemo(engine, print);
  print('');
  spikingDemo(engine, print);
}

function optimizerDemo(engine: Engine, print: Print): void {
  const steps = 200;
  const d = 16;
  const h = Array.from({ length: d }, (_, i) => pow10((2 * i) / 15 - 2));
  const loss = (theta: Float32Array): number => theta.reduce((sum, t, i) => sum + 0.5 * (h[i] as number) * t * t, 0);
  const genome = adamGenome({ lr: 0.05 });
  engine.load(genome, [{ rows: 4, cols: 4 }], { seed: 1 });
  const theta = new Float32Array(d).fill(1);
  print(`Adam as a graph (${genome.nodes.length} nodes, ${genome.edges.length} edges) on quadratic, 16 parameters, lr 0.05`);
  print('  step        loss');
  const shown = new Set([0, 1, 10, 50, 100, 150, 200]);
  for (let step = 0; step <= steps; step++) {
    if (shown.has(step)) print(`  ${String(step).padStart(4)}  ${loss(theta).toExponential(4).padStart(10)}`);
    if (step === steps) break;
    engine.input(0).set(theta.map((t, i) => (h[i] as number) * t)); // gradient
    engine.input(1).set(theta); // parameter
    engine.input(2)[0] = step + 1; // step, counting from 1
    const result = engine.run(1);
    if (result.status !== 'ok') throw new Error(`Adam graph stopped: ${JSON.stringify(result)}`);
    theta.set(engine.output(0));
  }
  const costs = engine.costs();
  print(`  work per step per parameter: ${(costs.work / steps / d).toFixed(1)} units; optimizer state: ${stateBytesPerParameter(genome)} bytes per parameter`);
}

function spikingDemo(engine: Engine, print: Print): void {
  const ticks = 200;
  const window = 20;
  const neurons = 24;
  const genome = hebbianNetwork({ neurons, seed: 3 });
  engine.load(genome, [{ rows: 1, cols: 1 }], { seed: 3 });
  const before = { nodes: genome.nodes.length, edges: genome.edges.length };
  print(`Spiking network: ${neurons} leaky integrate-and-fire neurons, ${before.edges} synapses, Hebbian and growth effects`);
  print('  ticks      spikes  synaptic events  effect applications');
  let last = engine.costs();
  for (let t = 0; t < ticks; t += window) {
    let spikes = 0;
    for (let i = 0; i < window; i++) {
      engine.input(0)[0] = (t + i) % 10 < 5 ? 1 : 0; // a square-wave drive
      const result = engine.run(1);
      if (result.status !== 'ok') throw new Error(`spiking network stopped: ${JSON.stringify(result)}`);
      spikes += Math.round((engine.output(0)[0] as number) * neurons); // the output is the population rate
    }
    const now = engine.costs();
    print(
      `  ${String(t + 1).padStart(3)}-${String(t + window).padEnd(3)}  ${String(spikes).padStart(8)}` +
        `  ${String(now.edgeLaneTraversals - last.edgeLaneTraversals).padStart(15)}  ${String(now.effectApplications - last.effectApplications).padStart(19)}`,
    );
    last = now;
  }
  const { genome: after } = engine.graph();
  const history = engine.history();
  const counts = new Map<string, number>();
  for (const entry of history) counts.set(entry.event, (counts.get(entry.event) ?? 0) + 1);
  const weights = (g: typeof genome): string => {
    const w = g.edges.map((e) => e.weight);
    return `mean ${(w.reduce((a, b) => a + b, 0) / w.length).toFixed(3)}, max ${w.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY).toFixed(3)}`;
  };
  print(`  synaptic weights: before ${weights(genome)}; after ${weights(after)}`);
  print(`  structure: ${before.nodes} -> ${after.nodes.length} nodes, ${before.edges} -> ${after.edges.length} edges; ` +
    `history: ${[...counts].map(([event, n]) => `${n} ${event}`).join(', ') || 'no changes'}`);
  const noops = Object.entries(last.noops).filter(([, n]) => n > 0);
  print(`  effects refused by caps and rules: ${noops.map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none'}`);
}
