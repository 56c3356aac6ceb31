import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Math.exp, Math.log, Math.sin and their kin, and ** with other than an exponent or base of 2,
// differ between JavaScript engines (Node 20 against a current Chromium, in the last bit): what
// decides a run goes through src/util/math.ts instead, so that the same seed gives the same run in
// any Node and in a browser.
const DETERMINISTIC_MATH = ['exp', 'log', 'log2', 'log10', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh', 'sinh', 'cosh', 'asin', 'acos', 'atan', 'atan2', 'asinh', 'acosh', 'atanh', 'pow', 'cbrt', 'hypot']
  .map((property) => ({ object: 'Math', property, message: 'engines differ in its last bits: use src/util/math.ts' }));
const DETERMINISTIC_POWERS = [{
  selector: "BinaryExpression[operator='**']:not([left.value=2]):not([right.value=2])",
  message: 'engines differ in the last bits of x ** y: use powInt, pow10 or exp/log from src/util/math.ts (x ** 2 and 2 ** n are exact)',
}, {
  selector: "AssignmentExpression[operator='**=']",
  message: 'engines differ in the last bits of x ** y: use src/util/math.ts',
}];

export default tseslint.config(
  { ignores: ['node_modules/', 'wasm-build/', 'assembly/', 'runs/', 'bench/results/', 'web-dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', WebAssembly: 'readonly' } },
    rules: {
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded RNG' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Spreading an array into a call passes each element as an argument: data-sized arrays
    // overflow the stack (a 125,000-edge genome did). Loop, or use set() on typed arrays.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression[callee.property.name=/^(push|unshift|max|min|apply|fromCharCode)$/] > SpreadElement',
        message: 'no spread of an array into push/unshift/Math.max/Math.min: it overflows the stack on large arrays; loop instead',
      }, ...DETERMINISTIC_POWERS],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded RNG' }, ...DETERMINISTIC_MATH],
    },
  },
  {
    // What only shows or checks figures, and the exports' reference of the engine's ops, may use the
    // engine's own Math.
    files: ['src/export/**/*.ts', 'src/report/**/*.ts', 'src/util/wilcoxon.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression[callee.property.name=/^(push|unshift|max|min|apply|fromCharCode)$/] > SpreadElement',
        message: 'no spread of an array into push/unshift/Math.max/Math.min: it overflows the stack on large arrays; loop instead',
      }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded RNG' }],
    },
  },
  // Folders import only downward (docs/architecture.md, Import directions): each folder of src/
  // lists the folders it must not import from.
  ...Object.entries({
    util: ['genome', 'engine', 'optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'export', 'distributed'],
    genome: ['optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'export', 'distributed'],
    engine: ['optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'distributed'],
    optimizer: ['seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'distributed'],
    pareto: ['genome', 'engine', 'optimizer', 'seeds', 'tasks', 'pool', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'distributed'],
    seeds: ['engine', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'distributed'],
    tasks: ['seeds', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'surrogate', 'tracking', 'distributed'],
    learner: ['optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'surrogate', 'tracking', 'distributed'],
    examples: ['engine', 'optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'cli', 'learner', 'surrogate', 'tracking', 'distributed'],
    pool: ['seeds', 'pareto', 'evolve', 'examples', 'cli', 'surrogate', 'tracking', 'distributed'],
    // Evaluation on l2l worker processes through Redis (docs/scale-out.md): beside pool, which it uses.
    distributed: ['seeds', 'pareto', 'evolve', 'examples', 'cli', 'surrogate', 'tracking', 'report'],
    surrogate: ['optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'tracking', 'distributed'],
    // Optimizer genomes as PyTorch, TensorFlow.js and ONNX programs (docs/optimizer.md, Exports): above genome.
    export: ['engine', 'optimizer', 'seeds', 'tasks', 'pool', 'pareto', 'evolve', 'examples', 'cli', 'learner', 'surrogate', 'tracking', 'report', 'distributed'],
    evolve: ['examples', 'cli', 'tracking', 'report'],
    // Reporters that listen to a run and never decide (docs/tracking.md): above evolve, below cli.
    tracking: ['examples', 'cli'],
    // The report page and the live dashboard read run directories (docs/report.md): above evolve, below cli.
    report: ['examples', 'cli'],
    // The browser page (docs/browser.md): a top layer beside cli; it runs the engine in Web Workers.
    browser: ['examples', 'cli'],
  }).map(([folder, below]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: below.map((f) => `../${f}/*`), message: `src/${folder} must not import from these folders (imports go downward: docs/architecture.md)` }],
      }],
    },
  })),
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
