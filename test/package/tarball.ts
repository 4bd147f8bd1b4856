// The package as npm would publish it, for tests that install it. (A minimal version: the
// packaging work keeps its own with the same signature.)
import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let packed: Promise<string> | undefined;

/** Builds and packs the repository once per process (`npm pack` into a temporary directory). */
export async function packedTarball(): Promise<string> {
  packed ??= pack();
  return packed;
}

async function pack(): Promise<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const options = { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 };
  await run(npm, ['run', 'build'], options);
  const dir = await mkdtemp(join(tmpdir(), 'zgrobot-pack-'));
  await run(npm, ['pack', '--pack-destination', dir], options);
  const tarballs = (await readdir(dir)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack made ${tarballs.length} tarballs in ${dir}`);
  return join(dir, tarballs[0]!);
}
