// Seed learners (issue 12; docs/learner.md), written as learner genomes. So far two:
//
//   static  a non-plastic network, the floor: its preferences never change, so it always takes
//           action 0 whatever happens (chance on tasks whose better action switches);
//   delta   the delta rule (Rescorla & Wagner 1972; Sutton & Barto 2018, sections 2.4 and 2.6)
//           for two actions: values Q_a = 1 + D_a (optimistic: D starts at 0), the action with
//           the higher value taken (ties to action 0), and the chosen action's value moved towards
//           the reward it earned: D_a[t] = D_a[t-1] + alpha c_a[t-1] (r[t] - 1 - D_a[t-1]), where
//           c_0 = [D_0 >= D_1] and c_1 = 1 - c_0 are the choice of the previous step. All its
//           learning is state in its own graph (delay-1 edges); it matches a plain float32
//           implementation of these equations step by step (test/learner/seeds.test.ts).

import { parseGenome } from '../genome/parse.ts';
import type { Genome } from '../genome/types.ts';
import { LEARNER_INPUTS, LEARNER_OUTPUT_SLOTS, LEARNER_OUTPUTS, LEARNER_SLOT } from './role.ts';

const OUT = LEARNER_INPUTS.length; // output node keys follow the input slots
const inputNodes = LEARNER_INPUTS.map((_, slot) => ({ key: slot, role: 'input', slot }));
const outputNodes = LEARNER_OUTPUT_SLOTS.map((_, slot) => ({ key: OUT + slot, role: 'output', slot, op: 'identity' }));

function learner(name: string, hidden: Record<string, unknown>[], edges: Record<string, unknown>[]): Genome {
  const nodes = [...inputNodes, ...outputNodes, ...hidden];
  return parseGenome({
    format: 'l2l-genome', version: 1, name,
    inputs: LEARNER_INPUTS, outputs: LEARNER_OUTPUT_SLOTS,
    caps: { nodes: nodes.length + 16, edges: edges.length + 32, effectsPerNode: 4, applicationsPerTick: 1024 },
    maxDelay: 1, nodes, edges,
  });
}

/** The floor: every output constant 0. */
export function staticLearner(): Genome {
  return learner('static', [], []);
}

/** The delta rule for two actions at learning rate `alpha` (see the header). */
export function deltaLearner(alpha = 0.05): Genome {
  const H = OUT + LEARNER_OUTPUTS;
  const [d0, d1, ge, c1, e0, e1, u0, u1] = [H, H + 1, H + 2, H + 3, H + 4, H + 5, H + 6, H + 7];
  const hidden = [
    { key: d0, op: 'identity' }, { key: d1, op: 'identity' }, { key: ge, op: 'ge' }, { key: c1, op: 'identity' },
    { key: e0, op: 'identity' }, { key: e1, op: 'identity' }, { key: u0, op: 'mul' }, { key: u1, op: 'mul' },
  ];
  let key = 1000;
  const edge = (source: number, target: number, weight = 1, delay = 0, port = 0): Record<string, unknown> => ({ key: key++, source, target, weight, delay, port });
  const { reward, one } = LEARNER_SLOT;
  const edges = [
    // D_a: its last value plus alpha times the update.
    edge(d0, d0, 1, 1), edge(u0, d0, alpha), edge(d1, d1, 1, 1), edge(u1, d1, alpha),
    // The choice: c_0 = [D_0 >= D_1], c_1 = 1 - c_0.
    edge(d0, ge, 1, 0, 0), edge(d1, ge, 1, 0, 1), edge(one, c1), edge(ge, c1, -1),
    // The errors r - 1 - D_a[t-1].
    edge(reward, e0), edge(one, e0, -1), edge(d0, e0, -1, 1),
    edge(reward, e1), edge(one, e1, -1), edge(d1, e1, -1, 1),
    // The updates: last step's choice times the error.
    edge(ge, u0, 1, 1, 0), edge(e0, u0, 1, 0, 1), edge(c1, u1, 1, 1, 0), edge(e1, u1, 1, 0, 1),
    // The preferences.
    edge(d0, OUT), edge(d1, OUT + 1),
  ];
  return learner(`delta-${alpha}`, hidden, edges);
}
