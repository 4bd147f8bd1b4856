// `npm run bench`: each scenario's server in its own process, loaded by autocannon in another,
// peak RSS read from /proc; every ratio is against bare Koa measured in this same run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CONNECTIONS, type LoadResult, runLoad } from './run-load.js';
import { SCENARIOS } from './scenarios.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
/**
 * BENCH_ROUNDS=<n> (default 5): every row is loaded n times, the rows taking turns (round 1:
 * koa, plain, …; round 2: the same again), and each figure is the row's median round. Each row's
 * server is started and warmed up once and serves all its rounds, idle while the others are
 * loaded. This machine's speed drifts by the minute: the same build measured 75, 91 and 137 µs a
 * request in three single runs on one day, and bare Koa 25 to 56. A row measured once can land
 * in a slow minute while Koa landed in a fast one; the median of rounds spread over the run
 * cannot, and the range over the rounds (in brackets) shows how much the machine moved.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const ONLY = process.env.BENCH_ONLY?.split(',');
const FROM_SOURCE = process.env.BENCH_FROM === 'src';
/**
 * BENCH_RATE=<n>: load every row at the same n requests a second (below the slowest row's
 * capacity) instead of as fast as each goes. At full speed a fast server (bare Koa) keeps the
 * load generator, which shares this machine's cores, busy, while a slower one keeps it waiting:
 * then each answer has to wake it, and the kernel's part of sending on loopback, counted to the
 * server, grows (a bare node:http server made to spin 0, 30, 60 µs per request measured 4.4, 9.0,
 * 15.7 µs of system time per request). At one rate for all, every row pays alike.
 */
const RATE = Number(process.env.BENCH_RATE) || undefined;

// zgrobot is measured as its users run it, built (see loadLibrary in scenarios.ts).
if (!FROM_SOURCE) {
  process.stderr.write('bench: building dist/ (npm run build)…\n');
  const built = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

/**
 * Targets of issue 12, as server CPU per request: at most `koa` times bare Koa's, and at most
 * `peer` times that of the co-wechat row named `peerRow` (the same requests, plain or encrypted).
 */
const TARGETS: Record<string, { koa: number; peer?: number; peerRow?: string }> = {
  plain: { koa: 2.0, peer: 0.6, peerRow: 'coWechat' },
  sqlite: { koa: 2.6 },
  encrypted: { koa: 2.6, peer: 0.5, peerRow: 'coWechatEncrypted' },
  redisSession: { koa: 3.0 },
  redisDedupe: { koa: 3.0 },
};

const node = (script: string, args: string[]) =>
  spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });

async function firstLine(child: ChildProcess, prefix: string): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  try {
    for await (const line of lines)
      if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
  } finally {
    lines.close();
  }
  throw new Error(`process ended before printing ${prefix}`);
}

async function cpuMicros(server: ChildProcess): Promise<number> {
  const answer = firstLine(server, 'CPU');
  server.kill('SIGUSR2');
  return Number(await answer);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** One load of a row's server: what autocannon saw, and the server's CPU per request answered. */
interface Round {
  result: LoadResult;
  cpuPerRequest: number;
}

/** A row's server, started and warmed up once; its rounds, and its RSS over all of them. */
interface Running {
  name: string;
  server: ChildProcess;
  port: string;
  rounds: Round[];
  rssStart: number;
  rssPeak: number;
  rssEnd: number;
}

async function start(name: string): Promise<Running> {
  const scenario = SCENARIOS[name]!;
  const server = node('bench/scenarios.ts', [name]);
  const port = await firstLine(server, 'PORT');
  // RSS "start" is the fresh server's, before its warm-up.
  const rss = rssMiB(server.pid!);
  await runLoad(port, scenario.encrypted, WARMUP);
  return { name, server, port, rounds: [], rssStart: rss, rssPeak: rss, rssEnd: rss };
}

/** One round of a row: its server's CPU over one load, per request answered. */
async function measure(running: Running): Promise<void> {
  const { server } = running;
  const pid = server.pid!;
  const sampleRss = () => {
    running.rssEnd = rssMiB(pid);
    running.rssPeak = Math.max(running.rssPeak, running.rssEnd);
  };
  const sampler = setInterval(sampleRss, 250);
  try {
    const cpuBefore = await cpuMicros(server);
    const result = await runLoad(running.port, SCENARIOS[running.name]!.encrypted, SECONDS);
    const cpuAfter = await cpuMicros(server);
    running.rounds.push({
      result,
      cpuPerRequest: (cpuAfter - cpuBefore) / Math.max(1, result.total),
    });
  } finally {
    clearInterval(sampler);
    sampleRss();
  }
}

// Rows that answer without reading the message: a request sent twice costs them the same.
const FIXED_REPLY_ROWS = new Set(['node', 'koa', 'koaBody']);
// Bare Koa and the co-wechat rows are always measured: the targets are ratios to them.
const REFERENCES = new Set(['koa', 'coWechat', 'coWechatEncrypted']);
const names = Object.keys(SCENARIOS).filter((n) => REFERENCES.has(n) || !ONLY || ONLY.includes(n));
const running: Running[] = [];
try {
  for (const name of names) {
    process.stderr.write(`bench: starting ${name}…\n`);
    running.push(await start(name));
  }
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`bench: round ${round}/${ROUNDS}…\n`);
    for (const row of running) await measure(row);
  }
} finally {
  for (const { server } of running) server.kill('SIGKILL');
}

/**
 * A row as printed: its median round by CPU per request (the lower middle one of an even count),
 * the range over its rounds, and what went wrong in any round (not just the median one).
 */
function summary(row: Running) {
  const sorted = [...row.rounds].sort((a, b) => a.cpuPerRequest - b.cpuPerRequest);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const sum = (of: (result: LoadResult) => number) =>
    row.rounds.reduce((total, round) => total + of(round.result), 0);
  return {
    ...row,
    label: SCENARIOS[row.name]!.label,
    result: median.result,
    cpuPerRequest: median.cpuPerRequest,
    cpuLow: sorted[0]!.cpuPerRequest,
    cpuHigh: sorted.at(-1)!.cpuPerRequest,
    problems: sum((r) => r.errors + r.non2xx),
    reused: sum((r) => r.reused),
  };
}
const rows = running.map(summary);

const byName = new Map(rows.map((r) => [r.name, r]));
const koa = byName.get('koa')!;

/**
 * How many times `reference`'s CPU per request `row` costs: the median over the rounds of the
 * ratio within each round. Both were loaded in the same round, under a minute apart, while the
 * medians of the two rows may come from minutes apart; on this machine, whose speed drifts by
 * the minute, the paired ratio is the steadier one.
 */
function timesOf(row: Running, reference: Running): number {
  const ratios = row.rounds
    .map((round, i) => round.cpuPerRequest / (reference.rounds[i]?.cpuPerRequest ?? Number.NaN))
    .sort((a, b) => a - b);
  return ratios[Math.floor((ratios.length - 1) / 2)]!;
}
const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  "\nCPU µs/req = the server process's CPU time over the run ÷ requests (from /proc, steady on a busy machine);",
);
console.log(
  "× Koa, × co-wechat = this CPU per request ÷ theirs in the same round, the median over the rounds (lower is better); target: issue 12's bounds",
);
console.log(
  `each row: the median of ${ROUNDS} rounds of ${SECONDS} s (one server per row, warmed up once), the range over the rounds in brackets`,
);
console.log(
  `\nzgrobot benchmark — ${SECONDS}s per scenario, ${CONNECTIONS} connections, Node ${process.version}, zgrobot from ${FROM_SOURCE ? 'src/ through tsx' : 'its build (dist/)'}, ${RATE ? `${RATE} req/s for every row` : 'each row as fast as it goes'}\n`,
);
console.log(
  `${pad('scenario', 36)}${pad('req/s', 9)}${pad('p99 ms', 8)}${pad('RSS MiB start→end (peak)', 26)}` +
    `${pad('CPU µs/req', 20)}${pad('× Koa', 8)}${pad('× co-wechat', 13)}${pad('target', 24)}errors`,
);
let missed = 0;
for (const r of rows) {
  const cpu = r.cpuPerRequest;
  const timesKoa = timesOf(r, koa);
  const target = TARGETS[r.name];
  const peer = target?.peerRow ? byName.get(target.peerRow) : undefined;
  const timesPeer = peer ? timesOf(r, peer) : undefined;
  let verdict = '';
  if (target) {
    const met =
      timesKoa <= target.koa && (timesPeer === undefined || timesPeer <= (target.peer ?? 0));
    if (!met) missed++;
    verdict = `${met ? '✓' : '✗'} ≤${target.koa.toFixed(1)}×Koa${target.peer ? ` ≤${target.peer}×peer` : ''}`;
  }
  console.log(
    `${pad(r.label, 36)}${pad(r.result.rps.toFixed(0), 9)}${pad(String(r.result.p99), 8)}` +
      `${pad(`${r.rssStart.toFixed(0)}→${r.rssEnd.toFixed(0)} (${r.rssPeak.toFixed(0)})`, 26)}` +
      `${pad(`${cpu.toFixed(0)} [${r.cpuLow.toFixed(0)}–${r.cpuHigh.toFixed(0)}]`, 20)}${pad(timesKoa.toFixed(2), 8)}${pad(timesPeer?.toFixed(2) ?? '', 13)}` +
      `${pad(verdict, 24)}${r.problems}${r.reused && !FIXED_REPLY_ROWS.has(r.name) ? ` (${r.reused} requests reused: pool too small)` : ''}`,
  );
}
console.log(`\n${missed === 0 ? 'every target met' : `${missed} target(s) missed`}`);
