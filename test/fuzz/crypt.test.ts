import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageCrypt } from '../../src/core/crypto/message-crypt.js';
import { DecryptError, InvalidEncodingAESKeyError, SignatureError } from '../../src/core/errors.js';
import { aesEncrypt, sha1Sorted } from '../support/safe-mode.js';
import { AES_KEY, APP_ID, TOKEN } from '../support/wechat.js';
import { anyString, check } from './support.js';

const KEYS = { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID };
const crypt = new MessageCrypt(KEYS);
const KEY = Buffer.from(`${AES_KEY}=`, 'base64');

/** Text that survives UTF-8 (no lone surrogates): only such text can come back exactly. */
const utf8Text = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 200 }), anyString)
  .filter((s) => Buffer.from(s, 'utf8').toString('utf8') === s);

/** Decrypts as `decryptMessage` with a correct msg_signature over `encrypt`. */
function decryptSigned(encrypt: string): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'n0nce';
  return crypt.decryptMessage({
    encrypt,
    timestamp,
    nonce,
    msgSignature: sha1Sorted(TOKEN, timestamp, nonce, encrypt),
  });
}

/** The outcome: the text, or the name of the error (anything else fails the property). */
function outcome(
  run: () => string,
): { text: string } | { error: 'DecryptError' | 'SignatureError' } {
  try {
    return { text: run() };
  } catch (error) {
    if (error instanceof SignatureError) return { error: 'SignatureError' };
    if (error instanceof DecryptError) return { error: 'DecryptError' };
    throw error;
  }
}

/** AES-256-CBC without padding over bytes already a multiple of 16 long. */
function rawEncrypt(plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/**
 * PROTOCOL.md §2's decryption written out again, from the plaintext bytes: the message, or
 * `undefined` when any check fails (pad value, pad bytes, length past the end, AppID).
 */
function referenceOpen(plain: Buffer): string | undefined {
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32 || pad > plain.length) return undefined;
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return undefined;
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) return undefined;
  const length = content.readUInt32BE(16);
  if (20 + length > content.length) return undefined;
  if (!content.subarray(20 + length).equals(Buffer.from(APP_ID))) return undefined;
  return content.subarray(20, 20 + length).toString('utf8');
}

describe('fuzz: MessageCrypt', () => {
  it('any text round-trips: encrypted here (node:crypto) or by encrypt(), decrypted exactly', async () => {
    await check(
      fc.property(utf8Text, (text) => {
        expect(decryptSigned(aesEncrypt(text, AES_KEY, APP_ID))).toBe(text);
        expect(decryptSigned(crypt.encrypt(text))).toBe(text);
        expect(crypt.decrypt(crypt.encrypt(text))).toBe(text);
      }),
      500,
    );
  });

  it('random ciphertexts (bytes, strings, base64 of any length): DecryptError', async () => {
    const ciphertext = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')),
      fc
        .integer({ min: 1, max: 12 })
        .chain((blocks) => fc.uint8Array({ minLength: blocks * 16, maxLength: blocks * 16 }))
        .map((b) => Buffer.from(b).toString('base64')),
      fc.base64String({ maxLength: 200 }),
      anyString,
    );
    await check(
      fc.property(ciphertext, (encrypt) => {
        // An empty Encrypt fails the signature check (a missing part), the rest the decryption.
        const expected = encrypt === '' ? 'SignatureError' : 'DecryptError';
        expect(outcome(() => decryptSigned(encrypt))).toEqual({ error: expected });
        expect(outcome(() => crypt.decrypt(encrypt))).toEqual({ error: 'DecryptError' });
      }),
      1000,
    );
  });

  it('hand-built plaintexts (pad 0/33/255/bad bytes, length past the end, wrong AppID): exactly what the protocol says', async () => {
    const padding = fc.oneof(
      fc.constant('right' as const),
      fc.constantFrom(0, 33, 255, 32, 1),
      fc.integer({ min: 0, max: 255 }),
    );
    const lengthField = fc.oneof(
      fc.constant('right' as const),
      fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 2 ** 31),
      fc.integer({ min: 0, max: 300 }),
    );
    const appId = fc.oneof(
      fc.constant(APP_ID),
      fc.constantFrom(
        '',
        'wx_someone_else',
        APP_ID.slice(0, -1),
        `${APP_ID}x`,
        APP_ID.toUpperCase(),
      ),
      fc.string({ maxLength: 24 }),
    );
    await check(
      fc.property(
        utf8Text,
        lengthField,
        appId,
        padding,
        fc.boolean(),
        (text, length, id, pad, spoilPadByte) => {
          const msg = Buffer.from(text, 'utf8');
          const header = Buffer.alloc(20, 7);
          header.writeUInt32BE(length === 'right' ? msg.length : length, 16);
          const content = Buffer.concat([header, msg, Buffer.from(id, 'utf8')]);
          const rightPad = 32 - (content.length % 32);
          const padValue = pad === 'right' ? rightPad : pad;
          // The padding is `padValue` bytes of `padValue` when it fits the block, else whatever
          // count keeps the ciphertext block-aligned: the decryptor must judge it either way.
          const padCount = pad === 'right' ? rightPad : 16 - (content.length % 16) || 16;
          const padBytes = Buffer.alloc(padCount, padValue);
          if (spoilPadByte && padCount > 1) padBytes[0] = (padValue + 1) & 0xff;
          const plain = Buffer.concat([content, padBytes]);
          const expected = referenceOpen(plain);
          const got = outcome(() => decryptSigned(rawEncrypt(plain)));
          expect(got).toEqual(
            expected === undefined ? { error: 'DecryptError' } : { text: expected },
          );
          if (length === 'right' && id === APP_ID && pad === 'right' && !spoilPadByte) {
            expect(got).toEqual({ text });
          }
        },
      ),
      2000,
    );
  });

  it('mutated valid ciphertexts (bit flips, truncation, extension, bad base64): the text or DecryptError', async () => {
    const mutation = fc.oneof(
      fc.record({
        op: fc.constant('flip' as const),
        at: fc.nat(),
        bit: fc.integer({ min: 0, max: 7 }),
      }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        op: fc.constant('extend' as const),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 48 }),
      }),
      fc.record({
        op: fc.constant('text' as const),
        at: fc.nat(),
        piece: fc.constantFrom(
          '=',
          '==',
          '!',
          ' ',
          '\n',
          '-',
          '_',
          '.',
          'A',
          '\u0000',
          '中',
          '%3D',
        ),
      }),
      fc.record({ op: fc.constant('dropChar' as const), at: fc.nat() }),
      fc.constant({ op: 'urlsafe' as const }),
    );
    await check(
      fc.property(utf8Text, fc.array(mutation, { maxLength: 3 }), (text, mutations) => {
        const original = crypt.encrypt(text);
        let encrypt = original;
        for (const m of mutations) {
          const bytes = Buffer.from(encrypt, 'base64');
          switch (m.op) {
            case 'flip': {
              if (bytes.length === 0) break;
              const i = m.at % bytes.length;
              bytes[i] = (bytes[i] ?? 0) ^ (1 << m.bit);
              encrypt = bytes.toString('base64');
              break;
            }
            case 'truncate':
              encrypt = bytes.subarray(0, m.at % (bytes.length + 1)).toString('base64');
              break;
            case 'extend':
              encrypt = Buffer.concat([bytes, m.bytes]).toString('base64');
              break;
            case 'text': {
              const i = m.at % (encrypt.length + 1);
              encrypt = encrypt.slice(0, i) + m.piece + encrypt.slice(i);
              break;
            }
            case 'dropChar': {
              const i = m.at % Math.max(1, encrypt.length);
              encrypt = encrypt.slice(0, i) + encrypt.slice(i + 1);
              break;
            }
            case 'urlsafe':
              encrypt = encrypt.replace(/\+/g, '-').replace(/\//g, '_');
              break;
          }
        }
        const got = outcome(() => decryptSigned(encrypt));
        if (encrypt === original) expect(got).toEqual({ text });
        // CBC is malleable: a flip in the first block only garbles the random prefix and flips
        // a bit of the message, which decrypts. msg_signature is what guards integrity (below).
        else if ('text' in got) expect(typeof got.text).toBe('string');
        else expect(got.error).toMatch(/^(DecryptError|SignatureError)$/);
        // Signed over the original but carrying the mutated value: always refused, never decrypted.
        if (encrypt !== original) {
          const timestamp = '1700000000';
          const nonce = 'abc';
          expect(
            outcome(() =>
              crypt.decryptMessage({
                encrypt,
                timestamp,
                nonce,
                msgSignature: sha1Sorted(TOKEN, timestamp, nonce, original),
              }),
            ),
          ).toEqual({ error: 'SignatureError' });
        }
      }),
      1000,
    );
  });

  const VALID = crypt.encrypt('<xml/>');

  it('hostile decryptMessage parameters (any type, any text): SignatureError or DecryptError', async () => {
    const value = fc.oneof(
      anyString,
      fc.constant(undefined),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
      fc.integer(),
      fc.stringMatching(/^[0-9a-fA-F]{40}$/),
      fc.constant(VALID),
      fc.object({ maxDepth: 1 }),
    );
    await check(
      fc.property(value, value, value, value, (encrypt, timestamp, nonce, msgSignature) => {
        const got = outcome(() =>
          crypt.decryptMessage({ encrypt, timestamp, nonce, msgSignature }),
        );
        // A random 40-hex signature matches with probability 2^-160: this is a refusal.
        expect(got).toEqual({ error: 'SignatureError' });
        // decrypt() alone (no signature): only the one valid ciphertext opens.
        expect(outcome(() => crypt.decrypt(encrypt as string))).toEqual(
          encrypt === VALID ? { text: '<xml/>' } : { error: 'DecryptError' },
        );
      }),
      600,
    );
  });

  it('any EncodingAESKey / token / AppID: a working MessageCrypt or a configuration error', async () => {
    const key = fc.oneof(
      anyString,
      fc.base64String({ minLength: 40, maxLength: 46 }),
      fc.stringMatching(/^[A-Za-z0-9+/]{43}$/),
    );
    await check(
      fc.property(key, anyString, anyString, (encodingAESKey, token, appId) => {
        let made: MessageCrypt;
        try {
          made = new MessageCrypt({ token, encodingAESKey, appId });
        } catch (error) {
          // InvalidEncodingAESKeyError is a WechatError too; a missing token/AppID is the base class.
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).name).toMatch(/^(InvalidEncodingAESKeyError|WechatError)$/);
          if (!(error instanceof InvalidEncodingAESKeyError))
            expect(token === '' || appId === '').toBe(true);
          return;
        }
        const text = 'round trip 你好';
        expect(made.decrypt(made.encrypt(text))).toBe(text);
      }),
      300,
    );
  });
});
