import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { runOk } from './command.js';

/** The repository this test runs in. */
export const ROOT = resolve(import.meta.dirname, '../..');

// Top-level entries that are not source: what `npm ci` and builds make, and version control.
const NOT_SOURCE = new Set(['node_modules', 'dist', '.git', 'coverage']);

let packing: Promise<string> | undefined;
const workDirs: string[] = [];

/**
 * The package exactly as `npm publish` would upload it: the path of the `.tgz` that `npm pack`
 * makes (its `prepack` step builds `dist/` from clean), in a temporary directory. Packed once per
 * process; call {@link removePackedTarball} from `afterAll` to remove it.
 *
 * `npm pack` runs on a copy of this checkout (without `dist`, with `node_modules` linked, the copy
 * removed once packed), so two test files packing at the same time do not remove each other's
 * build, and the `dist/` a developer is using is left alone.
 */
export async function packedTarball(): Promise<string> {
  packing ??= pack();
  return packing;
}

/** Removes what {@link packedTarball} made; the next call packs again. */
export async function removePackedTarball(): Promise<void> {
  await packing?.catch(() => undefined);
  packing = undefined;
  await Promise.all(workDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

async function pack(): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'zgrobot-pack-'));
  workDirs.push(work);
  const source = join(work, 'source');
  const out = join(work, 'out');
  try {
    await cp(ROOT, source, {
      recursive: true,
      filter: (path) => !NOT_SOURCE.has(relative(ROOT, path)),
    });
    await mkdir(out);
    await symlink(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'junction');
    await runOk('npm', ['pack', '--pack-destination', out], { cwd: source });
  } finally {
    await rm(source, { recursive: true, force: true });
  }
  const tarballs = (await readdir(out)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack made ${tarballs.length} tarballs in ${out}`);
  return join(out, tarballs[0]!);
}
