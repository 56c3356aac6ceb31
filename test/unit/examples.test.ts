// The example genomes: Adam against a plain float32 Adam written here, through the reference
// interpreter (and the WebAssembly engine and the fused kernel when they are built), and the LIF
// network's structure and firing rate.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { ADAM_DEFAULTS, adamGenome } from '../../src/examples/adam.ts';
import { LIF_DRIVE_KEY, lifNetwork } from '../../src/examples/lif.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { LaneGroup } from '../../src/genome/types.ts';
import { ReferenceEngine } from '../engine/reference/interpreter.ts';

const f32 = Math.fround;
const fusedWasm = new URL('../../wasm-build/fused.wasm', import.meta.url);

interface Runner {
  input(slot: number): Float32Array;
  output(slot: number): Float32Array;
  run(ticks: number): { status: string };
}

const groups: LaneGroup[] = [{ rows: 2, cols: 3 }, { rows: 1, cols: 5 }];
const lanes = 11;
const steps = 6;

/** A gradient that changes sign and scale from step to step and lane to lane. */
function gradient(step: number, lane: number): number {
  return f32(Math.sin(1.7 * lane + 0.9 * step) * (lane % 3 === 0 ? 1e-3 : 2) + (lane === 4 ? 0 : 0.01 * step));
}

function initialParameter(lane: number): number {
  return f32(0.5 - 0.1 * lane);
}

/** Adam in float32, one rounding per operation, as a straightforward implementation writes it. */
function plainAdam(): number[][] {
  const { lr, b1, b2, eps } = ADAM_DEFAULTS;
  const [B1, B2, LR, EPS] = [f32(b1), f32(b2), f32(lr), f32(eps)];
  const p = Array.from({ length: lanes }, (_, l) => initialParameter(l));
  const m = new Array<number>(lanes).fill(0);
  const v = new Array<number>(lanes).fill(0);
  const history: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const c1 = f32(1 - f32(B1 ** t));
    const c2 = f32(1 - f32(B2 ** t));
    for (let l = 0; l < lanes; l++) {
      const g = gradient(t, l);
      m[l] = f32(f32(B1 * (m[l] as number)) + f32(f32(1 - B1) * g));
      v[l] = f32(f32(B2 * (v[l] as number)) + f32(f32(1 - B2) * f32(g * g)));
      const u = f32(f32((m[l] as number) / c1) / f32(f32(Math.sqrt(f32((v[l] as number) / c2))) + EPS));
      p[l] = f32((p[l] as number) - f32(LR * u));
    }
    history.push([...p]);
  }
  return history;
}

/** Runs the Adam genome for `steps` updates, writing each new parameter back into its input. */
function runAdam(engine: Runner): number[][] {
  engine.input(1).set(Array.from({ length: lanes }, (_, l) => initialParameter(l)));
  const history: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    engine.input(0).set(Array.from({ length: lanes }, (_, l) => gradient(t, l)));
    engine.input(2)[0] = t;
    expect(engine.run(1)).toEqual({ status: 'ok' });
    const p = [...engine.output(0)];
    engine.input(1).set(p);
    history.push(p);
  }
  return history;
}

function expectClose(actual: number[][], expected: number[][], relative: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) => row.forEach((x, l) => {
    const want = expected[t]?.[l] as number;
    expect(Math.abs(x - want), `step ${t + 1} lane ${l}: ${x} vs ${want}`).toBeLessThanOrEqual(relative * Math.abs(want) + 1e-12);
  }));
}

describe('adamGenome', () => {
  it('is a small valid graph with scalar bias corrections', () => {
    const g = adamGenome();
    expect(g.nodes.length).toBeLessThanOrEqual(20);
    expect(parseGenome(JSON.parse(JSON.stringify(g)))).toEqual(g);
    expect(g.inputs.map((s) => s.width)).toEqual(['lane', 'lane', 'scalar']);
  });

  it('matches a plain float32 Adam in the reference interpreter', () => {
    const expected = plainAdam();
    const actual = runAdam(new ReferenceEngine(adamGenome(), groups, { seed: 1 }));
    // Not bit-equal: the graph sums a port's edges in float64 with one rounding.
    expectClose(actual, expected, 1e-6);
    // The parameters really moved (Adam's steps are about lr each).
    const moved = (actual[steps - 1] as number[]).map((p, l) => Math.abs(p - initialParameter(l)));
    expect(moved.reduce((a, v) => Math.max(a, v))).toBeGreaterThan(3e-3);
  });

  it('matches the reference in the engine, tiled and event', async () => {
    const reference = runAdam(new ReferenceEngine(adamGenome(), groups, { seed: 1 }));
    for (const mode of ['tiled', 'event'] as const) {
      const engine = await Engine.create();
      engine.load(adamGenome(), groups, { seed: 1, mode });
      expect(runAdam(engine)).toEqual(reference);
    }
  });

  it('matches the fused kernels', () => {
    type Step = (n: number, step: number, lr: number, b1: number, b2: number, eps: number) => void;
    for (const name of ['adamStep', 'adamStepReciprocal']) {
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(fusedWasm)));
      const k = exports as unknown as { memory: WebAssembly.Memory; reserve(n: number): number; gPtr(): number; pPtr(): number };
      const step = (exports as Record<string, unknown>)[name] as Step;
      expect(k.reserve(lanes)).toBe(1);
      const view = (ptr: number): Float32Array => new Float32Array(k.memory.buffer, ptr, lanes);
      view(k.pPtr()).set(Array.from({ length: lanes }, (_, l) => initialParameter(l)));
      const history: number[][] = [];
      const { lr, b1, b2, eps } = ADAM_DEFAULTS;
      for (let t = 1; t <= steps; t++) {
        view(k.gPtr()).set(Array.from({ length: lanes }, (_, l) => gradient(t, l)));
        step(lanes, t, lr, b1, b2, eps);
        history.push([...view(k.pPtr())]);
      }
      expectClose(history, plainAdam(), 1e-6);
    }
  });
});

describe('lifNetwork', () => {
  it('builds 1000 neurons with 100 distinct recurrent inputs each, deterministically', () => {
    const g = lifNetwork({ nodes: 1000, fanIn: 100, seed: 7 });
    expect(g.nodes.length).toBe(1001);
    expect(g.caps.nodes).toBe(g.nodes.length);
    expect(g.caps.edges).toBe(g.edges.length);
    const recurrent = g.edges.filter((e) => e.source !== LIF_DRIVE_KEY);
    expect(recurrent.length).toBe(100_000);
    const sources = new Map<number, Set<number>>();
    expect(recurrent.filter((e) => e.source === e.target || e.delay < 1 || e.delay > g.maxDelay)).toEqual([]);
    for (const e of recurrent) {
      if (!sources.has(e.target)) sources.set(e.target, new Set());
      sources.get(e.target)?.add(e.source);
    }
    expect([...sources.values()].every((s) => s.size === 100)).toBe(true);
    expect(recurrent.filter((e) => e.delay === 1).length).toBeGreaterThan(0.8 * recurrent.length);
    const driven = g.edges.length - recurrent.length;
    expect(driven).toBeGreaterThan(100);
    expect(driven).toBeLessThan(300);
    expect(new Set(g.edges.map((e) => e.key)).size).toBe(g.edges.length);
    const same = lifNetwork({ nodes: 1000, fanIn: 100, seed: 7 });
    const other = lifNetwork({ nodes: 1000, fanIn: 100, seed: 8 });
    const weights = (x: typeof g): string => x.edges.map((e) => `${e.source}>${e.target}:${e.weight}/${e.delay}`).join();
    expect(weights(same)).toBe(weights(g));
    expect(weights(other)).not.toBe(weights(g));
  });

  it('fan-out gives every neuron the same number of outgoing synapses', () => {
    const g = lifNetwork({ nodes: 50, fanOut: 5, seed: 3 });
    const out = new Map<number, number>();
    for (const e of g.edges) if (e.source !== LIF_DRIVE_KEY) out.set(e.source, (out.get(e.source) ?? 0) + 1);
    expect(out.size).toBe(50);
    expect([...out.values()].every((c) => c === 5)).toBe(true);
  });

  it('parses, and keeps a moderate firing rate in the reference interpreter', () => {
    const g = parseGenome(JSON.parse(JSON.stringify(lifNetwork({ nodes: 120, fanIn: 12, seed: 5 }))));
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }], { seed: 5 });
    r.input(0)[0] = 1;
    const ticks = 150;
    expect(r.run(ticks)).toEqual({ status: 'ok' });
    const rate = r.costs().firedNodeLanes / (ticks * 120);
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.3);
  });
});
