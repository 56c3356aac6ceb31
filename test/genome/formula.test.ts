// The update rule as text (src/genome/formula.ts): the seeds read like their papers' rules (the
// expected strings below are the rules of src/seeds/ written out with the seeds' default
// hyperparameters, as float32 values), state is written m[t-1], and the text follows the numbers.

import { describe, expect, it } from 'vitest';
import { formula } from '../../src/genome/formula.ts';
import { cloneGenome } from '../../src/genome/mutation.ts';
import type { Genome, NodeGene } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { seedGenomes } from './harness.ts';

const build = (name: string, hyper: Record<string, number> = {}): Genome => seedByName(name).build(hyper);

describe('formula', () => {
  it('writes SGD as p\' = p - lr·g', () => {
    expect(formula(build('sgd'))).toBe("p' = p - 0.01·g");
    expect(formula(build('sgd', { lr: 0.5 }))).toBe("p' = p - 0.5·g");
  });

  it('writes momentum\'s velocity as a state with its own line', () => {
    expect(formula(build('momentum')).split('\n')).toEqual(['m = 0.9·m[t-1] + g', "p' = p - 0.01·m"]);
    expect(formula(build('sgdw'))).toContain("p' = 0.999995·p - 0.01·m");
  });

  it('writes Adam with its two moments, bias corrections and epsilon', () => {
    expect(formula(build('adam')).split('\n')).toEqual([
      'm = 0.9·m[t-1] + 0.100000024·g', // 1 - f32(0.9) in float32
      'v = 0.999·v[t-1] + 0.0009999871·g²',
      "p' = p - 0.001·(m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + 1e-8)",
    ]);
  });

  it('names shared intermediates and writes select, every and comparisons', () => {
    const text = formula(build('lookahead-rmsprop'));
    expect(text).toContain('[t == 1] ? p : v[t-1]');
    expect(text).toContain('[t mod 5 == 0]');
    expect(text.split('\n').at(-1)).toMatch(/^p' = \[t mod 5 == 0\] \? h\d : h\d$/);
  });

  it('changes when a constant or weight changes, and not otherwise', () => {
    const adam = formula(build('adam'));
    expect(formula(build('adam'))).toBe(adam);
    expect(formula(build('adam', { eps: 1e-6 }))).not.toBe(adam);
    expect(formula(build('adam', { eps: 1e-6 }))).toContain('+ 0.000001)');
    expect(formula(build('adam', { lr: 0.002 }))).toContain("p' = p - 0.002·");
  });

  it('leaves out edges of weight 0, disabled edges and nodes off the output path', () => {
    // Adagrad's initial accumulator is an edge of weight 0 by default (src/seeds/accumulate.ts).
    expect(formula(build('adagrad'))).toBe("m = m[t-1] + g²\np' = p - 0.01·g / (sqrt(m) + 1e-10)");
    expect(formula(build('adagrad', { initialAccumulator: 0.1 }))).toContain('m = m[t-1] + 0.1·[t == 1] + g²');
    const momentum = cloneGenome(build('momentum'));
    for (const e of momentum.edges) if (e.delay === 1) e.enabled = false;
    expect(formula(momentum)).toBe("p' = p - 0.01·g");
  });

  it('notes firing policies and effects', () => {
    const g = cloneGenome(build('momentum'));
    const v = g.nodes.find((n) => n.role === 'hidden') as NodeGene;
    v.policy = { kind: 'threshold', threshold: 0.5, decay: 0, reset: 0, probability: 1 };
    v.effects.push({
      kind: 'weight', enabled: true, change: 'mul', amount: { source: 'const', scale: 0.5 }, target: 'edges',
      select: { policy: 'all', k: 0, direction: 'out', radius: 1 }, a: 0, b: 0,
    });
    expect(formula(g)).toContain('m = 0.9·m[t-1] + g  [fires: threshold 0.5; 1 effect]');
  });

  it('renders every seed, each line an assignment, the output last, within a sane length', () => {
    for (const g of seedGenomes()) {
      const lines = formula(g).split('\n');
      expect(lines.length, g.name).toBeLessThanOrEqual(12);
      expect(lines.at(-1), g.name).toMatch(/^p' = /);
      for (const line of lines) {
        expect(line, g.name).toMatch(/^[a-z]\w*'? = \S/);
        expect(line.length, g.name).toBeLessThan(200);
      }
      // Every named value is defined once.
      const names = lines.map((l) => l.split(' = ')[0]);
      expect(new Set(names).size, g.name).toBe(names.length);
    }
  });
});
