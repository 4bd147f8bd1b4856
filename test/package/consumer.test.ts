import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerApp, consumerApp, removeConsumerApp } from './app.js';
import { type CommandResult, run, runOk } from './command.js';
import { nodeBinary, oldestAllowed } from './oldest-node.js';
import { ROOT } from './tarball.js';

// The package as a user gets it: packed by `npm pack` (prepack builds), installed with its
// production dependencies only into a fresh app, then compiled against, run and required there.

let app: ConsumerApp;

beforeAll(async () => {
  app = await consumerApp();
}, 600_000);

afterAll(removeConsumerApp, 60_000);

/** The `.js` files the build makes from `src/` and `middleware/` (no test, bench or examples). */
function sourceModules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
        out.push(`dist/${relative(ROOT, path).replaceAll('\\', '/').replace(/\.ts$/, '.js')}`);
    }
  };
  walk(join(ROOT, 'src'));
  walk(join(ROOT, 'middleware'));
  return out.sort();
}

/** `RESULT <json>` printed by a consumer script. */
function result(stdout: string): {
  node: string;
  reply: unknown;
  exported?: Record<string, number>;
} {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
}

describe('the packed tarball', () => {
  let files: string[];

  beforeAll(async () => {
    const listing = await runOk('tar', ['-tzf', app.tarball], { cwd: app.dir });
    files = listing.stdout
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ''))
      .filter((entry) => !entry.endsWith('/'))
      .sort();
  });

  it('holds the manifest, README, LICENSE, the build of src/ and middleware/ and the playground page only', () => {
    const outside = files.filter((f) => !f.startsWith('dist/'));
    expect(outside).toEqual(['LICENSE', 'README.md', 'package.json']);
    // The playground's page, bundled by the build (scripts/bundle-playground.mjs).
    const page = ['app.css', 'app.js', 'index.html'].map((f) => `dist/web/playground/${f}`);
    expect(files.filter((f) => f.startsWith('dist/web/'))).toEqual(page);
    const built = files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/web/'));
    // Exactly one .js and one .d.ts per source module: no maps, no tests, no stray files.
    const modules = sourceModules();
    expect(built.filter((f) => f.endsWith('.js'))).toEqual(modules);
    expect(built.filter((f) => f.endsWith('.d.ts'))).toEqual(
      modules.map((f) => f.replace(/\.js$/, '.d.ts')),
    );
    expect(built.filter((f) => !f.endsWith('.js') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const dir of ['test/', 'bench/', 'examples/', 'src/', 'dist/test/', 'dist/bench/'])
      expect(files.some((f) => f.startsWith(dir))).toBe(false);
    expect(files).toEqual(expect.arrayContaining(['dist/src/index.js', 'dist/src/index.d.ts']));
  });

  it('has every file its manifest names: exports, main, types and the bin', () => {
    const { manifest } = app;
    const named = [
      ...Object.values(manifest.exports).flatMap((t) =>
        typeof t === 'string' ? [t] : Object.values(t),
      ),
      ...Object.values(manifest.bin ?? {}),
    ].map((path) => path.replace(/^\.\//, ''));
    expect(Object.keys(manifest.bin ?? {})).toEqual(['zgrobot']);
    for (const path of named) expect(files, path).toContain(path);
    const bin = readFileSync(
      join(app.dir, 'node_modules', 'zgrobot', manifest.bin!.zgrobot!),
      'utf8',
    );
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(existsSync(join(app.dir, 'node_modules', '.bin', 'zgrobot'))).toBe(true);
  });

  it('serves the playground page from the installed bin, with no bundler installed', async () => {
    const bin = join(app.dir, 'node_modules', 'zgrobot', app.manifest.bin!.zgrobot!);
    expect(existsSync(join(app.dir, 'node_modules', 'esbuild'))).toBe(false);
    const child = spawn(
      process.execPath,
      [bin, 'playground', 'http://127.0.0.1:9/', '--token', 't', '--port', '0'],
      { cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /zgrobot playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (found?.[1]) resolve(found[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      expect(await (await fetch(url)).text()).toContain('<script src="/app.js"></script>');
      expect(await (await fetch(new URL('/app.js', url))).text()).toContain('/api/send');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('is MIT with its LICENSE, and runs no script when installed', () => {
    const { manifest } = app;
    expect(manifest.license).toBe('MIT');
    const license = readFileSync(join(app.dir, 'node_modules', 'zgrobot', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} zgrobot contributors\n/);
    for (const script of ['preinstall', 'install', 'postinstall'])
      expect(manifest.scripts?.[script], script).toBeUndefined();
  });
});

describe('a consumer app', () => {
  let building: Promise<CommandResult> | undefined;
  /** The app's own `tsc -p tsconfig.json` (strict, no skipLibCheck), run once. */
  const build = () => {
    const tsc = join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    building ??= run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app.dir });
    return building;
  };

  it('installs no optional peer, so the types below cannot lean on one', () => {
    const peers = Object.keys(app.manifest.peerDependencies ?? {});
    expect(peers.length).toBeGreaterThan(0);
    for (const peer of peers)
      expect(existsSync(join(app.dir, 'node_modules', peer)), peer).toBe(false);
  });

  it('compiles a strict TypeScript bot and every subpath without skipLibCheck', async () => {
    const built = await build();
    expect(built.stdout + built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(app.specifiers.length).toBeGreaterThan(1);
  }, 120_000);

  it('types the handler just as well with skipLibCheck on', async () => {
    const tsc = join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const check = await run(process.execPath, [tsc, '-p', 'tsconfig.skip-lib-check.json'], {
      cwd: app.dir,
    });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
  }, 120_000);

  it('gets a compile error for a field the message does not have', async () => {
    const tsc = join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const check = await run(process.execPath, [tsc, '-p', 'tsconfig.negative.json'], {
      cwd: app.dir,
    });
    expect(check.code).not.toBe(0);
    const errors = check.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^negative\.ts\(\d+,\d+\): error TS2339: Property 'mediaId' does not exist/,
    );
  }, 120_000);

  it('runs the bot from ESM: a signed message over HTTP gets its echo', async () => {
    await build(); // out/ is emitted even when a type is wrong: the test above reports that
    const esm = await runOk(process.execPath, ['out/run.js'], { cwd: app.dir, timeout: 60_000 });
    expect(result(esm.stdout)).toMatchObject({
      node: process.version,
      reply: { type: 'text', content: 'echo: hello from ESM' },
    });
  }, 120_000);

  it('is require()d from CommonJS, and runs from ESM, on the oldest Node engines allows', async (ctx) => {
    const version = oldestAllowed(app.manifest.engines?.node ?? '');
    const node = await nodeBinary(version);
    if (!('path' in node)) {
      console.warn(
        `skipped: no Node ${version} binary to require() the package on: ${node.reason}`,
      );
      ctx.skip(`no Node ${version} binary: ${node.reason}`);
      return;
    }
    const cjs = await run(node.path, ['require.cjs', ...app.specifiers], {
      cwd: app.dir,
      timeout: 60_000,
    });
    expect(cjs.stderr).toBe('');
    expect(cjs.code).toBe(0);
    const { node: ranOn, reply, exported } = result(cjs.stdout);
    expect(ranOn).toBe(`v${version}`);
    expect(reply).toMatchObject({ type: 'text', content: 'echo: hello from CommonJS' });
    for (const specifier of app.specifiers)
      expect(exported?.[specifier], specifier).toBeGreaterThan(0);

    await build();
    const esm = await runOk(node.path, ['out/run.js'], { cwd: app.dir, timeout: 60_000 });
    expect(result(esm.stdout)).toMatchObject({
      node: `v${version}`,
      reply: { type: 'text', content: 'echo: hello from ESM' },
    });
  }, 600_000);
});
