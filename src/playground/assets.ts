// The page's files. In the package they are bundled at build time (scripts/bundle-playground.mjs,
// into dist/web/playground/); run from the sources (tsx) they are bundled here, in memory, with
// esbuild (a dev dependency), so a checkout always serves the page as it is now.
import { readFile } from 'node:fs/promises';

/** A file of the page: its content type and bytes. */
export interface Asset {
  type: string;
  body: string;
}

/** The page's files by name: `index.html`, `app.js`, `app.css`. */
export type Assets = ReadonlyMap<string, Asset>;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'text/plain';

/** Bundles the front end in `source` (`web/playground/`): `index.html`, `app.js`, `app.css`. */
export async function bundlePlayground(source: URL): Promise<Map<string, string>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [new URL('main.ts', source).pathname],
    bundle: true,
    write: false,
    outdir: 'out',
    entryNames: 'app',
    format: 'iife',
    target: 'es2022',
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files = new Map<string, string>();
  files.set('index.html', await readFile(new URL('index.html', source), 'utf8'));
  for (const file of result.outputFiles) {
    files.set(file.path.slice(file.path.lastIndexOf('/') + 1), file.text);
  }
  return files;
}

/** The names the page is made of. */
export const ASSET_NAMES = ['index.html', 'app.js', 'app.css'] as const;

/**
 * The page's files: read from the build (`dist/web/playground/`), or bundled from the sources
 * when this module runs as TypeScript.
 */
export async function loadAssets(): Promise<Assets> {
  const fromSource = import.meta.url.endsWith('.ts');
  const dir = new URL('../../web/playground/', import.meta.url);
  const files = new Map<string, Asset>();
  if (fromSource) {
    for (const [name, body] of await bundlePlayground(dir)) {
      files.set(name, { type: typeOf(name), body });
    }
  } else {
    for (const name of ASSET_NAMES) {
      files.set(name, { type: typeOf(name), body: await readFile(new URL(name, dir), 'utf8') });
    }
  }
  return files;
}
