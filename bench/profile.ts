// `npx tsx bench/profile.ts [scenario] [seconds]`: one scenario of `npm run bench` (default
// `plain`, 8 s) served under `node --cpu-prof` while bench/load.ts loads it, then where the
// server's busy time went: by kind (socket writes, zgrobot, fast-xml-parser, Node, GC, …) and by
// function. zgrobot comes from dist/ as in `npm run bench` (run `npm run build` first), or from
// src/ with BENCH_FROM=src. The profile itself is left in a temporary directory, for Chrome's
// DevTools (Performance → Load profile). Busy time includes the process's start-up (tsx, the
// scenario's imports), a few percent of a run of several seconds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { kindOfUrl } from './kinds.js';
import { runLoad } from './run-load.js';
import { SCENARIOS } from './scenarios.js';

const name = process.argv[2] ?? 'plain';
const seconds = Number(process.argv[3] ?? 8);
const scenario = SCENARIOS[name];
if (!scenario) {
  console.error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'zgrobot-profile-'));
const server = spawn(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'bench/scenarios.ts', name],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const serverExit = new Promise((resolve) => server.once('exit', resolve));
const port = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.on('line', (line) => {
    if (line.startsWith('PORT ')) resolve(line.slice(5));
  });
  server.once('exit', () => reject(new Error('the server exited before listening')));
});
const { total: requests } = await runLoad(port, scenario.encrypted, seconds);
// SIGTERM makes the server exit through process.exit, which writes the profile.
server.kill('SIGTERM');
await serverExit;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
// The main thread's profile is the largest (tsx's loader thread writes a small one too).
const files = readdirSync(dir).map((file) => join(dir, file));
const [file] = files.sort(
  (a, b) => readFileSync(b, 'utf8').length - readFileSync(a, 'utf8').length,
);
if (!file) throw new Error(`no profile written to ${dir}`);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

function kindOf(frame: ProfileNode['callFrame']): string {
  const { functionName: fn, url } = frame;
  if (['writev', 'writevGeneric', 'writeUtf8String', 'writeBuffer'].includes(fn)) {
    return 'socket writes (the kernel sending on loopback)';
  }
  if (fn === '(garbage collector)') return 'garbage collection';
  return kindOfUrl(url);
}

let busy = 0;
const byKind = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, time] of selfTime) {
  const frame = frames.get(id);
  if (!frame || frame.functionName === '(idle)') continue;
  busy += time;
  const kind = kindOf(frame);
  byKind.set(kind, (byKind.get(kind) ?? 0) + time);
  const where = frame.url.replace(/.*node_modules\//, '').replace(`file://${process.cwd()}/`, '');
  const label = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
  byFunction.set(label, (byFunction.get(label) ?? 0) + time);
}

const share = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)}%`;
const perRequest = (time: number) =>
  requests ? `${(time / requests).toFixed(1).padStart(6)} µs/req` : '';
console.log(
  `\n${scenario.label}: ${requests} requests in ${seconds} s, ${(busy / 1e6).toFixed(2)} s busy (profiler on)\n`,
);
for (const [kind, time] of [...byKind].sort((a, b) => b[1] - a[1])) {
  if (time < busy / 1000) continue; // under 0.1%
  console.log(`${share(time)} ${perRequest(time)}  ${kind}`);
}
console.log('\ntop functions (self time):');
for (const [label, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${share(time)}  ${label}`);
}
console.log(`\nprofile: ${file}`);
