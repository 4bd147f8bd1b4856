import { PipelineError } from '../errors.js';

/**
 * Which requests the bot accepts, as set on the WeChat admin page (消息加解密方式):
 * - `'plain'` (明文模式): plaintext only; an encrypted request is refused.
 * - `'compatible'` (兼容模式): both; an encrypted request gets an encrypted reply, a plaintext
 *   one a plaintext reply.
 * - `'safe'` (安全模式): encrypted only; a plaintext POST is refused with 403, since
 *   `signature` does not cover the body and a leaked signed URL would let anyone post plaintext.
 */
export type EncryptMode = 'plain' | 'compatible' | 'safe';

const MODES: readonly EncryptMode[] = ['plain', 'compatible', 'safe'];

/** Whether `value` is one of the three modes. */
export function isEncryptMode(value: unknown): value is EncryptMode {
  return MODES.includes(value as EncryptMode);
}

/**
 * The mode in force: the configured one, else `'safe'` with a key and `'plain'` without.
 *
 * @throws {PipelineError} for `'safe'` or `'compatible'` without an EncodingAESKey, or an unknown mode.
 * @example
 * ```ts
 * resolveEncryptMode(undefined, true); // 'safe'
 * ```
 */
export function resolveEncryptMode(mode: EncryptMode | undefined, hasKey: boolean): EncryptMode {
  if (mode === undefined) return hasKey ? 'safe' : 'plain';
  if (!isEncryptMode(mode)) {
    throw new PipelineError(
      `encryptMode must be 'plain', 'compatible' or 'safe', got ${String(mode)}`,
    );
  }
  if (mode !== 'plain' && !hasKey) {
    throw new PipelineError(
      `encryptMode '${mode}' needs an EncodingAESKey (and the AppID): set encodingAESKey, or use encryptMode 'plain'`,
    );
  }
  return mode;
}
