// Two projects: node tests (protocol, handlers on the local stack, CDK template) and browser tests
// (real Chromium against the local stack). `npm test` runs both inside a loopback-only network namespace.
import { defineConfig } from 'vitest/config';

// Hides the AWS SDK's notice about Node 20 (and nothing else) in each test worker.
const setupFiles = ['local/quiet-sdk-warning.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/kit-sync.ts'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.build/test-results.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'node',
          setupFiles,
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          setupFiles,
          include: ['test/browser/**/*.test.ts'],
          // Each file drives several Chromium pages with live WebRTC; two cores fit one file at a time.
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
