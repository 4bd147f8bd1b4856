import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOk } from './command.js';
import { packedTarball, removePackedTarball } from './tarball.js';

/** The parts of a package.json the package tests read. */
export interface Manifest {
  name: string;
  license?: string;
  engines?: { node?: string };
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  peerDependencies?: Record<string, string>;
}

/** A fresh app with the packed package installed, as a user's project would have it. */
export interface ConsumerApp {
  dir: string;
  tarball: string;
  /** The installed package's manifest. */
  manifest: Manifest;
  /** The package's import specifiers: `zgrobot` and each JavaScript subpath of its `exports`. */
  specifiers: string[];
}

const FIXTURES = join(import.meta.dirname, 'consumer');
const TYPESCRIPT = (
  createRequire(import.meta.url)('typescript/package.json') as { version: string }
).version;

let installing: Promise<ConsumerApp> | undefined;
const appDirs: string[] = [];

/**
 * Installs the packed tarball into a new temporary app with production dependencies only
 * (`npm install --omit=dev <tgz> typescript@<ours>`), next to the files of `consumer/`; once per
 * process ({@link removeConsumerApp} removes it). No optional peer (ioredis, pg, fastify, …) is
 * installed.
 *
 * Install scripts of the dependencies are skipped (`--ignore-scripts`): better-sqlite3 would
 * compile SQLite from source for minutes on a machine without its prebuilt binary. The package
 * has none of its own (checked by the tarball test), the app's bot keeps sessions in memory, and
 * loading the package must not need the native binding until an SQLite storage is opened.
 */
export function consumerApp(): Promise<ConsumerApp> {
  installing ??= install();
  return installing;
}

/** Removes the app {@link consumerApp} made and the tarball it installed. */
export async function removeConsumerApp(): Promise<void> {
  await installing?.catch(() => undefined);
  installing = undefined;
  await Promise.all(appDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  await removePackedTarball();
}

async function install(): Promise<ConsumerApp> {
  const tarball = await packedTarball();
  const dir = await mkdtemp(join(tmpdir(), 'zgrobot-consumer-'));
  appDirs.push(dir);
  await cp(FIXTURES, dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'zgrobot-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await runOk(
    'npm',
    [
      'install',
      '--omit=dev',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      tarball,
      `typescript@${TYPESCRIPT}`,
    ],
    { cwd: dir, timeout: 300_000 },
  );
  const manifest = JSON.parse(
    await readFile(join(dir, 'node_modules', 'zgrobot', 'package.json'), 'utf8'),
  ) as Manifest;
  const specifiers = Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
  // Each subpath imported by the strict TypeScript build, so every public .d.ts is checked.
  await writeFile(
    join(dir, 'subpaths.ts'),
    specifiers.map((s, i) => `import * as m${i} from '${s}';\n`).join('') +
      `export const modules = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`,
  );
  return { dir, tarball, manifest, specifiers };
}
