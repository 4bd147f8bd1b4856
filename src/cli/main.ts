#!/usr/bin/env node
/**
 * The `zgrobot` command: `init`, `token`, `send`, `verify`, `menu`, `playground`, `help`. Run it in
 * development as `npx tsx src/cli/main.ts …`, after the build as `node dist/src/cli/main.js …`
 * (or `zgrobot …` once installed). Exit codes: 0 done, 1 failed (one line on stderr), 2 wrong
 * usage.
 *
 * @example
 * ```sh
 * zgrobot init my-bot
 * zgrobot send http://127.0.0.1:8888/wechat --token tokenhere text 你好
 * ```
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliContext } from './context.js';
import { describeError } from './errors.js';
import { createProgram, isDone } from './program.js';

/** What a run printed and how it ended; `main` writes it out, tests may call `run` directly. */
export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Where a run reads from besides its arguments and environment. */
export interface RunOptions {
  /** Standard input (`send … xml -`); default `process.stdin`. */
  stdin?: AsyncIterable<Uint8Array | string>;
  /**
   * Where printed text goes as soon as it is printed (`playground` prints its address, then runs
   * until stopped); default: collected into the result's `stdout`.
   */
  stdout?: (text: string) => void;
  /** Stops a command that runs until stopped (`playground`); default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
}

/**
 * Runs the CLI on `args` (without `node` and the script) and returns what to print.
 *
 * @example
 * ```ts
 * const { stdout, exitCode } = await run(['token', '16']);
 * ```
 */
export async function run(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  options: RunOptions = {},
): Promise<CliResult> {
  let stdout = '';
  const write =
    options.stdout ??
    ((text: string) => {
      stdout += text;
    });
  const ctx: CliContext = {
    env,
    stdin: options.stdin ?? process.stdin,
    print: (text) => write(`${text}\n`),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const program = createProgram(ctx, write);
  try {
    await program.parseAsync(args.length === 0 ? ['--help'] : args, { from: 'user' });
    return { stdout, stderr: '', exitCode: 0 };
  } catch (error) {
    if (isDone(error)) return { stdout, stderr: '', exitCode: 0 };
    const { message, exitCode } = describeError(error);
    const stack = env.ZGROBOT_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
    return { stdout, stderr: `zgrobot: ${message}${stack}\n`, exitCode };
  }
}

async function main(): Promise<void> {
  const result = await run(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
  });
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
