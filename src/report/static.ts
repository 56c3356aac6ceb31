// The browser page's files (src/browser/, docs/browser.md), built by `npm run build:web` into
// web-dist/, as `l2l serve` serves them below /play/. Only files inside the folder are answered: a
// request path is decoded, normalised and must stay within the folder (no `..`, no absolute path).
// Before the page is built, /play/ answers with how to build it.

import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` writes the page (vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web-dist/', import.meta.url));
export const PLAY_PREFIX = '/play/';

export const NOT_BUILT = 'the browser page is not built: run `npm run build:web` (after `npm run asbuild`), then reload\n';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

export type StaticAnswer = { status: 200; type: string; body: Buffer } | { status: 404 | 503; type: string; body: string };

/** The answer to `pathname` (below PLAY_PREFIX) from `root`. */
export function playFile(pathname: string, root = WEB_DIST): StaticAnswer {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(PLAY_PREFIX.length));
  } catch {
    return { status: 404, type: 'text/plain; charset=utf-8', body: 'not found: a malformed path\n' };
  }
  if (relative === '') relative = 'index.html';
  const path = normalize(join(root, relative));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep) || relative.includes('\0')) {
    return { status: 404, type: 'text/plain; charset=utf-8', body: `not found: ${pathname}\n` };
  }
  try {
    if (!statSync(join(root, 'index.html')).isFile()) throw new Error('no page');
  } catch {
    return { status: 503, type: 'text/plain; charset=utf-8', body: NOT_BUILT };
  }
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    return { status: 200, type: TYPES[extname(path)] ?? 'application/octet-stream', body: readFileSync(path) };
  } catch {
    return { status: 404, type: 'text/plain; charset=utf-8', body: `not found: ${pathname}\n` };
  }
}
