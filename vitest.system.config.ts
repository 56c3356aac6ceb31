import { defineConfig } from 'vitest/config';

// `npm run test:system`: tests against real system programs, Debian's chromium (the report and the
// live dashboard in a browser) and python3-torch (the PyTorch export). .ci/run installs them with
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
