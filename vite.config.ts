// `npm run build:web`: the browser page (src/browser/, docs/browser.md) bundled by Vite into
// web-dist/ (git-ignored), which `l2l serve` serves at /play/. The page shares the engine, tasks and
// seeds with Node; a few of those modules import Node built-ins for paths the page never takes
// (reading a genome file from disk), so each built-in is replaced by a stub whose functions throw.

import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

const STUB = '\0l2l-node-stub:';

function nodeStubs(): Plugin {
  return {
    name: 'l2l-node-stubs',
    enforce: 'pre',
    resolveId(id) {
      const bare = id.startsWith('node:') ? id.slice('node:'.length) : id;
      return builtinModules.includes(bare) ? STUB + bare : null;
    },
    async load(id) {
      if (!id.startsWith(STUB)) return null;
      const name = id.slice(STUB.length);
      const real = (await import(`node:${name}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
      const missing = (what: string): string => `() => { throw new Error(${JSON.stringify(`node:${name} ${what} is not available in the browser`)}); }`;
      return [
        ...names.map((k) => `export const ${k} = ${missing(k)};`),
        'export default {};',
      ].join('\n');
    },
  };
}

export default defineConfig({
  root: 'src/browser',
  base: './',
  plugins: [nodeStubs()],
  worker: { format: 'es', plugins: () => [nodeStubs()] },
  build: { outDir: '../../web-dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
