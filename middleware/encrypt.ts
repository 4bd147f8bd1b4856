import type { MessageCrypt } from '../src/core/crypto/message-crypt.js';
import type { Stage } from './context.js';
import { stateOf } from './state.js';

/** Options of {@link encrypt}. */
export interface EncryptOptions {
  /** The account's crypt; `undefined` when safe mode is off (the stage then does nothing). */
  crypt: MessageCrypt | undefined;
}

/**
 * Wraps the rendered reply in WeChat's encrypted envelope when the request came encrypted. It
 * acts after the later stages have run, so it sits before `decrypt()` in `app.use` order.
 * `success` and an empty body are left plain, as WeChat accepts them.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(encrypt({ crypt })).use(decrypt({ crypt })).use(router(routes));
 * ```
 */
export function encrypt(options: EncryptOptions): Stage {
  return async (ctx, next) => {
    await next();
    const state = stateOf(ctx);
    const body = ctx.body;
    // The key the message came with (a rotation's old key, or an account's), else the options'.
    const crypt = state.crypt ?? options.crypt;
    if (!crypt || !state.encrypted || typeof body !== 'string') return;
    if (body === '' || body === 'success' || ctx.status !== 200) return;
    ctx.body = crypt.encryptReply(body);
    ctx.type = 'application/xml';
  };
}
