import { defineConfig } from 'vitest/config';

// `npm test`: everything that needs only Node. Tests that drive system programs (Debian's chromium,
// python3-torch, python3-onnx, redis-server) live in test/system/ and run with `npm run test:system`
// (vitest.system.config.ts), which .ci/run calls after installing those programs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/system/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'threads',
  },
});
