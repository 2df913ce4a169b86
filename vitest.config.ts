import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/browser/**", "node_modules/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    // The app refuses to start without a signing secret outside development; the tests supply one, as a deployment does.
    env: { PREVIEW_SECRET: "tests-only-preview-secret-not-used-anywhere-else" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database, so files can run side by side. Two at a time: vitest's default on two cores
    // is one, which leaves a core idle while a file waits on PostgreSQL (eight files took 62 s with two, 114 with one).
    pool: "forks",
    maxWorkers: 2,
  },
});
