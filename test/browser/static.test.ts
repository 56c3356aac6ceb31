// How `l2l serve` answers below /play/ (src/report/static.ts): the built page's files with their
// types, how to build it when it is not built, and nothing outside its folder.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOT_BUILT, playFile } from '../../src/report/static.ts';

function site(): string {
  const root = mkdtempSync(join(tmpdir(), 'l2l-play-'));
  const dist = join(root, 'web-dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dist, 'assets', 'engine-abc.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(root, 'secret.txt'), 'outside');
  return dist;
}

describe('the browser page below /play/', () => {
  it('serves the page and its files with their types', () => {
    const dist = site();
    const index = playFile('/play/', dist);
    expect(index.status).toBe(200);
    expect(index.type).toBe('text/html; charset=utf-8');
    expect(String(index.body)).toContain('<title>page</title>');
    const wasm = playFile('/play/assets/engine-abc.wasm', dist);
    expect(wasm.status).toBe(200);
    expect(wasm.type).toBe('application/wasm');
    expect([...(wasm.body as Buffer)]).toEqual([0, 97, 115, 109]);
  });

  it('answers nothing outside the folder, and 404 for what is not there', () => {
    const dist = site();
    for (const path of ['/play/../secret.txt', '/play/%2e%2e/secret.txt', '/play/assets/%2e%2e/%2e%2e/secret.txt', '/play/missing.js', '/play/assets', '/play/%zz']) {
      const answer = playFile(path, dist);
      expect(answer.status, path).toBe(404);
      expect(String(answer.body)).not.toContain('outside');
    }
  });

  it('says how to build the page when it is not built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'l2l-play-empty-'));
    const answer = playFile('/play/', empty);
    expect(answer.status).toBe(503);
    expect(answer.body).toBe(NOT_BUILT);
    expect(NOT_BUILT).toContain('npm run build:web');
  });
});
