// Every code block of every chapter in docs/ is compiled, run or checked against the code, as its
// marker says (see blocks.ts). A block without a marker, or one that no longer matches, fails here.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config, DEFAULT_CONFIG, envVariableOf } from '../../src/config.js';
import { ZgRoBot } from '../../src/robot.js';
import { readReply } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { signedQuery, textXml } from '../support/wechat.js';
import { allBlocks, asShown, type DocBlock, PACKAGE_SOURCES, ROOT } from './blocks.js';

const run = promisify(execFile);

/** Every .ts file under `dirs` (relative to the repository). */
function readdirSyncDeep(dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    (readdirSync(join(fileURLToPath(ROOT), dir), { recursive: true }) as string[])
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(fileURLToPath(ROOT), dir, name)),
  );
}
const rootPath = fileURLToPath(ROOT);
const blocks = allBlocks();
const where = (b: DocBlock) => `${b.doc}:${b.line}`;
const ofKind = (kind: string, arg?: string) =>
  blocks.filter((b) => b.kind === kind && (arg === undefined || b.arg === arg));

/** The kinds a test here (or test/contrib/docs.test.ts, for `cli-example`) looks at. */
const KINDS = [
  'file',
  'compile',
  'cli-example',
  'run',
  'env',
  'errors',
  'pipeline',
  'output',
  'scripts',
];

describe('the code blocks of docs/', () => {
  it('each has a marker saying how it is tested', () => {
    expect(blocks.length).toBeGreaterThan(20);
    const unmarked = blocks.filter((b) => !KINDS.includes(b.kind ?? '')).map(where);
    expect(unmarked).toEqual([]);
  });

  describe('file: the block is the repository file', () => {
    for (const block of ofKind('file')) {
      it(`${where(block)} shows ${block.arg}`, () => {
        const source = readFileSync(new URL(block.arg, ROOT), 'utf8');
        expect(block.code).toBe(asShown(block.arg, source));
      });
    }
  });

  describe('scripts: every npm script, file and BENCH_* variable a block names exists', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // A BENCH_* variable is read by one of the bench scripts (run.ts, load.ts, alloc.ts…).
    const bench = readdirSync(new URL('bench/', ROOT))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(new URL(`bench/${file}`, ROOT), 'utf8'))
      .join('\n');
    for (const block of ofKind('scripts')) {
      it(where(block), () => {
        const scripts = [...block.code.matchAll(/\bnpm run ([\w:-]+)/g)].map(([, name]) => name);
        expect(scripts.length).toBeGreaterThan(0);
        for (const name of scripts) expect(Object.keys(pkg.scripts), name).toContain(name);
        for (const [, file] of block.code.matchAll(/\bnpx tsx (\S+)/g)) {
          expect(existsSync(new URL(file as string, ROOT)), file).toBe(true);
        }
        for (const [name] of block.code.matchAll(/\bBENCH_[A-Z_]+/g)) {
          expect(bench, name).toContain(`process.env.${name}`);
        }
      });
    }
  });

  describe('env: every ZGROBOT_* variable set is a setting that takes the value', () => {
    const variables = new Set(Object.keys(DEFAULT_CONFIG).map((k) => envVariableOf(k as never)));
    for (const block of ofKind('env')) {
      it(where(block), () => {
        const env = Object.fromEntries(
          [...block.code.matchAll(/\b(ZGROBOT_[A-Z_]+)=(\S+)/g)].map(([, name, value]) => [
            name,
            value,
          ]),
        );
        expect(Object.keys(env).length).toBeGreaterThan(0);
        for (const name of Object.keys(env)) expect(variables, name).toContain(name);
        expect(() => Config.fromEnv(env)).not.toThrow();
      });
    }
  });

  describe('errors: each line is what zgrobot throws', () => {
    // Every mistake the chapters show, made for real.
    const thrown = [
      () => Config.fromEnv({ ZGROBOT_REPLY_TIMEOUT: 'soon' }),
      () => Config.fromEnv({ ZGROBOT_SESSION_STORAGE: 'sqlite' }),
      () => Config.fromEnv({ ZGROBOT_ENCODING_AES_KEY: 'too short' }),
      () => new ZgRoBot({ config: new Config() }).callback(),
    ].map((mistake) => {
      try {
        mistake();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
      return 'nothing thrown';
    });
    for (const block of ofKind('errors')) {
      it(where(block), () => {
        for (const line of block.code.split('\n')) {
          const pattern = new RegExp(
            `^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '.*')}$`,
          );
          expect(
            thrown.some((text) => pattern.test(text)),
            `${line}\nnot among:\n${thrown.join('\n')}`,
          ).toBe(true);
        }
      });
    }
  });

  describe('output: every zgrobot log message a sample of output shows is one the library logs', () => {
    const sources = readdirSyncDeep(['src', 'middleware'])
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const block of ofKind('output')) {
      it(where(block), () => {
        const shown = [...block.code.matchAll(/zgrobot: (.+?)(?= \w+=|"|$)/gm)].map((m) => m[1]);
        expect(shown.length).toBeGreaterThan(0);
        for (const message of shown) expect(sources).toContain(`'zgrobot: ${message}'`);
      });
    }
  });

  describe('pipeline: the chain of stages is the order pipeline() composes them in', () => {
    const source = readFileSync(new URL('middleware/pipeline.ts', ROOT), 'utf8');
    const body = source.slice(source.indexOf('export function pipeline('));
    for (const block of ofKind('pipeline')) {
      it(where(block), () => {
        const stages = block.code
          .split('→')
          .map((s) => s.trim())
          .filter((s) => !s.startsWith('('));
        expect(stages.length).toBeGreaterThanOrEqual(10);
        const at = stages.map((stage) => body.indexOf(`${stage}(`));
        expect(
          at.every((i) => i > 0),
          stages.join(' '),
        ).toBe(true);
        expect([...at].sort((a, b) => a - b)).toEqual(at);
      });
    }
  });

  describe('compile: TypeScript blocks compile against the package', () => {
    // Inside node_modules/.cache so the blocks' own imports (ioredis, …) resolve as in the repository.
    const dir = fileURLToPath(new URL('node_modules/.cache/zgrobot-doc-blocks/', ROOT));
    const compiled = ofKind('compile');
    let result: { ok: boolean; output: string } = { ok: false, output: 'not run' };

    beforeAll(async () => {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const files = await Promise.all(
        compiled.map(async (block, i) => {
          const name = `${block.doc.replace(/\W/g, '_')}_${block.line}_${i}.ts`;
          await writeFile(join(dir, name), `${block.arg}\n${block.code}\nexport {};\n`);
          return name;
        }),
      );
      // The Docker example's bot is shown in docs/deployment.md and built by its own tsconfig.
      const docker = (await readdir(new URL('examples/docker/src/', ROOT)))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(rootPath, 'examples/docker/src', name));
      const paths = Object.fromEntries(
        Object.entries(PACKAGE_SOURCES).map(([name, file]) => [name, [join(rootPath, file)]]),
      );
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(rootPath, 'tsconfig.json'),
          compilerOptions: { noEmit: true, rootDir: rootPath, paths },
          files: [...files, ...docker],
          include: [],
        }),
      );
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      result = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
        cwd: dir,
      }).then(
        ({ stdout }) => ({ ok: true, output: stdout }),
        (error: { stdout?: string }) => ({ ok: false, output: error.stdout ?? String(error) }),
      );
    }, 120_000);
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it(`${compiled.length} blocks and the Docker example compile without an error`, () => {
      expect(compiled.length).toBeGreaterThanOrEqual(8);
      expect(result.output).toBe('');
      expect(result.ok).toBe(true);
    });
  });
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

describe('run: npm-start, as written', () => {
  for (const block of ofKind('run', 'npm-start')) {
    it(`${where(block)}: listens on its ZGROBOT_PORT and answers with its token`, async () => {
      const [line] = block.code.split('\n');
      const words = line?.split(/\s+/) ?? [];
      expect(words.slice(-2)).toEqual(['npm', 'start']);
      const env = Object.fromEntries(
        words.slice(0, -2).map((w) => w.split('=') as [string, string]),
      );
      // The port as written, unless something on this machine holds it.
      const written = env.ZGROBOT_PORT ?? '';
      const wanted = (await portFree(Number(written))) ? written : String(await freePort());
      // npm start runs in the repository (its package.json); sessions off leaves no file there.
      const child = spawn('npm', ['start', '--silent'], {
        cwd: rootPath,
        env: {
          ...process.env,
          ...env,
          ZGROBOT_PORT: wanted,
          ZGROBOT_SESSION_STORAGE: 'false',
          // Under vitest the default level is error; the start line is info.
          ZGROBOT_LOG_LEVEL: 'info',
          NO_COLOR: '1',
        },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      try {
        const listening = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 30_000);
          const read = (chunk: Buffer) => {
            output += chunk.toString();
            const found = /running on http:\/\/([\d.]+:\d+)/.exec(output);
            if (found?.[1]) {
              clearTimeout(timer);
              resolve(found[1]);
            }
          };
          child.stdout?.on('data', read);
          child.stderr?.on('data', read);
          child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
        });
        expect(listening).toBe(`127.0.0.1:${wanted}`);
        const res = await fetch(`http://${listening}/?${signedQuery(env.ZGROBOT_TOKEN)}`, {
          method: 'POST',
          body: textXml('hi'),
        });
        expect(readReply(await res.text()).Content).toBe('Hello World!');
      } finally {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
        await new Promise((resolve) => child.once('close', resolve));
      }
    }, 60_000);
  }
});

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('cli-example: menu, against a fake WeChat API', () => {
  let api: FakeWeChatApi;
  let cwd = '';
  beforeAll(async () => {
    api = await startFakeWeChatApi();
    for (const path of ['/cgi-bin/menu/create', '/cgi-bin/menu/delete']) {
      api.on(path === '/cgi-bin/menu/create' ? 'POST' : 'GET', path, {
        json: { errcode: 0, errmsg: 'ok' },
      });
    }
    api.on('GET', '/cgi-bin/get_current_selfmenu_info', {
      json: { is_menu_open: 1, selfmenu_info: { button: [] } },
    });
    api.on('GET', '/cgi-bin/menu/get', { json: { menu: { button: [] } } });
    cwd = await mkdtemp(join(tmpdir(), 'zgrobot-menu-doc-'));
    await writeFile(
      join(cwd, 'menu.json'),
      readFileSync(new URL('examples/menu.json', ROOT), 'utf8'),
    );
  });
  afterAll(async () => {
    await api.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const cli = fileURLToPath(new URL('src/cli/main.ts', ROOT));
  for (const block of ofKind('cli-example', 'menu')) {
    const lines = block.code
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter((l) => l.startsWith('zgrobot '));
    it(`${where(block)} has lines to run`, () => expect(lines.length).toBeGreaterThanOrEqual(3));
    for (const line of lines) {
      it(line, async () => {
        const args = [...line.split(/\s+/).slice(1), '--api-base', api.url];
        const { stderr } = await run(process.execPath, ['--import', TSX, cli, ...args], {
          cwd,
          env: { ...process.env, ZGROBOT_APP_ID: 'wx_docs', ZGROBOT_APP_SECRET: 'secret' },
        });
        expect(stderr).toBe('');
        const command = `/cgi-bin/menu/${args[1]}`;
        expect(api.requests.some((r) => r.path.startsWith(command))).toBe(true);
      }, 30_000);
    }
  }
});

it('the chapters name only files that exist', () => {
  for (const block of ofKind('file')) expect(existsSync(new URL(block.arg, ROOT))).toBe(true);
});
