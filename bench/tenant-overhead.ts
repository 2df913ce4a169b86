import autocannon from "autocannon";
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { heading, ms, percent, printTable, seconds, type Figure } from "./support.ts";
import type { TenantServerCommand, TenantServerMessage, TenantServerReady } from "./tenant-server.ts";

const GOAL_PERCENT = 5;
// PostgreSQL answering the loader takes about 0.05 cores here; more than this means other
// programs ran during the measurement, and on two cores they move req/s by more than the goal.
const QUIET_OTHER_CORES = 0.25;
const CONNECTIONS = 10;
// Long enough for V8 to optimise the hot paths and grow the heap to its working size.
const WARMUP_SECONDS = 5;

type Variant = "real" | "fixed";
const LABELS: Record<Variant, string> = { real: "A: real app (host → registry)", fixed: "B: tenant hard-wired" };

export interface OverheadOptions {
  /** A provisioned shop's slug. */
  slug: string;
  /** Length of each measured run. */
  durationSeconds: number;
  /**
   * A/B pairs, run A B, B A, A B, ...: alternating spreads drift (other load, autovacuum, GC)
   * over both, and each variant going first equally often cancels any first-of-pair effect.
   * Use an even number.
   */
  rounds: number;
}

/** Always rebuilds: a stale or development build in build/ would measure the wrong thing. */
function buildRemix(): void {
  const started = performance.now();
  const result = spawnSync("npx", ["remix", "build"], { encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error(`npx remix build failed:\n${result.stdout}${result.stderr}`);
  console.log(`npx remix build: ${seconds(performance.now() - started)}`);
}

function startServers(databaseUrl: string, slug: string): Promise<{ child: ChildProcess; ready: TenantServerReady }> {
  const child = fork(path.resolve("bench/tenant-server.ts"), [databaseUrl, slug], {
    execArgv: ["--import", "tsx"],
    // React picks its production bundle from NODE_ENV at import time.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message: TenantServerMessage) => {
      if (message.kind === "ready") resolve({ child, ready: message });
      else if (message.kind === "error") reject(new Error(`tenant server failed to start:\n${message.message}`));
    });
    child.once("exit", (code) => reject(new Error(`tenant server exited with code ${code} before it was ready`)));
    child.once("error", reject);
  });
}

async function stopServers(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.send("stop" satisfies TenantServerCommand);
  const timer = setTimeout(() => child.kill(), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The server process's CPU time so far, in microseconds. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`tenant server exited with code ${code}`));
    const onMessage = (message: TenantServerMessage) => {
      if (message.kind !== "cpu") return;
      child.off("message", onMessage).off("exit", onExit);
      resolve(message.micros);
    };
    child.on("message", onMessage).once("exit", onExit);
    child.send("cpu" satisfies TenantServerCommand, (error) => error && reject(error));
  });
}

/** GET / with an explicit Host header: *.localhost needs no DNS this way. */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

/** Both variants must serve the shop's page with a 200, or the comparison means nothing. */
async function checkSamePage(ready: TenantServerReady): Promise<void> {
  const expectedText = ready.shopName;
  const [real, fixed] = await Promise.all([get(ready.realPort, ready.host), get(ready.fixedPort, ready.host)]);
  for (const [label, res] of [
    ["real", real],
    ["fixed", fixed],
  ] as const) {
    if (res.status !== 200 || !res.body.includes(expectedText)) {
      throw new Error(`${label} app: expected 200 with "${expectedText}", got ${res.status}: ${res.body.slice(0, 300)}`);
    }
  }
  if (real.body !== fixed.body) console.warn("warning: the two variants returned different HTML");
}

/** Busy CPU time of the whole machine, all cores, in microseconds. */
function machineBusy(): number {
  return os.cpus().reduce((sum, { times: t }) => sum + (t.user + t.nice + t.sys + t.irq) * 1000, 0);
}

/** This process's CPU time: autocannon's share of the machine. */
function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

interface Run {
  result: autocannon.Result;
  /** Server CPU time (all threads) over the run, in microseconds. */
  cpuMicros: number;
  /**
   * Cores kept busy by everything but the server and autocannon: PostgreSQL answering the
   * loader's query, plus whatever else runs on the machine. On two cores any other load
   * skews req/s, so this says which runs to distrust.
   */
  otherCores: number;
}

async function load(child: ChildProcess, port: number, host: string, duration: number): Promise<Run> {
  const before = { server: await serverCpu(child), own: ownCpu(), machine: machineBusy() };
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration, headers: { host } });
  const cpuMicros = (await serverCpu(child)) - before.server;
  const otherMicros = machineBusy() - before.machine - cpuMicros - (ownCpu() - before.own);
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(`port ${port}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses`);
  }
  return { result, cpuMicros, otherCores: Math.max(0, otherMicros) / (result.duration * 1e6) };
}

const rps = ({ result }: Run) => result.requests.total / result.duration;
/** Steadier than req/s when other programs compete (they delay a request more than they add to its CPU), not immune. */
const cpuPerRequest = ({ result, cpuMicros }: Run) => cpuMicros / result.requests.total;
const us = (micros: number) => `${micros.toFixed(0)} µs`;
const cores = (n: number) => n.toFixed(2);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
/** A relative to B, in percent: -3 means A has 3 % less of it than B. */
const gap = (a: number, b: number) => ((a - b) / b) * 100;

/**
 * Requests per second and latency of a shop's home page through the real app
 * versus the same Remix handler with the tenant hard-wired.
 */
export async function benchTenantOverhead(databaseUrl: string, { slug, durationSeconds, rounds }: OverheadOptions): Promise<{ figures: Figure[] }> {
  heading(`tenant overhead: GET / of ${slug}, ${CONNECTIONS} connections, ${rounds} × A/B × ${durationSeconds} s`);
  buildRemix();
  const { child, ready } = await startServers(databaseUrl, slug);
  try {
    console.log(`Host: ${ready.host}; A on 127.0.0.1:${ready.realPort}, B on 127.0.0.1:${ready.fixedPort}`);
    await checkSamePage(ready);

    // JIT, the pool's connections and the registry cache all warm up here, for both.
    await load(child, ready.realPort, ready.host, WARMUP_SECONDS);
    await load(child, ready.fixedPort, ready.host, WARMUP_SECONDS);

    const runs: Record<Variant, Run[]> = { real: [], fixed: [] };
    const rows: string[][] = [];
    for (let round = 1; round <= rounds; round++) {
      const order: Variant[] = round % 2 ? ["real", "fixed"] : ["fixed", "real"];
      for (const variant of order) {
        const run = await load(child, variant === "real" ? ready.realPort : ready.fixedPort, ready.host, durationSeconds);
        runs[variant].push(run);
        const { latency } = run.result;
        rows.push([`${round}`, LABELS[variant], rps(run).toFixed(0), ms(latency.p50, 2), ms(latency.p99, 2), us(cpuPerRequest(run)), cores(run.otherCores)]);
      }
      const [a, b] = [runs.real[round - 1], runs.fixed[round - 1]];
      rows.push([`${round}`, "A vs B", percent(gap(rps(a), rps(b))), "", "", percent(gap(cpuPerRequest(a), cpuPerRequest(b))), ""]);
    }
    printTable(["round", "variant", "req/s", "p50", "p99", "CPU/req", "other cores"], rows, { left: 2 });

    const total = (variant: Variant) => {
      const rs = runs[variant];
      const requests = rs.reduce((n, r) => n + r.result.requests.total, 0);
      return {
        rps: requests / rs.reduce((s, r) => s + r.result.duration, 0),
        p50: mean(rs.map((r) => r.result.latency.p50)),
        p99: mean(rs.map((r) => r.result.latency.p99)),
        cpu: rs.reduce((s, r) => s + r.cpuMicros, 0) / requests,
        other: mean(rs.map((r) => r.otherCores)),
      };
    };
    const a = total("real");
    const b = total("fixed");
    const rpsGap = gap(a.rps, b.rps);
    const p50Gap = gap(a.p50, b.p50);
    const cpuGap = gap(a.cpu, b.cpu);
    console.log("\nall rounds (req/s over the summed time; latency percentiles averaged over rounds):");
    printTable(
      ["variant", "req/s", "p50", "p99", "CPU/req", "other cores"],
      [
        [LABELS.real, a.rps.toFixed(0), ms(a.p50, 2), ms(a.p99, 2), us(a.cpu), cores(a.other)],
        [LABELS.fixed, b.rps.toFixed(0), ms(b.p50, 2), ms(b.p99, 2), us(b.cpu), cores(b.other)],
      ],
    );
    // The noise floor: how far the same variant moves between rounds on this machine.
    const roundGaps = runs.real.map((r, i) => gap(rps(r), rps(runs.fixed[i])));
    const bRates = runs.fixed.map(rps);
    const bSpread = ((Math.max(...bRates) - Math.min(...bRates)) / 2 / mean(bRates)) * 100;
    console.log(
      `A vs B req/s: ${percent(rpsGap)} over all rounds; median round ${percent(median(roundGaps))}, rounds ranged ${percent(Math.min(...roundGaps))} to ${percent(Math.max(...roundGaps))}`,
    );
    console.log(`noise: B alone ranged ${Math.min(...bRates).toFixed(0)}-${Math.max(...bRates).toFixed(0)} req/s across rounds (±${bSpread.toFixed(1)} %)`);
    console.log(`A vs B p50: ${percent(p50Gap)} (autocannon records latency in whole milliseconds)`);
    console.log(`A vs B server CPU per request: ${percent(cpuGap)} (${us(a.cpu - b.cpu)} per request)`);
    const maxOther = Math.max(...[...runs.real, ...runs.fixed].map((r) => r.otherCores));
    console.log(`other cores (PostgreSQL and anything else running): up to ${cores(maxOther)} of ${os.cpus().length} in a run`);
    const disturbed = maxOther > QUIET_OTHER_CORES;
    if (disturbed) console.log(`warning: other programs were busy during the runs; the A/B comparison is not reliable (rerun on a quiet machine)`);

    const goal = `< ${GOAL_PERCENT} % apart`;
    return {
      figures: [
        { benchmark: "tenant overhead: A real app", measured: `${a.rps.toFixed(0)} req/s, p50 ${ms(a.p50, 2)}, p99 ${ms(a.p99, 2)}, ${us(a.cpu)} CPU/req` },
        { benchmark: "tenant overhead: B hard-wired", measured: `${b.rps.toFixed(0)} req/s, p50 ${ms(b.p50, 2)}, p99 ${ms(b.p99, 2)}, ${us(b.cpu)} CPU/req` },
        {
          benchmark: "tenant overhead: A vs B req/s",
          measured: percent(rpsGap) + (disturbed ? " (machine busy: unreliable)" : ""),
          goal,
          met: Math.abs(rpsGap) < GOAL_PERCENT,
        },
        { benchmark: "tenant overhead: A vs B req/s, median round", measured: percent(median(roundGaps)) },
        { benchmark: "tenant overhead: A vs B p50 (1 ms resolution)", measured: percent(p50Gap) },
        { benchmark: "tenant overhead: A vs B server CPU per request", measured: percent(cpuGap) },
        { benchmark: "tenant overhead: B round-to-round noise", measured: `±${bSpread.toFixed(1)} %` },
        { benchmark: "tenant overhead: other cores busy (PostgreSQL + rest)", measured: `A ${cores(a.other)}, B ${cores(b.other)}, max ${cores(maxOther)}` },
      ],
    };
  } finally {
    await stopServers(child);
  }
}
