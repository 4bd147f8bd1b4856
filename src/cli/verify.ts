import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { createTestClient } from '../testing/client.js';
import type { CliContext } from './context.js';
import { CliError, UsageError } from './errors.js';

interface VerifyOptions {
  token?: string;
  echostr?: string;
  timeout?: string;
}

/** `zgrobot verify <url>`: the echostr handshake. */
export function verifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .summary('the echostr URL check WeChat makes')
    .description(
      'Makes the URL check WeChat makes when the admin saves the server address: a signed GET ' +
        'with echostr. Succeeds when the bot echoes it back (so the token matches).',
    )
    .argument('<url>', 'the bot’s address, http(s)://…')
    .option('--token <token>', 'the bot’s token (or ZGROBOT_TOKEN)')
    .option('--echostr <text>', 'what the bot must echo (default: random)')
    .option('--timeout <ms>', 'how long to wait for the bot (default 10000)')
    .addHelpText(
      'after',
      '\nExample:\n  zgrobot verify https://example.com/wechat --token tokenhere',
    )
    .action(async (url: string, options: VerifyOptions) => {
      ctx.print(await verify(url, options, ctx.env));
    });
}

async function verify(url: string, options: VerifyOptions, env: NodeJS.ProcessEnv) {
  if (!/^https?:\/\//.test(url)) throw new UsageError(`"${url}" is not an http(s) URL`, 'verify');
  const token = options.token ?? env.ZGROBOT_TOKEN;
  if (!token) throw new UsageError('verify needs --token (or ZGROBOT_TOKEN)', 'verify');
  const timeout = options.timeout === undefined ? undefined : Number(options.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    throw new UsageError('--timeout must be a positive number of ms', 'verify');
  }
  const echostr = options.echostr ?? randomBytes(8).toString('hex');
  const client = createTestClient(url, { token, ...(timeout ? { timeout } : {}) });
  const echoed = await client.verify(echostr);
  if (echoed !== echostr) {
    const shown = echoed.length > 60 ? `${echoed.slice(0, 57)}...` : echoed;
    throw new CliError(`the bot answered 200 but did not echo echostr (got "${shown}")`);
  }
  return `OK: ${url} echoed the echostr: the token matches`;
}
