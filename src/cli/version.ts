import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the CLI needs from zgrobot's own package.json. */
export interface OwnPackage {
  name: string;
  version: string;
  /** `engines.node`, copied into the projects `zgrobot init` makes. */
  node: string | undefined;
}

let cached: OwnPackage | undefined;

/**
 * zgrobot's package.json, read at run time: the nearest one named `zgrobot` above this file.
 * The CLI runs from `src/cli/` (tsx) and from `dist/src/cli/` (built, installed), at different
 * depths, so it walks up rather than importing a fixed relative path.
 */
export function ownPackage(): OwnPackage {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const found = readPackage(join(dir, 'package.json'));
    if (found) {
      cached = found;
      return found;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find zgrobot’s package.json above the CLI');
    dir = parent;
  }
}

function readPackage(file: string): OwnPackage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { name, version, engines } = data as {
    name?: unknown;
    version?: unknown;
    engines?: { node?: unknown };
  };
  if (name !== 'zgrobot' || typeof version !== 'string') return undefined;
  return { name, version, node: typeof engines?.node === 'string' ? engines.node : undefined };
}
