import { parseArgs } from 'node:util';
import { generateToken } from '../core/crypto/token.js';
import { UsageError } from './errors.js';

export const TOKEN_HELP = `Usage: zgrobot token [length]

Prints a random token for the WeChat admin console (服务器配置 → Token):
letters and digits, 3 to 32 characters (default 32), from a CSPRNG.

Example:
  zgrobot token        # 32 characters
  zgrobot token 16`;

/** `zgrobot token [length]`: the seed's token generator. */
export function tokenCommand(args: string[]): string {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return TOKEN_HELP;
  if (positionals.length > 1) throw new UsageError('token takes at most one argument', 'token');
  const length = positionals[0] === undefined ? 32 : Number(positionals[0]);
  if (!Number.isInteger(length) || length < 3 || length > 32) {
    throw new UsageError(
      `the length must be a whole number from 3 to 32, not "${positionals[0]}"`,
      'token',
    );
  }
  return generateToken(length);
}
