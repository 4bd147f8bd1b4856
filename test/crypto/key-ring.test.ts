import { beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { MessageCrypt } from '../../src/core/crypto/message-crypt.js';
import { checkMsgSignature } from '../../src/core/crypto/signature.js';
import { DecryptError, SignatureError } from '../../src/core/errors.js';

// The real check, wrapped so its calls can be counted.
vi.mock('../../src/core/crypto/signature.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/crypto/signature.js')>();
  return { ...actual, checkMsgSignature: vi.fn(actual.checkMsgSignature) };
});

const TOKEN = 'ring-token';
const APP_ID = 'wxkeyringkeyring01';
const KEY_NEW = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY_OLD = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const KEY_OTHER = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v';

/** What WeChat sends: `xml` encrypted with `key` and signed with the token. */
function params(xml: string, key: string) {
  const envelope = new MessageCrypt({
    token: TOKEN,
    appId: APP_ID,
    encodingAESKey: key,
  }).encryptReply(xml, { timestamp: 1700000000, nonce: 'n1' });
  const field = (name: string) =>
    new RegExp(`<${name}><!\\[CDATA\\[(.*?)\\]\\]></${name}>`).exec(envelope)?.[1];
  return {
    encrypt: field('Encrypt'),
    timestamp: '1700000000',
    nonce: 'n1',
    msgSignature: field('MsgSignature'),
  };
}

describe('KeyRing: msg_signature checked once per message, whatever the number of keys', () => {
  const ring = new KeyRing({
    token: TOKEN,
    appId: APP_ID,
    encodingAESKey: [KEY_NEW, KEY_OLD, KEY_OTHER],
  });
  const check = vi.mocked(checkMsgSignature);
  // Braces: a function returned by beforeEach (mockClear returns the mock) runs as a teardown.
  beforeEach(() => {
    check.mockClear();
  });

  it('a message in the oldest key, found after two keys failed', () => {
    const decrypted = ring.decryptMessage(params('<xml>old</xml>', KEY_OTHER));
    expect(decrypted.xml).toBe('<xml>old</xml>');
    expect(decrypted.crypt).toBe(ring.crypts[2]);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('a message no key decrypts', () => {
    const stranger = params('<xml/>', 'Z'.repeat(43));
    expect(() => ring.decryptMessage(stranger)).toThrow(DecryptError);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('a bad signature: refused before any key is tried', () => {
    const forged = { ...params('<xml/>', KEY_OLD), msgSignature: 'f'.repeat(40) };
    expect(() => ring.decryptMessage(forged)).toThrow(SignatureError);
    expect(check).toHaveBeenCalledTimes(1);
  });
});
