// Part of `npm run build`, after tsc: bundles the playground's page (web/playground/) with esbuild
// into dist/web/playground/ (index.html, app.js, app.css), which `zgrobot playground` serves.
import { mkdirSync, writeFileSync } from 'node:fs';

const { bundlePlayground } = await import('../dist/src/playground/assets.js');
const out = new URL('../dist/web/playground/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, text] of await bundlePlayground(new URL('../web/playground/', import.meta.url))) {
  writeFileSync(new URL(name, out), text);
}
