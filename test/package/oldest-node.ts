import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run } from './command.js';

/** A Node binary to run a test on, or why there is none. */
export type NodeBinary = { version: string; path: string } | { version: string; reason: string };

/**
 * The oldest version an `engines.node` range allows. Only the `>=X.Y.Z` form is understood: any
 * other range throws, so a change to `engines` that this test cannot follow fails loudly instead
 * of testing some other version.
 */
export function oldestAllowed(range: string): string {
  const match = /^>=\s*(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (!match) throw new Error(`engines.node is "${range}": expected ">=X.Y.Z"`);
  return match[1]!;
}

/**
 * That exact Node version as a binary on this machine, from the npm registry's
 * `node-<platform>-<arch>` package (plain files, no install script), installed into a cache
 * directory under the OS's temp dir and reused by later runs. Resolves with the reason instead
 * when it cannot be installed (no such package for this platform, registry unreachable).
 */
export async function nodeBinary(version: string): Promise<NodeBinary> {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const name = `node-${platform}-${process.arch}`;
  const cache = join(tmpdir(), 'zgrobot-test-node', `${name}-${version}`);
  const found = await binaryIn(cache, name, version);
  if (found) return { version, path: found };
  await rm(cache, { recursive: true, force: true }); // a broken or partial copy

  await mkdir(join(tmpdir(), 'zgrobot-test-node'), { recursive: true });
  const staging = await mkdtemp(`${cache}.installing-`);
  const result = await run(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
    ].concat(['--prefix', staging, `${name}@${version}`]),
    { cwd: staging, env: cleanEnv(), timeout: 300_000 },
  );
  if (result.code !== 0) {
    await rm(staging, { recursive: true, force: true });
    return { version, reason: `npm install ${name}@${version} failed:\n${result.stderr.trim()}` };
  }
  // Another process may have finished the same install first: then use its copy.
  await rename(staging, cache).catch(() => rm(staging, { recursive: true, force: true }));
  const installed = await binaryIn(cache, name, version);
  return installed
    ? { version, path: installed }
    : { version, reason: `${name}@${version} installed no usable node binary in ${cache}` };
}

async function binaryIn(dir: string, name: string, version: string): Promise<string | undefined> {
  const pkg = join(dir, 'node_modules', name);
  if (!existsSync(join(pkg, 'package.json'))) return undefined;
  const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.node;
  if (!bin) return undefined;
  const path = join(pkg, bin);
  const check = await run(path, ['--version'], { cwd: dir, timeout: 30_000 }).catch(
    () => undefined,
  );
  return check?.code === 0 && check.stdout.trim() === `v${version}` ? path : undefined;
}
