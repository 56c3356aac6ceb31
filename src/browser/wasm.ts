// The engine's WebAssembly for the page and its workers: wasm-build/engine.wasm, the file Node
// loads, which the bundler copies next to the page (a `new URL(file, import.meta.url)` asset).

export const ENGINE_WASM_URL = new URL('../../wasm-build/engine.wasm', import.meta.url);

/** Fetches and compiles the engine; the error names the file and how to build it. */
export async function compileEngine(): Promise<WebAssembly.Module> {
  const response = await fetch(ENGINE_WASM_URL);
  if (!response.ok) throw new Error(`engine.wasm: HTTP ${response.status} at ${ENGINE_WASM_URL.href} (run npm run asbuild, then npm run build:web)`);
  return WebAssembly.compile(await response.arrayBuffer());
}
