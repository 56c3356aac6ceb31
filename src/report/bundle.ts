// The report page's browser code (client/) as one script, bundled with esbuild's JS API
// (https://esbuild.github.io/api/#build) when a report is written or a server starts: Observable
// Plot, d3 and Graphviz's WebAssembly build (@viz-js/viz, its wasm inline) come along, so the page
// needs nothing else. The bundle is built once per process.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

let bundle: Promise<string> | undefined;

async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    // Non-ASCII characters as escapes where esbuild can (the page is UTF-8 all the same); NUL and
    // CR, which an HTML parser would change inside a script, are always escapes in its output.
    charset: 'ascii',
    legalComments: 'eof',
    // Emscripten's glue reads import.meta.url to find files next to it; the wasm is inline, so
    // there is nothing to find, and a classic script has no import.meta.
    define: { 'import.meta.url': 'undefined' },
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild wrote no bundle for the report page');
  if (/[\0\r]/.test(file.text)) throw new Error('the report bundle holds a raw NUL or CR, which an HTML parser would change');
  // An inline script ends at the first "</script" whatever JavaScript means by it.
  return file.text.replace(/<\/(script)/gi, '<\\/$1');
}

/** The client script, built on first use. */
export function clientScript(): Promise<string> {
  bundle ??= bundleClient().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return bundle;
}
