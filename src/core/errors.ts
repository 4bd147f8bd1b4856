/**
 * Every error zgrobot throws on purpose extends {@link WechatError}, so a caller can tell ours
 * from a bug with one `instanceof`. `status` is the HTTP status the error maps to when it
 * reaches the WeChat-facing server; `expose` says whether its message may be shown to the caller
 * (Koa's convention).
 */
export class WechatError extends Error {
  override name = 'WechatError';
  /** HTTP status this error becomes when it ends a request. */
  readonly status: number;
  /** Whether `message` is safe to send to the HTTP caller. */
  readonly expose: boolean;

  constructor(
    message: string,
    options: { status?: number; expose?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
  }
}

/** A request's `signature` or `msg_signature` does not match the token. */
export class SignatureError extends WechatError {
  override name = 'SignatureError';
  constructor(message = 'invalid signature', options: { cause?: unknown } = {}) {
    super(message, { status: 403, ...options });
  }
}

/** A ciphertext that cannot be decrypted: bad base64, bad padding, bad length or wrong AppID. */
export class DecryptError extends WechatError {
  override name = 'DecryptError';
  constructor(message = 'cannot decrypt message', options: { cause?: unknown } = {}) {
    super(message, { status: 400, ...options });
  }
}

/** The configured EncodingAESKey is not 43 base64 characters decoding to 32 bytes. */
export class InvalidEncodingAESKeyError extends WechatError {
  override name = 'InvalidEncodingAESKeyError';
  constructor(message = 'EncodingAESKey must be 43 characters of base64 (32 bytes)') {
    super(message, { status: 500, expose: false });
  }
}

/** The request body is not well-formed WeChat XML. */
export class XmlParseError extends WechatError {
  override name = 'XmlParseError';
  constructor(message = 'malformed XML', options: { cause?: unknown } = {}) {
    super(message, { status: 400, ...options });
  }
}

/** A handler did not produce a reply before the configured deadline. */
export class ReplyTimeoutError extends WechatError {
  override name = 'ReplyTimeoutError';
  constructor(message = 'reply timed out') {
    super(message, { status: 200, expose: false });
  }
}

/** A pipeline stage needs something an earlier stage should have provided. */
export class PipelineError extends WechatError {
  override name = 'PipelineError';
  constructor(message: string) {
    super(message, { status: 500, expose: false });
  }
}

/** The message of whatever was thrown, for a log line. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error of a body past `limit` bytes, the same from every exchange. */
export function bodyTooLarge(limit: number): WechatError {
  return new WechatError(`request body larger than ${limit} bytes`, { status: 413 });
}

/** The error of a body that did not arrive within `timeout` ms. */
export function bodyTooSlow(timeout: number): WechatError {
  return new WechatError(`request body not received within ${timeout} ms`, { status: 408 });
}
