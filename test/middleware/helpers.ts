import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Koa, { type Middleware } from 'koa';
import { expect } from 'vitest';
import { type PipelineConfig, pipeline } from '../../middleware/pipeline.js';
import { formatLogLine } from '../../src/core/console-logger.js';
import { type Logger, readLogCall, silentLogger } from '../../src/core/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** One call to a {@link recordingLogger}, read as pino reads it. */
export interface LogEntry {
  level: LogLevel;
  /** The message (`''` when the call had none). */
  msg: string;
  /** The structured fields, `err` among them. */
  fields: Record<string, unknown>;
  /** `fields.err`: the error, when the line carries one. */
  err: unknown;
}

/** A logger that keeps every line, to assert on what was logged. */
export function recordingLogger(): Logger & {
  entries: LogEntry[];
  /** The lines (of one level) as the console logger shows them, without stacks, one a line. */
  text(level?: LogLevel): string;
} {
  const entries: LogEntry[] = [];
  const at = (level: LogLevel) => (obj: object | string, msg?: string) => {
    const call = readLogCall(obj, msg);
    entries.push({ level, msg: call.msg ?? '', fields: call.fields, err: call.fields.err });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text(level?: LogLevel) {
      return entries
        .filter((e) => level === undefined || e.level === level)
        .map((e) => formatLogLine('info', e.fields, e.msg))
        .join('\n');
    },
  };
}

/** A Koa app running the given middleware; Koa's own error output silenced. */
export function appOf(...middleware: Middleware[]): Koa {
  const app = new Koa();
  app.silent = true;
  for (const m of middleware) app.use(m);
  return app;
}

/** A Koa app running the whole pipeline, sessions off unless given. */
export function botApp(config: Omit<PipelineConfig, 'token'> & { token?: string }): Koa {
  return appOf(
    pipeline({ token: 'test_token', sessionStorage: false, logger: silentLogger, ...config }),
  );
}

const reader = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

/** Reads reply XML back; fails the test when it is not well-formed. */
export function readReply(xml: string): Record<string, unknown> {
  expect(XMLValidator.validate(xml), xml).toBe(true);
  return (reader.parse(xml) as { xml: Record<string, unknown> }).xml;
}

/** The text content of a reply, or `success`. */
export function replyText(body: string): string | undefined {
  if (body === 'success') return 'success';
  const xml = readReply(body);
  return typeof xml.Content === 'string' ? xml.Content : undefined;
}

/** No stack frame, no file path in a response body. */
export function expectNoStackTrace(body: string): void {
  expect(body).not.toMatch(/\n\s+at /);
  expect(body).not.toMatch(/at .*\(.*:\d+:\d+\)/);
  expect(body).not.toMatch(/\/work\/|node_modules|file:\/\/|\.ts:\d+/);
}

/** A promise and the function that resolves it. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits until `check` passes, up to `ms` (generous: no speed is asserted). */
export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
