// `zgrobot init`: what it writes, what it refuses, and that what it writes works: the project
// installs the packed zgrobot from npm's point of view, passes its own test and typechecks.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { dependencySpec, packageName } from '../../src/cli/init/init.js';
import { run } from '../../src/cli/main.js';
import { packedTarball, removePackedTarball } from '../package/tarball.js';

// npm install of a new project (from the registry), its tests and tsc: minutes on a busy machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 120_000 });

const own = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zgrobot-init-'));
  temps.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
  await removePackedTarball();
});

/** The environment of this test run without what vitest and npm set for it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(VITEST|NODE_ENV$|TEST$|MODE$|FORCE_COLOR$|npm_package_|npm_lifecycle_|npm_config_local_prefix$)/.test(
          name,
        ),
    ),
  );
  return { ...env, NO_COLOR: '1' };
}

interface Finished {
  code: number;
  output: string;
}

/** Runs a command in `cwd` to its end; its stdout and stderr together, and its exit code. */
function sh(command: string, args: string[], cwd: string): Promise<Finished> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd, env: cleanEnv(), timeout: 480_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removing colour codes
        done({ code, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
      },
    );
  });
}

const FILES = [
  '.dockerignore',
  '.env.example',
  '.gitignore',
  'Dockerfile',
  'README.md',
  'package.json',
  'src/bot.ts',
  'src/main.ts',
  'test/bot.test.ts',
  'tsconfig.build.json',
  'tsconfig.json',
];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

describe('zgrobot init, what it writes', () => {
  it('a project named after its directory, depending on this zgrobot version', async () => {
    const project = join(await tempDir(), 'My Echo Bot');
    const result = await run(['init', project], {});
    expect(result).toMatchObject({ stderr: '', exitCode: 0 });
    expect(await filesUnder(project)).toEqual(FILES);
    for (const file of FILES) expect(result.stdout).toContain(`  ${file}\n`);

    const read = (file: string) => readFile(join(project, file), 'utf8');
    const manifest = JSON.parse(await read('package.json'));
    expect(manifest.name).toBe('my-echo-bot');
    expect(manifest.dependencies).toEqual({ zgrobot: `^${own.version}` });
    expect(manifest.engines.node).toBe(own.engines.node);
    expect(Object.keys(manifest.scripts)).toEqual(
      expect.arrayContaining(['test', 'build', 'start', 'dev', 'typecheck']),
    );
    expect(JSON.parse(await read('tsconfig.json')).compilerOptions.strict).toBe(true);

    expect(await read('src/bot.ts')).toMatch(/new ZgRoBot\(/);
    const test = await read('test/bot.test.ts');
    expect(test).toMatch(/import \{ createTestClient \} from 'zgrobot\/testing'/);
    expect(test).toMatch(/from 'vitest'/);
    const env = await read('.env.example');
    expect(env).toMatch(/^ZGROBOT_TOKEN=$/m);
    expect(env.match(/^[A-Z_]+=/gm)?.every((line) => line.startsWith('ZGROBOT_'))).toBe(true);

    const dockerfile = await read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
    expect(dockerfile).toMatch(/^USER (?!root\b)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(await read('.gitignore')).toMatch(/^\.env$/m);
    expect(await read('.gitignore')).toMatch(/^node_modules\/$/m);
  });

  it('into an existing empty directory, or the current one by default', async () => {
    const empty = await tempDir();
    expect((await run(['init', empty], {})).exitCode).toBe(0);
    expect(await filesUnder(empty)).toEqual(FILES);
    const here = await tempDir();
    const cwd = process.cwd();
    process.chdir(here);
    try {
      expect((await run(['init'], {})).exitCode).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(await filesUnder(here)).toEqual(FILES);
  });

  it('refuses a directory that is not empty, or a file, and writes nothing (exit 1)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await mkdir(join(dir, 'sub'));
    const [notEmpty, file] = await Promise.all([
      run(['init', dir], {}),
      run(['init', join(dir, 'notes.txt')], {}),
    ]);
    expect(notEmpty.exitCode).toBe(1);
    expect(notEmpty.stderr).toMatch(/^zgrobot: .* is not empty \(2 entries\)[^\n]*\n$/);
    expect(file.exitCode).toBe(1);
    expect(file.stderr).toMatch(/^zgrobot: .*notes\.txt exists and is not a directory\n$/);
    expect(await filesUnder(dir)).toEqual(['notes.txt']);
  });

  it('--zgrobot: a tarball or directory becomes a file: spec from the project; a range stays', () => {
    const project = resolve('work', 'bot');
    expect(dependencySpec(resolve('work', 'zgrobot-1.0.0.tgz'), project)).toBe(
      'file:../zgrobot-1.0.0.tgz',
    );
    expect(dependencySpec(resolve('work', 'bot', 'vendor', 'zgrobot'), project)).toBe(
      'file:./vendor/zgrobot',
    );
    expect(dependencySpec('file:./x.tgz', resolve('.'))).toBe('file:./x.tgz');
    for (const kept of ['^1.2.0', 'latest', 'https://example.com/zgrobot-1.0.0.tgz']) {
      expect(dependencySpec(kept, project)).toBe(kept);
    }
    expect(packageName('My Bot!')).toBe('my-bot');
    expect(packageName('...')).toBe('wechat-bot');
  });
});

describe('zgrobot init, what it writes works', () => {
  it('installs the packed zgrobot, passes its own npm test, typechecks, can fail', async () => {
    const tarball = await packedTarball();
    const project = join(await tempDir(), 'echo-bot');
    const made = await run(['init', project, '--zgrobot', tarball], {});
    expect(made.stderr).toBe('');
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'));
    const spec: string = manifest.dependencies.zgrobot;
    expect(spec).toMatch(/^file:/);
    expect(resolve(project, spec.slice('file:'.length))).toBe(tarball);

    const install = await sh('npm', ['install', '--no-audit', '--no-fund'], project);
    expect(install.code, install.output).toBe(0);

    const test = await sh('npm', ['test'], project);
    expect(test.code, test.output).toBe(0);
    expect(test.output).toMatch(/Tests\s+\d+ passed/);
    expect(test.output).not.toMatch(/failed/i);

    const tsc = await sh('npx', ['tsc', '--noEmit'], project);
    expect(tsc, tsc.output).toEqual({ code: 0, output: '' });

    // The project's own zgrobot binary is the packed, built one: it reads its version there.
    const version = await sh('npx', ['--no-install', 'zgrobot', '--version'], project);
    expect(version).toEqual({ code: 0, output: `${own.version}\n` });

    // And its test is a test: a bot that no longer echoes fails it.
    const bot = join(project, 'src/bot.ts');
    const source = await readFile(bot, 'utf8');
    expect(source).toContain('ctx.wechat.message.content');
    await writeFile(bot, source.replace('ctx.wechat.message.content', "'?'"));
    const broken = await sh('npm', ['test'], project);
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(/echoes a text message/);
  });
});
