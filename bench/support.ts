import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../db/embedded.server.ts";

/** One line of the final summary: a measured figure, and its goal when it has one. */
export interface Figure {
  benchmark: string;
  measured: string;
  goal?: string;
  met?: boolean;
}

export interface Stats {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentile: always a value that was actually observed. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarize(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { count: sorted.length, mean, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
}

export const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
export const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(2)} s`;
export const percent = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)} %`;

/** A positive integer from the environment, so a quick trial run can shrink a benchmark. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

/** Plain-text table: the first `left` columns are labels, the rest right-aligned like numbers. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[], { left = 1 } = {}): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

export function printFigures(figures: readonly Figure[]): void {
  const verdict = (f: Figure) => (f.met === undefined ? "" : f.met ? "met" : "MISSED");
  printTable(
    ["Benchmark", "Measured", "Goal", "Result"],
    figures.map((f) => [f.benchmark, f.measured, f.goal ?? "", verdict(f)]),
    { left: 4 },
  );
}

export function heading(title: string): void {
  console.log(`\n== ${title} ==`);
}

/** The server a benchmark makes its database on: DATABASE_URL's, else the embedded PostgreSQL on port 5435. */
export async function openBenchServer(): Promise<{ adminUrl: URL; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const adminUrl = new URL(process.env.DATABASE_URL);
    adminUrl.pathname = "/postgres";
    return { adminUrl, stop: async () => {} };
  }
  console.log("DATABASE_URL is unset: starting the embedded PostgreSQL in .data/bench-postgres on port 5435");
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data/bench-postgres"), port: 5435, database: "postgres" });
  return { adminUrl: new URL(embedded.url), stop: embedded.stop };
}

/** One statement on the server's maintenance database (create or drop the benchmark's database). */
export async function runAdminQuery(url: URL, query: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}
