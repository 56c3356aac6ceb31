import { defineConfig } from 'vitest/config';

// `npm run test:system`: tests against real system programs, Debian's chromium (the report, the live
// dashboard and the browser page), python3-torch and python3-onnx (the exports) and redis-server
// (distributed evaluation through BullMQ). .ci/run installs them with
// apt-get first; test/system/programs.ts finds them and says which is missing and how to install it.
export default defineConfig({
  test: {
    include: ['test/system/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
