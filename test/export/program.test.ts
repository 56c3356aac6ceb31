// buildProgram (src/export/program.ts): what it refuses and why (spiking, self-modifying, outside the
// optimizer role), the sweep order, terms and history it reads off a hand-written genome, and that
// a program computes what the engine computes: the plain reference runner (src/export/run.ts) must
// give the engine's parameters bit for bit over 200 steps for the 26 seeds, the op zoo (every op)
// and mutants of the seeds.
// Also `l2l export --format pytorch|tfjs` on the command line, in process.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { Engine } from '../../src/engine/engine.ts';
import { buildProgram, className, everyPeriod, isNotExportable, sweepOrder } from '../../src/export/program.ts';
import type { UpdateProgram } from '../../src/export/program-types.ts';
import { ProgramRunner } from '../../src/export/run.ts';
import { genomeToJSON } from '../../src/genome/codec.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome, NodeGene } from '../../src/genome/types.ts';
import { OPTIMIZER_INPUTS } from '../../src/optimizer/role.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { engineRun, mutantCases, opZooCase, randomProblem, seedCases, type Case } from './cases.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

/** Output 6 = parameter + (-0.1 gradient, through 9 and 8) + 0.5 * node 8 a step back; node 8 keeps 2 steps. */
function handWritten(): Genome {
  const input = (key: number): Record<string, unknown> => ({ key, role: 'input', slot: key });
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'hand written',
    inputs: OPTIMIZER_INPUTS, outputs: [{ name: 'parameter' }], maxDelay: 3,
    nodes: [
      input(0), input(1), input(2), input(3), input(4), input(5),
      { key: 6, role: 'output', slot: 0, op: 'add' },
      { key: 7, role: 'hidden', slot: -1, op: 'const', attrs: [-0.1] },
      { key: 8, role: 'hidden', slot: -1, op: 'identity' },
      { key: 9, role: 'hidden', slot: -1, op: 'mul' },
      { key: 10, role: 'hidden', slot: -1, op: 'sqrt' },
      { key: 11, role: 'hidden', slot: -1, op: 'modulate' },
    ],
    edges: [
      { key: 30, source: 0, target: 9 },
      { key: 21, source: 7, target: 9, port: 1 },
      { key: 22, source: 9, target: 8 },
      { key: 23, source: 8, target: 8, weight: 0.25, delay: 2 },
      { key: 24, source: 1, target: 6 },
      { key: 29, source: 8, target: 6, port: 1 },
      { key: 25, source: 8, target: 6, port: 1, weight: 0.5, delay: 1 },
      { key: 26, source: 0, target: 6, port: 1, delay: 3, enabled: false },
      { key: 27, source: 0, target: 10 },
      { key: 28, source: 5, target: 11 },
    ],
  });
}

const program = (genome: Genome): UpdateProgram => {
  const p = buildProgram(genome);
  if (isNotExportable(p)) throw new Error(p.reason);
  return p;
};

/** The reference runner's parameters against the engine's, step by step: the first step that differs in any bit, or -1. */
function firstDifference(c: Case): { steps: number; at: number } {
  const problem = randomProblem(7);
  const run = engineRun(engine, c.genome, problem);
  const runner = new ProgramRunner(c.program, problem.groups);
  let theta = run.initial;
  let previous = Number.NaN;
  for (const [i, s] of run.steps.entries()) {
    theta = runner.step({
      gradient: s.gradient, parameter: theta, loss: Math.fround(s.loss), previousLoss: Math.fround(i === 0 ? s.loss : previous),
      step: i + 1, curvature: s.curvature,
    });
    previous = s.loss;
    if (theta.some((x, j) => !Object.is(x, s.after[j]))) return { steps: run.steps.length, at: i + 1 };
  }
  return { steps: run.steps.length, at: -1 };
}

describe('buildProgram', () => {
  it('reads the sweep order, terms, widths and history off the genome', () => {
    const g = handWritten();
    expect(sweepOrder(g)).toEqual([0, 1, 2, 3, 4, 5, 7, 9, 8, 6, 10, 11]);
    const p = program(g);
    // Nodes 10 and 11 feed nothing the output reads: left out, so the curvature is not read.
    expect(p.nodes.map((n) => n.key)).toEqual([0, 1, 2, 3, 4, 5, 7, 9, 8, 6]);
    expect(p.readsCurvature).toBe(false);
    expect(p.output).toBe(6);
    const out = p.nodes.find((n) => n.key === 6);
    // Port y's terms in edge key order (25 before 29); the disabled edge 26 is no term.
    expect(out).toEqual({
      kind: 'op', key: 6, op: 'add', attrs: [0, 0, 0, 0], width: 'lane',
      ports: [[{ source: 1, weight: 1, delay: 0 }], [{ source: 8, weight: 0.5, delay: 1 }, { source: 8, weight: 1, delay: 0 }], []],
    });
    expect(p.nodes.find((n) => n.key === 7)).toMatchObject({ op: 'const', attrs: [Math.fround(-0.1), 0, 0, 0], width: 'scalar' });
    expect(p.nodes.find((n) => n.key === 2)).toEqual({ kind: 'input', key: 2, slot: 'loss', width: 'scalar' });
    // Node 8 is read 1 and 2 steps back; node 0's delay-3 edge is disabled, so it keeps nothing.
    expect(p.history).toEqual([{ key: 8, depth: 2, width: 'lane' }]);
    expect(firstDifference({ name: 'hand written', genome: g, program: p })).toEqual({ steps: 200, at: -1 });
  });

  it('reads the curvature only when a node the output depends on reads it; modulate is identity', () => {
    const g = handWritten();
    g.edges.push({ key: 31, source: 11, target: 6, port: 1, weight: 0.001, delay: 0, enabled: true });
    const p = program(parseGenome(g));
    expect(p.readsCurvature).toBe(true);
    expect(p.nodes.map((n) => n.key)).toContain(11);
    expect(firstDifference({ name: 'modulated', genome: g, program: p })).toEqual({ steps: 200, at: -1 });
  });

  const adam = (): Genome => seedByName('adam').build();
  const hidden = (g: Genome): NodeGene => g.nodes.filter((n) => n.role === 'hidden').sort((a, b) => a.key - b.key)[0] as NodeGene;
  const refusal = (edit: (n: NodeGene, g: Genome) => void, pick = hidden): string => {
    const g = adam();
    edit(pick(g), g);
    const p = buildProgram(parseGenome(g));
    return isNotExportable(p) ? p.reason : 'exportable';
  };

  it('refuses spiking and self-modifying genomes, naming the node, its op and why', () => {
    const n = hidden(adam());
    const effect = { kind: 'weight', change: 'add', amount: { source: 'const', scale: 0.1 }, target: 'edges', a: 0 };
    expect(refusal((m) => void (m.policy = { ...m.policy, kind: 'threshold' })))
      .toBe(`node ${n.key} (${n.op}, threshold policy) fires by policy: spiking nodes cannot be exported`);
    expect(refusal((m) => void (m.policy = { ...m.policy, kind: 'integrate' })))
      .toBe(`node ${n.key} (${n.op}, integrate policy) fires by policy: spiking nodes cannot be exported`);
    expect(refusal((m) => void (m.emit = 'spike'))).toBe(`node ${n.key} (${n.op}) emits spikes: spiking nodes cannot be exported`);
    expect(refusal((m) => void (m.refractory = 3))).toBe(`node ${n.key} (${n.op}) has refractory count 3: spiking nodes cannot be exported`);
    expect(refusal((m) => void (m.effects = [effect, effect] as unknown as NodeGene['effects'])))
      .toBe(`node ${n.key} (${n.op}) has 2 effects: self-modifying genomes cannot be exported`);
    // An input node's effects run too; its policy is ignored by the engine, so it is no reason.
    const input = (g: Genome): NodeGene => g.nodes.find((m) => m.key === 0) as NodeGene;
    expect(refusal((m) => void (m.effects = [effect] as unknown as NodeGene['effects']), input))
      .toBe('node 0 (input) has 1 effect: self-modifying genomes cannot be exported');
    expect(refusal((m) => void (m.policy = { ...m.policy, kind: 'threshold' }), input)).toBe('exportable');
    // Effects that are all disabled never run.
    expect(refusal((m) => void (m.effects = [{ ...effect, enabled: false }] as unknown as NodeGene['effects']))).toBe('exportable');
  });

  it('refuses genomes outside the optimizer role, naming the slots', () => {
    const renamed = adam();
    renamed.inputs = renamed.inputs.map((s) => (s.name === 'loss' ? { ...s, name: 'cost' } : s));
    const r = buildProgram(renamed);
    expect(isNotExportable(r) && r.reason).toBe(
      'inputs must be the optimizer role\'s slots gradient:lane, parameter:lane, loss:scalar, previousLoss:scalar, step:scalar, curvature:lane '
      + '(got "gradient:lane, parameter:lane, cost:scalar, previousLoss:scalar, step:scalar, curvature:lane")',
    );
    const noOutput = { ...adam(), outputs: [] };
    const o = buildProgram(noOutput);
    expect(isNotExportable(o) && o.reason).toBe('outputs must be the optimizer role\'s one slot "parameter" (got "")');
  });

  it('names classes after the genome and computes every\'s period as the engine does', () => {
    expect(className('lookahead-adam')).toBe('L2lLookaheadAdam');
    expect(className('')).toBe('L2lOptimizer');
    expect(className('9 lives!')).toBe('L2l9Lives');
    expect([everyPeriod(4.4), everyPeriod(4.5), everyPeriod(-3), everyPeriod(Number.NaN), everyPeriod(1e12)]).toEqual([4, 5, 1, 1, 2 ** 30]);
  });
});

describe('an update program computes what the engine computes', () => {
  it.each([...seedCases(), opZooCase()].map((c) => [c.name, c] as const))('%s, bit for bit over 200 steps', (_name, c) => {
    expect(firstDifference(c)).toEqual({ steps: 200, at: -1 });
  });

  it('mutants of the seeds, bit for bit as far as the engine runs; refused mutants are spiking or self-modifying', () => {
    const { cases } = mutantCases(40);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const differ = cases.map((c) => ({ name: c.name, ...firstDifference(c) })).filter((r) => r.at >= 0);
    expect(differ).toEqual([]);
    // Default mutation rates add effects and change policies now and then: a longer chain meets some.
    const { refused } = mutantCases(200);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    for (const reason of refused) {
      expect(reason).toMatch(/^node \d+ \([a-z]+(, [a-z]+ policy)?\) (has \d+ effects?: self-modifying genomes|.*: spiking nodes) cannot be exported$/);
    }
  });
});

describe('l2l export --format pytorch|tfjs', () => {
  async function l2l(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return { code, stdout, stderr };
  }

  it('prints a PyTorch optimizer and a TensorFlow.js module', async () => {
    const py = await l2l('export', 'seed:adam', '--format', 'pytorch');
    expect(py.code).toBe(0);
    expect(py.stdout.startsWith('# L2lAdam: the l2l optimizer genome "adam" as a PyTorch optimizer.\n')).toBe(true);
    expect(py.stdout).toContain('\nimport torch\n');
    expect(py.stdout).toContain('\nclass L2lAdam(torch.optim.Optimizer):\n');
    const js = await l2l('export', 'seed:adam', '--format', 'tfjs', '--hyper', 'lr=0.01');
    expect(js.code).toBe(0);
    expect(js.stdout).toContain('\nexport function createOptimizerClass(tf) {\n');
    expect(js.stdout).toContain('class L2lAdam extends tf.Optimizer {');
    expect(js.stdout).toContain('tf.serialization.registerClass(L2lAdam);');
    expect(js.stdout).toContain('tf.mul(H[');
  });

  it('exits with code 2 naming the node and why for a genome it cannot export', async () => {
    const g = seedByName('lion').build();
    const n = g.nodes.filter((m) => m.role === 'hidden').sort((a, b) => a.key - b.key)[0] as NodeGene;
    n.policy = { ...n.policy, kind: 'threshold' };
    const file = join(mkdtempSync(join(tmpdir(), 'l2l-export-')), 'spiking.json');
    writeFileSync(file, genomeToJSON(g));
    const r = await l2l('export', file, '--format', 'pytorch');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`l2l: genome must be exportable to pytorch: node ${n.key} (${n.op}, threshold policy) fires by policy: spiking nodes cannot be exported\n`);
    const bad = await l2l('export', 'seed:adam', '--format', 'keras');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of json, dot, mermaid, pytorch, tfjs');
  });
});
