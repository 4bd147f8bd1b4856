// npm's `prepare` step: builds dist/ after `npm ci` or `npm install` in a checkout, so the
// `zgrobot` bin and the package's entry points work in the repository straight away.
// `npm pack` and `npm publish` run `prepare` too, right after `prepack` has made a clean build:
// nothing to do then. Without the dev dependencies (`npm ci --omit=dev`) there is no compiler:
// say so and leave dist/ as it is instead of failing the install.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const command = process.env.npm_command;
if (command === 'pack' || command === 'publish') process.exit(0);

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  console.warn(
    'zgrobot prepare: TypeScript is not installed (dev dependencies omitted); not building dist/',
  );
  process.exit(0);
}

const npm = process.env.npm_execpath;
const result = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
