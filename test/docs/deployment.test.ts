// The deployment files of docs/deployment.md (examples/docker/, examples/deploy/), tested as far
// as this machine allows: Docker cannot build here, so the Dockerfile is read (stages, user, what
// it copies, its environment) and its bot is run as the image would run it, healthcheck included;
// the systemd unit goes through systemd-analyze; nginx's part (X-Forwarded-For) is played by a
// real request to the robot.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config, DEFAULT_CONFIG, envVariableOf } from '../../src/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { readReply } from '../middleware/helpers.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { PACKAGE_SOURCES, ROOT } from './blocks.js';

const run = promisify(execFile);
const rootPath = fileURLToPath(ROOT);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const VARIABLES = new Set(Object.keys(DEFAULT_CONFIG).map((k) => envVariableOf(k as never)));

/** Checks that every ZGROBOT_* variable is a setting and takes its value. */
function expectSettings(env: Record<string, string>): void {
  const ours = Object.entries(env).filter(([name]) => name.startsWith('ZGROBOT_'));
  expect(ours.length).toBeGreaterThan(0);
  for (const [name] of ours) expect(VARIABLES, name).toContain(name);
  expect(() => Config.fromEnv(Object.fromEntries(ours))).not.toThrow();
}

interface Instruction {
  op: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** `KEY=value KEY2=value2` (as ENV writes them) to an object. */
const assignments = (text: string) =>
  Object.fromEntries(
    [...text.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map(([, name = '', value = '']) => [
      name,
      value,
    ]),
  );

/** A `.dockerignore`-style pattern as a RegExp over paths relative to the context. */
const globToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}(/.*)?$`,
  );

describe('examples/docker', () => {
  const dir = 'examples/docker/';
  const dockerfile = read(`${dir}Dockerfile`);
  const steps = instructions(dockerfile);
  const stages = steps.reduce<Instruction[][]>((all, step) => {
    if (step.op === 'FROM') all.push([]);
    all.at(-1)?.push(step);
    return all;
  }, []);
  const final = stages.at(-1) ?? [];
  const ignored = read(`${dir}.dockerignore`)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(globToRegExp);
  const context = readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' }).filter(
    (path) => !ignored.some((pattern) => pattern.test(path)),
  );
  const env = assignments(
    final
      .filter((s) => s.op === 'ENV')
      .map((s) => s.args)
      .join(' '),
  );

  it('is multi-stage: build tools and dev dependencies stay in the first stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const first = stages[0] ?? [];
    expect(first.some((s) => s.op === 'RUN' && /npm ci/.test(s.args))).toBe(true);
    expect(first.some((s) => s.op === 'RUN' && /npm prune --omit=dev/.test(s.args))).toBe(true);
    expect(final.some((s) => s.op === 'RUN' && /apt-get|npm (ci|install)/.test(s.args))).toBe(
      false,
    );
    expect(final.filter((s) => s.op === 'COPY' && s.args.startsWith('--from=')).length).toBe(2);
  });

  it('runs as an unprivileged user', () => {
    const user = final.filter((s) => s.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    // The user comes before the command: nothing after it runs as root.
    expect(final.findIndex((s) => s.op === 'USER')).toBeLessThan(
      final.findIndex((s) => s.op === 'CMD'),
    );
  });

  it("copies only what the build context has (the project's files, not what .dockerignore drops)", () => {
    const copies = steps.filter((s) => s.op === 'COPY' && !s.args.startsWith('--from='));
    expect(copies.length).toBeGreaterThanOrEqual(3);
    for (const { args } of copies) {
      const sources = args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        const pattern = globToRegExp(source.replace(/\/$/, ''));
        expect(
          context.some((path) => pattern.test(path)),
          `COPY ${source}`,
        ).toBe(true);
      }
    }
    for (const secret of ['node_modules', 'dist', '.env', '.env.production', 'data']) {
      expect(
        ignored.some((pattern) => pattern.test(secret)),
        secret,
      ).toBe(true);
    }
  });

  it('runs what the build makes: src/bot.ts compiled to dist/bot.js', () => {
    const tsconfig = JSON.parse(read(`${dir}tsconfig.json`)) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    const { rootDir, outDir } = tsconfig.compilerOptions;
    expect(existsSync(new URL(`${dir}${rootDir}/bot.ts`, ROOT))).toBe(true);
    const cmd = JSON.parse(final.find((s) => s.op === 'CMD')?.args ?? '[]') as string[];
    expect(cmd).toEqual(['node', `/app/${outDir}/bot.js`]);
    const manifest = JSON.parse(read(`${dir}package.json`)) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.scripts.start).toBe(`node ${outDir}/bot.js`);
    expect(manifest.scripts.build).toBe('tsc');
    expect(Object.keys(manifest.dependencies)).toContain('zgrobot');
  });

  it('sets settings the robot takes, listening on every interface on the port it exposes', () => {
    expectSettings(env);
    expect(env.ZGROBOT_HOST).toBe('0.0.0.0');
    expect(final.find((s) => s.op === 'EXPOSE')?.args).toBe(env.ZGROBOT_PORT);
  });

  it('its docker run line gives docker stop more time than shutdownTimeout', () => {
    const line = dockerfile.split('\n').find((l) => l.includes('docker run')) ?? '';
    const stop = Number(/--stop-timeout (\d+)/.exec(line)?.[1]);
    expect(stop * 1000).toBeGreaterThan(DEFAULT_CONFIG.shutdownTimeout);
    expectSettings(assignments([...line.matchAll(/-e (\S+)/g)].map(([, a]) => a).join(' ')));
  });

  describe('its bot, run as the image runs it', () => {
    const healthcheck = JSON.parse(
      /CMD (\[.*\])$/.exec(final.find((s) => s.op === 'HEALTHCHECK')?.args ?? '')?.[1] ?? '[]',
    ) as string[];
    const health = (port: number) =>
      run(healthcheck[0] === 'node' ? process.execPath : '', healthcheck.slice(1), {
        env: { ...process.env, ZGROBOT_PORT: String(port) },
        timeout: 10_000,
      }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );

    let cwd = '';
    let port = 0;
    let child: ReturnType<typeof spawn> | undefined;
    let output = '';
    const exited = () =>
      new Promise<number | null>((resolve) =>
        child?.exitCode !== null ? resolve(child?.exitCode ?? null) : child.once('exit', resolve),
      );

    beforeAll(async () => {
      cwd = await mkdtemp(join(tmpdir(), 'zgrobot-docker-bot-'));
      // `zgrobot` is this repository's source here (tsx reads the paths of this tsconfig).
      const paths = Object.fromEntries(
        Object.entries(PACKAGE_SOURCES).map(([name, file]) => [name, [join(rootPath, file)]]),
      );
      const tsconfig = join(cwd, 'tsconfig.json');
      await writeFile(tsconfig, JSON.stringify({ compilerOptions: { paths } }));
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      child = spawn(
        process.execPath,
        ['--import', tsx, fileURLToPath(new URL(`${dir}src/bot.ts`, ROOT))],
        {
          // WORKDIR /app/data: where the default SQLite sessions go.
          cwd,
          env: {
            ...process.env,
            ...env,
            // The image listens on 0.0.0.0:8888; here only this machine, on a free port.
            ZGROBOT_HOST: '127.0.0.1',
            ZGROBOT_PORT: '0',
            // Under vitest the default level is error; the start line is info.
            ZGROBOT_LOG_LEVEL: 'info',
            ZGROBOT_TOKEN: TOKEN,
            TSX_TSCONFIG_PATH: tsconfig,
            NO_COLOR: '1',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 20_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
          if (found) {
            clearTimeout(timer);
            resolve(Number(found[1]));
          }
        };
        child?.stdout?.on('data', onData);
        child?.stderr?.on('data', onData);
        child?.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
      });
    }, 30_000);
    afterAll(async () => {
      if (child?.exitCode === null) child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    });

    it('answers a message, with sessions in its working directory', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/?${signedQuery()}`, {
        method: 'POST',
        body: textXml('hi'),
      });
      expect(readReply(await res.text()).Content).toBe('你说：hi');
      expect(readdirSync(cwd)).toContain('zgrobot_session.sqlite3');
    });

    it('passes its healthcheck', async () => {
      expect(healthcheck[0]).toBe('node');
      expect(await health(port)).toBe(0);
    });

    it('stops on SIGTERM with exit code 0, and is unhealthy after', async () => {
      child?.kill('SIGTERM');
      expect(await exited()).toBe(0);
      expect(await health(port)).toBe(1);
    });
  });
});

describe('examples/deploy/nginx.conf and the proxy setting', () => {
  const conf = read('examples/deploy/nginx.conf')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .join('\n');
  const directive = (name: string) =>
    [...conf.matchAll(new RegExp(`^${name}\\s+([^;]+);`, 'gm'))].map(([, value]) => value);

  it("proxies to the robot's default address and appends the client to X-Forwarded-For", () => {
    expect(directive('server')).toContain(`${DEFAULT_CONFIG.host}:${DEFAULT_CONFIG.port}`);
    expect(directive('proxy_set_header')).toContain('X-Forwarded-For $proxy_add_x_forwarded_for');
  });

  it("takes bodies as large as the robot's bodyLimit, and waits longer than its reply deadline", () => {
    const [size = ''] = directive('client_max_body_size');
    const units: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
    const bytes = Number.parseInt(size, 10) * (units[size.slice(-1).toLowerCase()] ?? 1);
    expect(bytes).toBe(DEFAULT_CONFIG.bodyLimit);
    const [read = ''] = directive('proxy_read_timeout');
    expect(Number.parseInt(read, 10) * 1000).toBeGreaterThan(DEFAULT_CONFIG.replyTimeout);
  });

  // What nginx sends: the client's own X-Forwarded-For (here forged), then the address nginx saw.
  const FORWARDED = '198.51.100.66, 203.0.113.7';

  async function ipSeenWith(options: ConstructorParameters<typeof ZgRoBot>[0]) {
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: false,
      logger: silentLogger,
      ...options,
    });
    const seen: string[] = [];
    robot.use((ctx, next) => {
      seen.push(ctx.ip);
      return next();
    });
    robot.text(() => 'ok');
    const server: Server = await robot.run({ host: '127.0.0.1', port: 0, shutdownSignals: false });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await fetch(`http://127.0.0.1:${port}/?${signedQuery()}`, {
      method: 'POST',
      body: textXml('x'),
      headers: { 'x-forwarded-for': FORWARDED },
    });
    await robot.close();
    return seen;
  }

  it('proxy: 1 (ZGROBOT_PROXY=1) sees the address nginx appended, not the forged one', async () => {
    expect(await ipSeenWith({ proxy: 1 })).toEqual(['203.0.113.7']);
    expect(
      await ipSeenWith({
        config: Config.fromEnv({
          ZGROBOT_TOKEN: TOKEN,
          ZGROBOT_PROXY: '1',
          ZGROBOT_SESSION_STORAGE: 'false',
        }),
      }),
    ).toEqual(['203.0.113.7']);
  });

  it('proxy: 0 (the default) ignores the header: the socket address', async () => {
    expect(await ipSeenWith({})).toEqual(['127.0.0.1']);
  });

  it('proxy: 2 takes one more hop (a load balancer before nginx)', async () => {
    expect(await ipSeenWith({ proxy: 2 })).toEqual(['198.51.100.66']);
  });
});

describe('examples/deploy/my-bot.service', () => {
  const unit = read('examples/deploy/my-bot.service');
  const values = (key: string) =>
    [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map(([, value = '']) => value);
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync);

  it('gives the bot more time to stop than its shutdownTimeout, with SIGTERM', () => {
    expect(Number(values('TimeoutStopSec')[0]) * 1000).toBeGreaterThan(
      DEFAULT_CONFIG.shutdownTimeout,
    );
    expect(values('KillSignal')).toEqual(['SIGTERM']);
  });

  it('runs the built bot as an unprivileged user, with settings the robot takes', () => {
    expect(values('User')[0]).toMatch(/^(?!root$)\w+/);
    expect(values('ExecStart')[0]).toMatch(/ dist\/bot\.js$/);
    expectSettings(assignments(values('Environment').join(' ')));
  });

  it.skipIf(!analyze || !existsSync('/usr/bin/node'))(
    'passes systemd-analyze verify without a warning',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'zgrobot-unit-'));
      try {
        await writeFile(join(dir, 'my-bot.service'), unit);
        const { stdout, stderr } = await run(
          analyze ?? '',
          ['verify', join(dir, 'my-bot.service')],
          {
            timeout: 30_000,
          },
        );
        expect(`${stdout}${stderr}`).toBe('');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    40_000,
  );
});

describe('examples/deploy/ecosystem.config.cjs', () => {
  const { apps } = createRequire(import.meta.url)(
    fileURLToPath(new URL('examples/deploy/ecosystem.config.cjs', ROOT)),
  ) as {
    apps: {
      script: string;
      kill_timeout: number;
      instances: number;
      env: Record<string, string>;
    }[];
  };

  it('gives pm2 more time to stop than shutdownTimeout, and runs the built bot once', () => {
    expect(apps).toHaveLength(1);
    const [app] = apps;
    expect(app?.kill_timeout).toBeGreaterThan(DEFAULT_CONFIG.shutdownTimeout);
    expect(app?.script).toBe('dist/bot.js');
    expect(app?.instances).toBe(1);
    expectSettings(app?.env ?? {});
  });
});
