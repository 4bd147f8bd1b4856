import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createTestClient } from '../testing/client.js';
import { CliError, UsageError } from './errors.js';

export const VERIFY_HELP = `Usage: zgrobot verify <url> --token <token> [--echostr <text>]

Makes the URL check WeChat makes when the admin saves the server address: a signed GET
with echostr. Succeeds when the bot echoes it back (so the token matches).

Options:
  --token <token>     the bot's token (or ZGROBOT_TOKEN)
  --echostr <text>    what the bot must echo (default: random)
  --timeout <ms>      how long to wait for the bot (default 10000)
  -h, --help          this help

Example:
  zgrobot verify https://example.com/wechat --token tokenhere`;

/** `zgrobot verify`: the echostr handshake. */
export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      token: { type: 'string' },
      echostr: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return VERIFY_HELP;
  const [url, ...extra] = positionals;
  if (!url) throw new UsageError('verify needs the bot URL', 'verify');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, 'verify');
  if (!/^https?:\/\//.test(url)) throw new UsageError(`"${url}" is not an http(s) URL`, 'verify');
  const token = values.token ?? env.ZGROBOT_TOKEN;
  if (!token) throw new UsageError('verify needs --token (or ZGROBOT_TOKEN)', 'verify');
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    throw new UsageError('--timeout must be a positive number of ms', 'verify');
  }
  const echostr = values.echostr ?? randomBytes(8).toString('hex');
  const client = createTestClient(url, { token, ...(timeout ? { timeout } : {}) });
  const echoed = await client.verify(echostr);
  if (echoed !== echostr) {
    const shown = echoed.length > 60 ? `${echoed.slice(0, 57)}...` : echoed;
    throw new CliError(`the bot answered 200 but did not echo echostr (got "${shown}")`);
  }
  return `OK: ${url} echoed the echostr: the token matches`;
}
