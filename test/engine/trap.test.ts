// A trap is a bug, never an answer to bad input; if one happens anyway the host throws the instance
// away, instantiates a fresh one from the compiled module, and the next load works. The engine
// exports debugTrap() so this can be tested against the real engine.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { emaJSON } from '../fixtures/genomes.ts';

describe('trap recovery', () => {
  it('discards a trapped instance and runs again after a reload', async () => {
    const engine = await Engine.create();
    const genome = parseGenome(emaJSON());
    engine.load(genome, [{ rows: 1, cols: 3 }]);
    const before = (engine as any).exports;
    const answer = (engine as any).guard(() => before.debugTrap());
    expect(answer).toMatch(/unreachable/);
    expect((engine as any).exports).not.toBe(before);
    expect(() => engine.run(1)).toThrow(EngineError); // the fresh instance has nothing loaded

    engine.load(genome, [{ rows: 1, cols: 3 }]);
    engine.input(0).set([1, 2, 3]);
    expect(engine.run(2)).toEqual({ status: 'ok' });
    const m = Math.fround(Math.fround(Math.fround(0.9) * Math.fround(0.1)) + Math.fround(0.1));
    expect(engine.output(0)[0]).toBe(m);
  });
});
