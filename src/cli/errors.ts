import { CommanderError } from 'commander';
import { WeChatApiError } from '../core/client/errors.js';
import { DecryptError, SignatureError } from '../core/errors.js';
import {
  BotUnreachableError,
  InvalidReplyError,
  UnexpectedStatusError,
} from '../testing/errors.js';

/**
 * A mistake in how the CLI was called: unknown command, missing argument, bad value. Exits 2
 * and points at `--help`.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The command whose `--help` to point at. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** A failure the CLI reports as one line (exit 1), no stack. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * The parser's complaint as a {@link UsageError} of one line: commander writes
 * `error: unknown option '--tokn'\n(Did you mean --token?)`, the CLI says
 * `unknown option '--tokn', did you mean --token?`.
 */
export function usageErrorFrom(error: CommanderError, command: string | undefined): UsageError {
  const message = error.message
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.*)\?\)\s*$/s, ', did you mean $1?')
    .replace(/\s+/g, ' ')
    .trim();
  return new UsageError(message, command);
}

/** The one line the CLI prints for an error, and its exit code. */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CommanderError) return describeError(usageErrorFrom(error, undefined));
  if (error instanceof UsageError) {
    const help = error.command ? `zgrobot ${error.command} --help` : 'zgrobot --help';
    return { message: `${error.message} (see ${help})`, exitCode: 2 };
  }
  if (error instanceof UnexpectedStatusError) {
    const message =
      error.status === 403
        ? 'the bot refused the request (HTTP 403): the token does not match the bot’s, or the bot is in safe mode (use --aes-key), or the clocks differ by more than its timestamp window'
        : `the bot answered HTTP ${error.status}${error.body ? `: ${oneLine(error.body)}` : ''}`;
    return { message, exitCode: 1 };
  }
  if (error instanceof BotUnreachableError || error instanceof InvalidReplyError) {
    return { message: oneLine(error.message, Number.POSITIVE_INFINITY), exitCode: 1 };
  }
  if (error instanceof SignatureError) {
    return { message: 'the reply MsgSignature does not match the token', exitCode: 1 };
  }
  if (error instanceof DecryptError) {
    return { message: `the reply cannot be decrypted: ${error.message}`, exitCode: 1 };
  }
  if (error instanceof WeChatApiError) {
    return { message: `WeChat API error ${error.errcode}: ${error.errmsg}`, exitCode: 1 };
  }
  // CliError, WechatError and anything else: its message, on one line.
  const message = error instanceof Error ? error.message : String(error);
  return { message: oneLine(message, Number.POSITIVE_INFINITY), exitCode: 1 };
}

function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
