// `npx tsx bench/alloc.ts [scenario] [seconds]`: where the garbage of one scenario of
// `npm run bench` (default `plain`, 6 s) is made. The scenario is served in this process under
// V8's sampling heap profiler, told to keep the samples of objects already collected (the
// profile `node --heap-prof` writes keeps only what is still alive at exit: none of a request's
// garbage), while bench/load.ts loads it from a child process; then the bytes allocated per
// request, by function, self and by kind. Loads zgrobot as `npm run bench` does (dist/; run
// `npm run build` first, or BENCH_FROM=src).
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { kindOfUrl } from './kinds.js';
import { runLoad } from './run-load.js';
import { scenarioServer } from './scenarios.js';

const seconds = Number(process.argv[3] ?? 6);
const { scenario, server } = await scenarioServer(process.argv[2] ?? 'plain');
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const load = async (duration: number) => (await runLoad(port, scenario.encrypted, duration)).total;

// A warm-up first: the first requests compile and fill caches, not what a request costs.
await load(2);
const session = new Session();
session.connect();
// BENCH_PROMOTED=1: only what scavenges did not collect, i.e. what a request left alive long
// enough to be promoted to the old generation (how the dedupe stage's closures showed keeping
// every body alive); the default is every byte allocated.
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: process.env.BENCH_PROMOTED !== '1',
});
const requests = await load(seconds);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
  profile: { head: HeapNode };
};
session.disconnect();
server.close();
server.closeAllConnections();

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

let total = 0;
const byKind = new Map<string, number>();
const byFunction = new Map<string, number>();
const stack: HeapNode[] = [profile.head];
for (let node = stack.pop(); node; node = stack.pop()) {
  stack.push(...node.children);
  if (node.selfSize === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  total += node.selfSize;
  const kind = kindOfUrl(url);
  byKind.set(kind, (byKind.get(kind) ?? 0) + node.selfSize);
  const where = url.replace(/.*node_modules\//, '').replace(`file://${process.cwd()}/`, '');
  const label = `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(label, (byFunction.get(label) ?? 0) + node.selfSize);
}

const perRequest = (bytes: number) =>
  `${(bytes / Math.max(requests, 1)).toFixed(0).padStart(6)} B/req`;
console.log(
  `\n${scenario.label}: ${requests} requests in ${seconds} s, ${perRequest(total)} allocated (sampled)\n`,
);
for (const [kind, bytes] of [...byKind].sort((a, b) => b[1] - a[1])) {
  console.log(`${perRequest(bytes)}  ${kind}`);
}
console.log('\ntop functions (bytes they allocate themselves):');
for (const [label, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${perRequest(bytes)}  ${label}`);
}
process.exit(0);
