import { Command } from 'commander';
import { generateToken } from '../core/crypto/token.js';
import type { CliContext } from './context.js';
import { UsageError } from './errors.js';

/** `zgrobot token [length]`: a random token of letters and digits, from a CSPRNG. */
export function tokenCommand(ctx: CliContext): Command {
  return new Command('token')
    .summary('a random token for the WeChat admin console')
    .description(
      'Prints a random token for the WeChat admin console (服务器配置 → Token): ' +
        'letters and digits, 3 to 32 characters, from a CSPRNG.',
    )
    .argument('[length]', 'how many characters, 3 to 32', '32')
    .addHelpText('after', '\nExamples:\n  zgrobot token        # 32 characters\n  zgrobot token 16')
    .action((given: string) => {
      const length = Number(given);
      if (!Number.isInteger(length) || length < 3 || length > 32) {
        throw new UsageError(
          `the length must be a whole number from 3 to 32, not "${given}"`,
          'token',
        );
      }
      ctx.print(generateToken(length));
    });
}
