// The engine's side of compiled chains (docs/engine.md, Compiled chains): the imports the engine
// calls, `chainCompile` (a description in, a function id out) and `chainCall`.

import { compileChain } from './chain-code.ts';
import { readChain } from './chain-format.ts';

export { compileChain } from './chain-code.ts';
export { readChain } from './chain-format.ts';

type ChainFn = (block: number, start: number, bytes: number, rem: number) => void;

/**
 * The engine's side of compiled chains: `chainCompile` and `chainCall`, the imports the engine
 * calls. Shapes are compiled once per engine instance and cached by their description.
 */
/** The most chain shapes one engine instance compiles, unless told otherwise. */
export const MAX_SHAPES = 256;

export class ChainCompiler {
  private readonly byShape = new Map<string, number>();
  private readonly fns: ChainFn[] = [];
  memory: WebAssembly.Memory | undefined;
  compiledCount = 0;
  /** Shapes not compiled because MAX_SHAPES were. */
  refused = 0;
  /** Why shapes failed to compile (expected only where synchronous compilation is refused). */
  readonly failures: string[] = [];

  constructor(private readonly enabled: boolean, private readonly maxShapes = MAX_SHAPES) {}

  imports(): { chainCompile(desc: number, words: number): number; chainCall(fn: number, block: number, start: number, bytes: number, rem: number): void } {
    return {
      chainCompile: (desc, words) => this.compile(desc, words),
      chainCall: (fn, block, start, bytes, rem) => (this.fns[fn] as ChainFn)(block, start, bytes, rem),
    };
  }

  private compile(desc: number, words: number): number {
    if (!this.enabled || this.memory === undefined) return -1;
    // A bounded number of shapes per instance: each compiled module holds executable memory, and
    // a process has only so much of it (evolution loads thousands of genomes). Past the bound, new
    // shapes run through the kernels.
    if (this.byShape.size >= this.maxShapes) {
      this.refused++;
      return -1;
    }
    const view = new Int32Array(this.memory.buffer, desc, words);
    const key = view.join(',');
    const known = this.byShape.get(key);
    if (known !== undefined) return known;
    let id = -1;
    try {
      const bytes = compileChain(readChain(view));
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: this.memory } });
      id = this.fns.push(instance.exports.run as ChainFn) - 1;
      this.compiledCount++;
    } catch (error) {
      // No synchronous compilation here (a browser's main thread refuses large modules), or a bug:
      // the engine runs this chain through its kernels, and the failure is kept for tests to see.
      if (this.failures.length < 16) this.failures.push(error instanceof Error ? error.message : String(error));
      id = -1;
    }
    this.byShape.set(key, id);
    return id;
  }
}
