import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { ownPackage } from '../version.js';
import { projectFiles } from './templates.js';

interface InitOptions {
  zgrobot?: string;
}

/** `zgrobot init [dir]`: a new bot project, ready to install, test and deploy. */
export function initCommand(ctx: CliContext): Command {
  return new Command('init')
    .summary('create a bot project: TypeScript, a test, a Dockerfile')
    .description(
      'Creates a ready bot project in dir, which must be new or empty: package.json, ' +
        'tsconfig.json (strict), src/bot.ts (an echo bot whose settings come from ZGROBOT_* ' +
        'variables), src/main.ts, a vitest test using createTestClient, .env.example, a ' +
        'Dockerfile (multi-stage, non-root, HEALTHCHECK), .gitignore and a README. Then: ' +
        'npm install, npm test.',
    )
    .argument('[dir]', 'where to create it', '.')
    .option(
      '--zgrobot <spec>',
      'the zgrobot dependency: a version range, or a tarball or directory (default: ^ this version)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  zgrobot init my-bot\n  zgrobot init my-bot --zgrobot ../zgrobot-0.1.0.tgz',
    )
    .action(async (dir: string, options: InitOptions) => {
      ctx.print(await init(dir, options));
    });
}

async function init(dir: string, options: InitOptions): Promise<string> {
  const root = resolve(dir);
  await ensureEmpty(root, dir);
  const own = ownPackage();
  const files = projectFiles({
    name: packageName(basename(root)),
    zgrobot: dependencySpec(options.zgrobot ?? `^${own.version}`, root),
    node: own.node ?? '>=20',
  });
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content, { flag: 'wx' });
  }
  const cd = relative(process.cwd(), root);
  return [
    `created a bot project in ${root}:`,
    ...Object.keys(files).map((path) => `  ${path}`),
    '',
    'next:',
    ...(cd ? [`  cd ${cd.includes(' ') ? JSON.stringify(cd) : cd}`] : []),
    '  npm install',
    '  cp .env.example .env    # and set ZGROBOT_TOKEN',
    '  npm test && npm run dev',
  ].join('\n');
}

async function ensureEmpty(root: string, shown: string): Promise<void> {
  const found = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new CliError(`cannot use ${shown}: ${error.message}`);
  });
  if (!found) return;
  if (!found.isDirectory()) throw new CliError(`${shown} exists and is not a directory`);
  const entries = await readdir(root);
  if (entries.length > 0) {
    throw new CliError(
      `${shown} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): init writes into a new or empty directory`,
    );
  }
}

/** A valid npm package name from a directory's name: `My Bot!` → `my-bot`. */
export function packageName(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-.]+$/g, '')
    .slice(0, 214);
  return name || 'wechat-bot';
}

/**
 * The dependency as package.json writes it. A tarball or directory on disk becomes a `file:`
 * spec relative to the project (npm reads `file:` paths from the project's root); a version
 * range, tag or URL stays as given.
 */
export function dependencySpec(spec: string, projectRoot: string): string {
  const isPath =
    spec.startsWith('file:') ||
    isAbsolute(spec) ||
    (!/^[a-z][a-z0-9+.-]*:/i.test(spec) && (spec.startsWith('.') || /\.(tgz|tar\.gz)$/.test(spec)));
  if (!isPath) return spec;
  const target = resolve(spec.replace(/^file:/, ''));
  const path = relative(projectRoot, target).split('\\').join('/');
  return `file:${path.startsWith('.') ? path : `./${path}`}`;
}
