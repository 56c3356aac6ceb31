// `l2l serve`: the report page live on a local port (docs/report.md, Serving). Routes:
//
//   GET /                 the dashboard: the report page in live mode (html.ts)
//   GET /api/runs         the runs of the folder (watch.ts), as JSON
//   GET /api/run?name=N   run N's page data (rundata.ts), as JSON
//   GET /api/events       server-sent events: `runs`, the run list, at once and whenever it changes
//   GET /play/...         the browser page (static.ts, docs/browser.md), once `npm run build:web` built it
//
// Every answer carries the cross-origin isolation headers (Cross-Origin-Opener-Policy: same-origin,
// Cross-Origin-Embedder-Policy: require-corp; https://web.dev/articles/coop-coep) that a page needs
// for SharedArrayBuffer, which the engine's threads will need in the browser, and a
// Cross-Origin-Resource-Policy of same-origin so the page's own requests pass its embedder policy.
// A run is named only from the current listing, so no request can reach a path outside the folder.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { InputError } from '../util/errors.ts';
import { fileError } from '../util/files.ts';
import { clientScript } from './bundle.ts';
import { pageHtml } from './html.ts';
import { readRunPage, type FrontCache } from './rundata.ts';
import { PLAY_PREFIX, playFile } from './static.ts';
import { RunWatcher, type ServedRun } from './watch.ts';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const COMMON_HEADERS = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

export interface ServeOptions {
  /** The folder of runs (or one run directory); `folderField` names it in errors. */
  folder: string;
  folderField?: string;
  /** 0: a free port the system picks. */
  port: number;
  host: string;
  /** How often the folder is polled for new generations (ms). */
  pollMs?: number;
}

export interface RunningServer {
  /** The dashboard's address, e.g. http://127.0.0.1:8737/ */
  url: string;
  close(): Promise<void>;
}

/** Refuses `folder` unless it is an existing folder. */
function checkFolder(folder: string, field: string): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new InputError(field, `must be an existing folder of run directories or a run directory (${JSON.stringify(folder)} does not exist; l2l evolve --out makes runs)`);
    throw fileError(error, field, folder);
  }
  if (!isFolder) throw new InputError(field, `must be a folder of run directories or a run directory (${JSON.stringify(folder)} is not a folder)`);
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === 'EADDRINUSE') return new InputError('--port', `must be a free port: ${port} on ${host} is in use (another l2l serve? pick another with --port, or 0 for any free one)`, port);
  if (error.code === 'EACCES') return new InputError('--port', `must be a port this user may open (${port} needs privileges)`, port);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new InputError('--host', 'must be an address of this machine', host);
  return error;
}

/** Starts the server; it runs until `close()`. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const field = options.folderField ?? 'RUNS';
  checkFolder(options.folder, field);
  const page = pageHtml({ mode: 'live' }, await clientScript());
  const streams = new Set<ServerResponse>();
  const fronts = new Map<string, FrontCache>();
  const pages = new Map<string, { version: string; json: string }>();
  const broadcast = (runs: ServedRun[]): void => {
    const message = sse('runs', listing(runs));
    for (const s of streams) s.write(message);
  };
  const watcher = new RunWatcher(options.folder, options.pollMs ?? 500, broadcast);

  const runJson = (run: ServedRun): string => {
    const known = pages.get(run.dir);
    if (known !== undefined && known.version === run.version) return known.json;
    let cache = fronts.get(run.dir);
    if (cache === undefined) fronts.set(run.dir, (cache = new Map()));
    const json = JSON.stringify(readRunPage(run.dir, run.name, cache));
    pages.set(run.dir, { version: run.version, json });
    return json;
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'only GET\n', { Allow: 'GET, HEAD' });
    if (url.pathname === '/' || url.pathname === '/index.html') return send(response, 200, 'text/html; charset=utf-8', page);
    if (url.pathname === '/play') return send(response, 301, 'text/plain', 'moved to /play/\n', { Location: PLAY_PREFIX });
    if (url.pathname.startsWith(PLAY_PREFIX)) {
      const file = playFile(url.pathname);
      return send(response, file.status, file.type, file.body);
    }
    if (url.pathname === '/api/runs') return send(response, 200, 'application/json', JSON.stringify(listing(watcher.current())));
    if (url.pathname === '/api/run') {
      const name = url.searchParams.get('name');
      const run = watcher.current().find((r) => r.name === name);
      if (run === undefined) return send(response, 404, 'application/json', JSON.stringify({ error: `no run named ${JSON.stringify(name)} in the served folder` }));
      try {
        return send(response, 200, 'application/json', runJson(run));
      } catch (error) {
        // A damaged run is the folder's problem, not the server's: the page says which file and rule.
        const message = error instanceof Error ? error.message : String(error);
        return send(response, error instanceof InputError ? 422 : 500, 'application/json', JSON.stringify({ error: message }));
      }
    }
    if (url.pathname === '/api/events') {
      response.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      response.write(`retry: 1000\n\n${sse('runs', listing(watcher.current()))}`);
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    send(response, 404, 'text/plain', `not found: ${url.pathname}\n`);
  };

  const server = createServer(handle);
  // A comment line now and then keeps idle event streams open through anything that times them out.
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 15_000);
  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    watcher.close();
    clearInterval(heartbeat);
    throw listenError(error as NodeJS.ErrnoException, options.port, options.host);
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: async () => {
      watcher.close();
      clearInterval(heartbeat);
      for (const s of streams) s.end();
      streams.clear();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

/** The listing as the page gets it: without the runs' paths on this machine. */
function listing(runs: readonly ServedRun[]): Omit<ServedRun, 'dir'>[] {
  return runs.map(({ dir: _dir, ...run }) => run);
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  response.end(body);
}
