// The fetch adapter outside Node: the common end-to-end cases against the example robot served by
// Bun's own server and by workerd (Cloudflare's runtime, through Miniflare), over real HTTP.
// Both runtimes come from npm (devDependencies `bun` and `miniflare`); a runtime that cannot
// start on this machine skips its cases with the reason.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { describe, expect, it } from 'vitest';
import { adapterCases, listening } from './cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const bun = join(root, 'node_modules/.bin/bun');

const bunVersion = spawnSync(bun, ['--version'], { encoding: 'utf8' });
const bunRuns = bunVersion.status === 0;
if (!bunRuns) console.warn(`Bun cases skipped: ${bun} --version failed: ${bunVersion.stderr}`);

/** Starts `bun bun-server.ts` and waits for the port it prints. */
async function startBun(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(bun, [join(here, 'runtimes/bun-server.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Bun did not start: ${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`Bun exited (${code}): ${output}`)));
  });
  return { port, child };
}

describe.runIf(bunRuns)('Bun', () => {
  adapterCases('Bun.serve({ fetch: robot.fetch })', async () => {
    const { port, child } = await startBun();
    return listening(`http://127.0.0.1:${port}/wechat`, async () => {
      child.kill();
    });
  });
});

/** The worker bundled as wrangler would: one ES module, Node built-ins left to the runtime. */
async function bundleWorker(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zgrobot-worker-'));
  try {
    const outfile = join(dir, 'worker.mjs');
    await build({
      entryPoints: [join(here, 'runtimes/worker.ts')],
      bundle: true,
      format: 'esm',
      // Node built-ins stay imports, for workerd's `nodejs_compat` to provide.
      platform: 'node',
      conditions: ['workerd', 'worker'],
      target: 'es2022',
      outfile,
      logLevel: 'error',
    });
    return await readFile(outfile, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('workerd (Cloudflare Workers, through Miniflare)', () => {
  adapterCases('a Worker exporting { fetch: robot.fetch }', async () => {
    const worker = new Miniflare({
      modules: [{ type: 'ESModule', path: 'worker.mjs', contents: await bundleWorker() }],
      compatibilityDate: '2025-07-18',
      compatibilityFlags: ['nodejs_compat'],
      host: '127.0.0.1',
      port: 0,
    });
    const url = await worker.ready;
    return listening(new URL('/wechat', url).href, () => worker.dispose());
  });

  it('the bundle imports no node:http and has no light-my-request', async () => {
    const code = await bundleWorker();
    expect(code).not.toMatch(/from "node:http"/);
    expect(code).not.toContain('light-my-request');
  });
});
