import { defineConfig } from "vitest/config";

// Browser checks in Debian's Chromium: `npm run test:browser` (run by .ci/run after `npm test`).
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
