import { WechatError } from '../core/errors.js';

/**
 * The bot answered with an HTTP status other than 200: 403 for a wrong token, 400 for a message
 * it could not read, 413 for a body too large, …
 *
 * @example
 * ```ts
 * await expect(t.text('hi')).rejects.toThrow(UnexpectedStatusError);
 * ```
 */
export class UnexpectedStatusError extends WechatError {
  override name = 'UnexpectedStatusError';
  /** What the bot answered. */
  readonly body: string;
  constructor(status: number, body: string) {
    const hint = status === 403 ? ' (the signature check failed: is the token right?)' : '';
    super(`the bot answered HTTP ${status}${hint}`, { status });
    this.body = body;
  }
}

/**
 * The bot's answer is not a reply WeChat would accept: not XML, no known `MsgType`, or a plaintext
 * reply to an encrypted message. WeChat would show the user "该公众号暂时无法提供服务".
 *
 * @example
 * ```ts
 * try { parseReply('<html>'); } catch (error) { error instanceof InvalidReplyError; }
 * ```
 */
export class InvalidReplyError extends WechatError {
  override name = 'InvalidReplyError';
  /** The answer as received. */
  readonly body: string;
  constructor(message: string, body: string, options: { cause?: unknown } = {}) {
    super(message, { status: 502, ...options });
    this.body = body;
  }
}

/**
 * The bot could not be reached over HTTP: nothing listens there (`ECONNREFUSED`), the host is
 * unknown, the connection broke, or the bot took too long.
 *
 * @example
 * ```ts
 * await createTestClient('http://127.0.0.1:9', { token }).text('hi'); // throws BotUnreachableError
 * ```
 */
export class BotUnreachableError extends WechatError {
  override name = 'BotUnreachableError';
  /** The system error code, e.g. `ECONNREFUSED`, when there is one. */
  readonly code: string | undefined;
  constructor(url: string, cause: unknown) {
    const code = errorCode(cause);
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused: is the bot running?'
        : code === 'ENOTFOUND'
          ? 'host not found'
          : code === 'TIMEOUT'
            ? 'no answer in time'
            : (code ?? innermostMessage(cause));
    super(`cannot reach ${url}: ${reason}`, { status: 502, cause });
    this.code = code;
  }
}

function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if ((e as { name?: unknown }).name === 'TimeoutError') return 'TIMEOUT';
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message of the deepest `cause`: undici's "fetch failed" says less than what caused it. */
function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    message = e.message;
    e = e.cause;
  }
  return message;
}
