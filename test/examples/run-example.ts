import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signedQuery } from '../support/wechat.js';

export const EXAMPLE_TOKEN = 'example_token';
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface RunningExample {
  /** `http://127.0.0.1:<port>` (without the example's path) */
  url: string;
  /** The example's working directory (a fresh temp dir unless given). */
  cwd: string;
  /** Everything the example printed. */
  output(): string;
  /** POSTs signed message XML; resolves with the status and body. */
  post(xml: string): Promise<{ status: number; text: string }>;
  /** Stops the process (and removes the temp dir unless `keepCwd`). */
  stop(options?: { keepCwd?: boolean }): Promise<void>;
}

/**
 * Runs `examples/<file>` as a user would (`node --import tsx`), on a port the OS picks
 * (`ZGROBOT_PORT=0`), in a temp working directory so no SQLite file lands in the repo; resolves once
 * the example logs that it is running.
 */
export async function runExample(
  file: string,
  options: { env?: Record<string, string>; cwd?: string; sessions?: boolean } = {},
): Promise<RunningExample> {
  const cwd = options.cwd ?? (await mkdtemp(join(tmpdir(), 'zgrobot-example-')));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZGROBOT_PORT: '0',
    ZGROBOT_TOKEN: EXAMPLE_TOKEN,
    ZGROBOT_HOST: '127.0.0.1',
    NO_COLOR: '1',
    // Under vitest the default logger shows errors only; the examples are run as a user runs them.
    ZGROBOT_LOG_LEVEL: 'info',
    ...options.env,
  };
  if (!options.sessions) env.ZGROBOT_SESSION_STORAGE = 'false';
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'examples', file)],
    { cwd, env, stdio: 'pipe' },
  );
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start within 15 s:\n${output}`));
    }, 15_000);
    const check = () => {
      // `ZgRoBot running on http://…` from robot.run(); the integration examples print `… on http://…/wechat`.
      const found = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolvePromise(found[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it started:\n${output}`));
    });
  });

  return {
    url,
    cwd,
    output: () => output,
    async post(xml) {
      const res = await fetch(`${url}/?${signedQuery(EXAMPLE_TOKEN)}`, {
        method: 'POST',
        body: xml,
        headers: { 'content-type': 'text/xml' },
      });
      return { status: res.status, text: await res.text() };
    },
    async stop(stopOptions = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.cwd && !stopOptions.keepCwd) await rm(cwd, { recursive: true, force: true });
    },
  };
}

const reader = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

/** Reads reply XML (failing on malformed XML); `success` reads as `{ success: true }`. */
export function reply(text: string): Record<string, unknown> {
  if (text === 'success') return { success: true };
  if (XMLValidator.validate(text) !== true) throw new Error(`not XML: ${text}`);
  return (reader.parse(text) as { xml: Record<string, unknown> }).xml;
}
