import { defineConfig } from "vitest/config";

// Browser checks in Debian's Chromium: `npm run test:browser` (run by .ci/run after `npm test`).
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // The app refuses to start without a signing secret outside development; the tests supply one, as a deployment does.
    // The recommendations budget (250 ms) is for a production server; two browser files at once on two cores take
    // longer for the read, and these checks are about what the blocks show, not how fast.
    env: { PREVIEW_SECRET: "tests-only-preview-secret-not-used-anywhere-else", RECOMMENDATIONS_BUDGET_MS: "5000" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two files at a time: each has its own database, app and Chromium, and CI has two cores.
    maxWorkers: 2,
  },
});
