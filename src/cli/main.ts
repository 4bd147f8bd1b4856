#!/usr/bin/env node
/**
 * The `zgrobot` command: `token`, `send`, `verify`, `menu`. Run it in development as
 * `npx tsx src/cli/main.ts …`, after the build as `node dist/src/cli/main.js …` (or `zgrobot …`
 * once installed). Exit codes: 0 done, 1 failed (one line on stderr), 2 wrong usage.
 *
 * @example
 * ```sh
 * zgrobot token
 * zgrobot send http://127.0.0.1:8888/wechat --token tokenhere text 你好
 * ```
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError, UsageError } from './errors.js';
import { menuCommand } from './menu.js';
import { sendCommand } from './send.js';
import { tokenCommand } from './token.js';
import { verifyCommand } from './verify.js';

export const MAIN_HELP = `Usage: zgrobot <command> [options]

Commands:
  token [length]                     a random token for the WeChat admin console
  send <url> <kind> [arguments...]   send a message to a bot as WeChat does, print the reply
  verify <url>                       the echostr URL check WeChat makes
  menu get | create <file> | delete  the account's custom menu, through the WeChat API

Run "zgrobot <command> --help" for a command's options.`;

/** What a run printed and how it ended; `main` writes it out, tests may call `run` directly. */
export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
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
): Promise<CliResult> {
  const [command, ...rest] = args;
  try {
    let out: string;
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out = MAIN_HELP;
        break;
      case 'token':
        out = tokenCommand(rest);
        break;
      case 'send':
        out = await sendCommand(rest, env);
        break;
      case 'verify':
        out = await verifyCommand(rest, env);
        break;
      case 'menu':
        out = await menuCommand(rest, env);
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return { stdout: `${out}\n`, stderr: '', exitCode: 0 };
  } catch (error) {
    const { message, exitCode } = describeError(error);
    const stack = env.ZGROBOT_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
    return { stdout: '', stderr: `zgrobot: ${message}${stack}\n`, exitCode };
  }
}

async function main(): Promise<void> {
  const result = await run(process.argv.slice(2));
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
