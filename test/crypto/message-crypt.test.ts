import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MessageCrypt } from '../../src/core/crypto/index.js';
import {
  DecryptError,
  InvalidEncodingAESKeyError,
  SignatureError,
  WechatError,
} from '../../src/core/errors.js';

// ---------------------------------------------------------------------------------------------
// Vectors computed with the openssl CLI (OpenSSL 3.0), not with the code under test.
//
//   K='zgRoBotVectorKey0123456789abcdefghijklmnopq'
//   KH=$(printf '%s=' "$K" | base64 -d | xxd -p -c 64)
//     # → ce0468068b5579cb68aca7b2d35db7e39ebbf3d69b71d79f8218a39259a7a29a, iv = first 16 bytes
//   MSG='<xml><Content><![CDATA[你好，zgrobot 🎉]]></Content></xml>'   # 63 UTF-8 bytes
//   APPID='wxzgrobot0000001'                                          # 16 bytes
//   # 16 + 4 + 63 + 16 = 99 bytes → pad = 32 - 99 % 32 = 29 bytes of 0x1d
//   { printf '0123456789abcdef'; printf '\x00\x00\x00\x3f'; printf '%s' "$MSG"; \
//     printf '%s' "$APPID"; for i in $(seq 29); do printf '\x1d'; done; } > plain1.bin
//   openssl enc -aes-256-cbc -nopad -K $KH -iv ${KH:0:32} -in plain1.bin | base64 -w0
//
//   Vector 2, aligned content (pad is a whole 32-byte block):
//   MSG2='pad-is-a-full-block-32-bytes'                               # 28 bytes
//   # 16 + 4 + 28 + 16 = 64 bytes → pad = 32 bytes of 0x20
//   { printf '0123456789abcdef'; printf '\x00\x00\x00\x1c'; printf '%s' "$MSG2"; \
//     printf '%s' "$APPID"; for i in $(seq 32); do printf '\x20'; done; } > plain2.bin
//   openssl enc -aes-256-cbc -nopad -K $KH -iv ${KH:0:32} -in plain2.bin | base64 -w0
// ---------------------------------------------------------------------------------------------
const OWN = {
  token: 'zgrobot-token',
  encodingAESKey: 'zgRoBotVectorKey0123456789abcdefghijklmnopq',
  appId: 'wxzgrobot0000001',
};
const OWN_KEY_HEX = 'ce0468068b5579cb68aca7b2d35db7e39ebbf3d69b71d79f8218a39259a7a29a';
const OWN_RANDOM = Buffer.from('0123456789abcdef', 'latin1');
const OWN_MSG1 = '<xml><Content><![CDATA[你好，zgrobot 🎉]]></Content></xml>';
const OWN_CIPHER1 =
  'lbh1JQ2JLuGDG5ScK5A/UywficA2oiLCxUQUEEbqwERQjILvTDA2JR9IVyGOTVWg9YBdjX/gBP7P+YZ/9aNd5HuoWWl2IFNB8TIP/okFJU76zi/o7pV35DlC+pf2L3/SE2wQC5cJNFr5CeLZdfzx3LHgd9bndv143A9PHAqFARY=';
const OWN_MSG2 = 'pad-is-a-full-block-32-bytes';
const OWN_CIPHER2 =
  'lbh1JQ2JLuGDG5ScK5A/U5vwsO22U7zqwftPrG8Ir2qDQ2NQC0lNfpj3l7B+kg+Vzs2vQvZaKnGw1MNpg5sIJAuX9/RuJQfLS6cWaWOz0RkAprkWbEeAOkdvig9qZtZH';

// ---------------------------------------------------------------------------------------------
// WeChat's official 加解密 sample code (WXBizMsgCrypt), copied verbatim from the published
// samples; each value was re-checked here by decrypting with `openssl enc -d -aes-256-cbc
// -nopad` and hashing with `sha1sum` before being pasted.
//
// Java WXBizMsgCryptTest (公众平台 sample): EncodingAESKey abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG,
// token pamtest, appid wxb11529c136998cb6, random prefix "aaaabbbbccccdddd".
// ---------------------------------------------------------------------------------------------
const JAVA = {
  token: 'pamtest',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
};
const JAVA_RANDOM = Buffer.from('aaaabbbbccccdddd', 'latin1');
const JAVA_REPLY = '我是中文abcd123';
const JAVA_CIPHER =
  'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';
const JAVA_REPLY2 =
  '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>';
const JAVA_CIPHER2 =
  'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb';

// Python Sample.py (公众平台 sample): an incoming message with its msg_signature. The decrypted
// XML keeps its newlines.
const PYTHON = {
  token: 'spamtest',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
};
const PYTHON_REQUEST = {
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};
const PYTHON_PLAIN =
  '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n' +
  '<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n' +
  '<CreateTime>1409735668</CreateTime>\n' +
  '<MsgType><![CDATA[text]]></MsgType>\n' +
  '<Content><![CDATA[abcdteT]]></Content>\n' +
  '<MsgId>6054768590064713728</MsgId>\n' +
  '</xml>';

// Java WXBizMsgCryptTest.testVerifyUrl (企业微信 sample; same algorithm, the corp id stands in
// for the AppID): the encrypted echostr of a URL check.
const WORK = {
  token: 'QDG6eK',
  encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  appId: 'wx5823bf96d3bd56c7',
};
const WORK_REQUEST = {
  timestamp: '1409659589',
  nonce: '263014780',
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  encrypt:
    'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
};

// ---------------------------------------------------------------------------------------------
// Test-side helpers: build plaintexts by hand and encrypt them with Node's AES directly, so a
// tampered ciphertext trips exactly one check of MessageCrypt.decrypt.
// ---------------------------------------------------------------------------------------------
const ownKey = Buffer.from(OWN_KEY_HEX, 'hex');

function rawEncrypt(plain: Buffer): string {
  expect(plain.length % 16).toBe(0);
  const cipher = createCipheriv('aes-256-cbc', ownKey, ownKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function rawDecrypt(encrypted: string): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', ownKey, ownKey.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
}

interface Frame {
  msg?: string;
  appId?: string;
  /** Overrides the declared message length. */
  declaredLength?: number;
  /** Overrides the padding: the bytes appended after the appId. */
  padding?: Buffer;
}

function frame({ msg = 'hello', appId = OWN.appId, declaredLength, padding }: Frame): Buffer {
  const body = Buffer.from(msg, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(declaredLength ?? body.length);
  const content = Buffer.concat([OWN_RANDOM, length, body, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (content.length % 32);
  return Buffer.concat([content, padding ?? Buffer.alloc(pad, pad)]);
}

/** Content of 16 + 4 + 5 + 16 = 41 bytes: 23 bytes of padding make 64. */
function frameWithPadBytes(bytes: number[]): Buffer {
  const content = frame({}).subarray(0, 41);
  return Buffer.concat([content, Buffer.from(bytes)]);
}

const crypt = new MessageCrypt(OWN);

function decryptError(fn: () => unknown): DecryptError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    return error as DecryptError;
  }
  throw new Error('expected a DecryptError');
}

function sha1(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

describe('MessageCrypt constructor', () => {
  it('accepts a 43-character key, including the official sample key', () => {
    expect(() => new MessageCrypt(JAVA)).not.toThrow();
    expect(() => new MessageCrypt({ ...OWN, encodingAESKey: 'A'.repeat(43) })).not.toThrow();
    expect(() => new MessageCrypt({ ...OWN, encodingAESKey: `${'+/'.repeat(21)}A` })).not.toThrow();
  });

  it.each([
    ['42 characters', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF'],
    ['44 characters', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'],
    ['43 characters with its own "="', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF='],
    ['a "!" in it', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!'],
    ['base64url "-"', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-'],
    ['base64url "_"', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF_'],
    ['a space', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDE F'],
    ['CJK', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF密'],
    ['empty', ''],
    ['not a string', 12345 as unknown as string],
    ['undefined', undefined as unknown as string],
  ])('throws InvalidEncodingAESKeyError for a key of %s', (_label, encodingAESKey) => {
    expect(() => new MessageCrypt({ ...OWN, encodingAESKey })).toThrow(InvalidEncodingAESKeyError);
  });

  it('does not echo the key in the error', () => {
    const encodingAESKey = 'secretsecretsecretsecretsecretsecretsecret';
    let message = '';
    try {
      new MessageCrypt({ ...OWN, encodingAESKey });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEncodingAESKeyError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/43 characters/);
    expect(message).not.toContain('secret');
  });

  it('requires a non-empty token and appId', () => {
    expect(() => new MessageCrypt({ ...OWN, token: '' })).toThrow(/token must be a non-empty/);
    expect(() => new MessageCrypt({ ...OWN, appId: '' })).toThrow(/appId must be a non-empty/);
    expect(() => new MessageCrypt({ ...OWN, appId: undefined as unknown as string })).toThrow(
      WechatError,
    );
  });
});

describe('MessageCrypt against vectors computed outside the code', () => {
  it('encrypts to the openssl ciphertext (CJK + emoji, 29 bytes of padding)', () => {
    expect(crypt.encrypt(OWN_MSG1, OWN_RANDOM)).toBe(OWN_CIPHER1);
  });

  it('encrypts to the openssl ciphertext (a whole 32-byte block of padding)', () => {
    expect(crypt.encrypt(OWN_MSG2, OWN_RANDOM)).toBe(OWN_CIPHER2);
  });

  it('decrypts the openssl ciphertexts', () => {
    expect(crypt.decrypt(OWN_CIPHER1)).toBe(OWN_MSG1);
    expect(crypt.decrypt(OWN_CIPHER2)).toBe(OWN_MSG2);
  });

  it('encrypts and decrypts the official Java sample vectors', () => {
    const java = new MessageCrypt(JAVA);
    expect(java.encrypt(JAVA_REPLY, JAVA_RANDOM)).toBe(JAVA_CIPHER);
    expect(java.encrypt(JAVA_REPLY2, JAVA_RANDOM)).toBe(JAVA_CIPHER2);
    expect(java.decrypt(JAVA_CIPHER)).toBe(JAVA_REPLY);
    expect(java.decrypt(JAVA_CIPHER2)).toBe(JAVA_REPLY2);
  });

  it('verifies and decrypts the official Python sample message, newlines intact', () => {
    expect(new MessageCrypt(PYTHON).decryptMessage(PYTHON_REQUEST)).toBe(PYTHON_PLAIN);
  });

  it('verifies and decrypts the official WeChat Work URL-check echostr', () => {
    expect(new MessageCrypt(WORK).decryptMessage(WORK_REQUEST)).toBe('1616140317555161061');
  });

  it('rejects an official sample message when configured with another AppID', () => {
    const other = new MessageCrypt({ ...PYTHON, appId: JAVA.appId });
    const error = decryptError(() => other.decryptMessage(PYTHON_REQUEST));
    expect(error.message).toMatch(/AppID mismatch/);
    expect(error.message).not.toContain(PYTHON.appId);
    expect(error.message).not.toContain(JAVA.appId);
  });
});

describe('MessageCrypt round trip', () => {
  it.each([
    ['empty string', ''],
    ['ASCII', 'hello'],
    ['CJK', '你好，世界。微信公众号消息加解密'],
    ['emoji', '👍🏽🎉👨‍👩‍👧‍👦'],
    [
      'XML with CDATA end and control chars',
      '<xml><a><![CDATA[x]]]]><![CDATA[>]]></a>\u0001</xml>',
    ],
    ['content aligned to 32 bytes (pad is a whole block)', 'x'.repeat(28)],
  ])('%s', (_label, text) => {
    const encrypted = crypt.encrypt(text);
    expect(encrypted).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(crypt.decrypt(encrypted)).toBe(text);
  });

  it('a 100 KB message with multi-byte characters', () => {
    const text = '微信🎉abc'.repeat(8 * 1024).slice(0, 100 * 1024);
    expect(Buffer.byteLength(text)).toBeGreaterThan(100 * 1024);
    expect(crypt.decrypt(crypt.encrypt(text))).toBe(text);
  });

  it('every message length 0..70 pads to a multiple of 32 with pad 1..32', () => {
    for (let n = 0; n <= 70; n++) {
      const text = 'a'.repeat(n);
      const data = Buffer.from(crypt.encrypt(text, OWN_RANDOM), 'base64');
      const content = 16 + 4 + n + OWN.appId.length;
      expect(data.length % 32).toBe(0);
      expect(data.length - content).toBeGreaterThanOrEqual(1);
      expect(data.length - content).toBeLessThanOrEqual(32);
      expect(crypt.decrypt(data.toString('base64'))).toBe(text);
    }
  });

  it('uses a fresh random prefix each time, across refills of the random pool', () => {
    expect(crypt.encrypt('same')).not.toBe(crypt.encrypt('same'));
    // 600 prefixes span more than two 4 KiB pool refills (256 prefixes each).
    const prefixes = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const encrypted = crypt.encrypt('same');
      prefixes.add(rawDecrypt(encrypted).subarray(0, 16).toString('hex'));
      expect(crypt.decrypt(encrypted)).toBe('same');
    }
    expect(prefixes.size).toBe(600);
  });

  it('refuses a random prefix that is not 16 bytes', () => {
    expect(() => crypt.encrypt('x', Buffer.alloc(15))).toThrow(RangeError);
    expect(() => crypt.encrypt('x', Buffer.alloc(17))).toThrow(RangeError);
  });

  it('the hand-built frame helper matches encrypt (sanity check for the tamper tests)', () => {
    expect(rawEncrypt(frame({ msg: OWN_MSG1 }))).toBe(OWN_CIPHER1);
  });
});

describe('MessageCrypt.decrypt rejects bad input with DecryptError', () => {
  it('empty string', () => {
    expect(decryptError(() => crypt.decrypt('')).message).toMatch(/empty/);
  });

  it('not a string', () => {
    decryptError(() => crypt.decrypt(undefined as unknown as string));
    decryptError(() => crypt.decrypt(['abc'] as unknown as string));
  });

  it.each([
    ['truncated base64 (last character dropped)', OWN_CIPHER1.slice(0, -1)],
    ['a character outside the alphabet', `!${OWN_CIPHER1.slice(1)}`],
    ['base64url characters', OWN_CIPHER1.replaceAll('/', '_').replaceAll('+', '-')],
    ['whitespace inside', `${OWN_CIPHER1.slice(0, 40)}\n${OWN_CIPHER1.slice(41)}`],
    ['"=" in the middle', `${OWN_CIPHER1.slice(0, 8)}=${OWN_CIPHER1.slice(9)}`],
    ['three "="', 'QUFBQUFBQUFBQUFBQUF==='],
    ['one "-" (base64url)', `-${OWN_CIPHER1.slice(1)}`],
    ['one "_" (base64url)', `${OWN_CIPHER1.slice(0, -3)}_${OWN_CIPHER1.slice(-2)}`],
    ['"=" then a whole group', `QUE=${OWN_CIPHER1}`],
    ['a NUL character', `${OWN_CIPHER1.slice(0, 4)}\0${OWN_CIPHER1.slice(5)}`],
  ])('invalid base64: %s', (_label, text) => {
    expect(decryptError(() => crypt.decrypt(text)).message).toMatch(/not valid base64/);
  });

  it('takes as base64 exactly what the strict pattern takes (20 000 random near-base64 strings)', () => {
    // The reference: padded standard base64, no whitespace, a length a multiple of 4.
    const strict = (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const strays = ['=', '==', '-', '_', ' ', '\n', '!', 'é', '\0', '%'];
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = 4 * (1 + (n % 12));
      while (text.length < length) {
        text +=
          next() < 0.05
            ? (strays[Math.floor(next() * strays.length)] as string)
            : alphabet[Math.floor(next() * 64)];
      }
      text = text.slice(0, length);
      let refusedAsBase64 = false;
      try {
        crypt.decrypt(text);
      } catch (error) {
        refusedAsBase64 = /not valid base64/.test((error as Error).message);
      }
      expect(refusedAsBase64, JSON.stringify(text)).toBe(!strict(text));
    }
  });

  it('a length that is not a multiple of 16 (valid base64 of 24 bytes)', () => {
    const text = Buffer.from(OWN_CIPHER1, 'base64').subarray(0, 24).toString('base64');
    expect(decryptError(() => crypt.decrypt(text)).message).toMatch(/multiple of the AES block/);
  });

  it('a length that is not a multiple of 16 (120 bytes)', () => {
    const text = Buffer.from(OWN_CIPHER1, 'base64').subarray(0, 120).toString('base64');
    expect(decryptError(() => crypt.decrypt(text)).message).toMatch(/multiple of the AES block/);
  });

  it('"==" only: base64 that decodes to nothing', () => {
    decryptError(() => crypt.decrypt('===='));
  });

  it('pad value 0', () => {
    const plain = frameWithPadBytes([...new Array<number>(22).fill(23), 0]);
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/padding/);
  });

  it('pad value 33', () => {
    // 16 + 4 + 11 + 16 = 47 content bytes + 33 bytes of 0x21 = 80: consistent, just too long.
    const content = frame({ msg: 'hello world' }).subarray(0, 47);
    const plain = Buffer.concat([content, Buffer.alloc(33, 33)]);
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/padding/);
  });

  it('pad bytes that are not all equal', () => {
    const bytes = new Array<number>(23).fill(23);
    bytes[0] = 22;
    const plain = frameWithPadBytes(bytes);
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/padding/);
  });

  it('the same buffer with consistent pad bytes decrypts (control for the test above)', () => {
    expect(crypt.decrypt(rawEncrypt(frameWithPadBytes(new Array<number>(23).fill(23))))).toBe(
      'hello',
    );
  });

  it('pad value larger than the whole plaintext', () => {
    // 16 bytes of ciphertext, last plaintext byte 32: the padding would start before byte 0.
    const plain = Buffer.alloc(16, 32);
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/padding/);
  });

  it('content shorter than the 20-byte header', () => {
    // A valid 32-byte pad block and nothing else.
    const plain = Buffer.alloc(32, 32);
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/too short/);
  });

  it('a message length that runs past the buffer', () => {
    const plain = frame({ msg: 'hello', declaredLength: 5 + 16 + 1 });
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/runs past/);
  });

  it('a message length of 2^32 - 1', () => {
    const plain = frame({ msg: 'hello', declaredLength: 0xffffffff });
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/runs past/);
  });

  it('a message length that eats part of the AppID', () => {
    const plain = frame({ msg: 'hello', declaredLength: 6 });
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/AppID mismatch/);
  });

  it('a wrong AppID, without echoing either AppID', () => {
    const plain = frame({ msg: 'hello', appId: 'wxSomeoneElse0001' });
    const error = decryptError(() => crypt.decrypt(rawEncrypt(plain)));
    expect(error.message).toMatch(/AppID mismatch/);
    expect(error.message).not.toContain('wxSomeoneElse0001');
    expect(error.message).not.toContain(OWN.appId);
  });

  it('an AppID with extra bytes after it', () => {
    const plain = frame({ msg: 'hello', appId: `${OWN.appId}x` });
    expect(decryptError(() => crypt.decrypt(rawEncrypt(plain))).message).toMatch(/AppID mismatch/);
  });

  it('a ciphertext made with another key', () => {
    const other = new MessageCrypt({ ...OWN, encodingAESKey: JAVA.encodingAESKey });
    decryptError(() => crypt.decrypt(other.encrypt('hello')));
  });

  it('a flipped bit in the last block', () => {
    const data = Buffer.from(OWN_CIPHER1, 'base64');
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
    decryptError(() => crypt.decrypt(data.toString('base64')));
  });

  it('random ciphertexts never escape as anything but DecryptError', () => {
    for (let i = 0; i < 300; i++) {
      const data = randomBytes(16 * (1 + (i % 8)));
      decryptError(() => crypt.decrypt(data.toString('base64')));
    }
  });
});

describe('MessageCrypt.encryptReply', () => {
  const reply = '<xml><Content><![CDATA[回复 🎉]]></Content></xml>';
  const ENVELOPE =
    /^<xml><Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt><MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature><TimeStamp>(\d+)<\/TimeStamp><Nonce><!\[CDATA\[([A-Za-z0-9]+)\]\]><\/Nonce><\/xml>$/;

  function parse(xml: string) {
    const match = ENVELOPE.exec(xml);
    expect(match).not.toBeNull();
    const [, encrypt = '', msgSignature = '', timestamp = '', nonce = ''] = match ?? [];
    return { encrypt, msgSignature, timestamp, nonce };
  }

  it('builds the envelope with a valid MsgSignature that decrypts back', () => {
    const envelope = parse(crypt.encryptReply(reply, { timestamp: 1409304348, nonce: 'xxxxxx' }));
    expect(envelope.timestamp).toBe('1409304348');
    expect(envelope.nonce).toBe('xxxxxx');
    expect(envelope.msgSignature).toBe(
      sha1(OWN.token, envelope.timestamp, envelope.nonce, envelope.encrypt),
    );
    expect(crypt.decrypt(envelope.encrypt)).toBe(reply);
    expect(crypt.decryptMessage(envelope)).toBe(reply);
  });

  it('defaults the timestamp to now (seconds) and the nonce to random digits', () => {
    const before = Math.floor(Date.now() / 1000);
    const first = parse(crypt.encryptReply(reply));
    const after = Math.floor(Date.now() / 1000);
    expect(Number(first.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(first.timestamp)).toBeLessThanOrEqual(after);
    expect(first.nonce).toMatch(/^[0-9]{10}$/);
    const second = parse(crypt.encryptReply(reply));
    expect(second.nonce).not.toBe(first.nonce);
    expect(crypt.decryptMessage(first)).toBe(reply);
  });

  it('refuses a timestamp or nonce that would break the XML', () => {
    expect(() => crypt.encryptReply(reply, { timestamp: '1<2' })).toThrow(TypeError);
    expect(() => crypt.encryptReply(reply, { timestamp: -1 })).toThrow(TypeError);
    expect(() => crypt.encryptReply(reply, { nonce: 'a]]>b' })).toThrow(TypeError);
    expect(() => crypt.encryptReply(reply, { nonce: '' })).toThrow(TypeError);
  });
});

describe('MessageCrypt.decryptMessage', () => {
  const python = new MessageCrypt(PYTHON);

  it('throws SignatureError for a bad msg_signature, before decrypting', () => {
    const bad = { ...PYTHON_REQUEST, msgSignature: '0'.repeat(40) };
    expect(() => python.decryptMessage(bad)).toThrow(SignatureError);
  });

  it('throws SignatureError when any signed part was changed', () => {
    expect(() => python.decryptMessage({ ...PYTHON_REQUEST, nonce: '1' })).toThrow(SignatureError);
    expect(() => python.decryptMessage({ ...PYTHON_REQUEST, timestamp: '1' })).toThrow(
      SignatureError,
    );
    const encrypt = crypt.encrypt('hello');
    expect(() => python.decryptMessage({ ...PYTHON_REQUEST, encrypt })).toThrow(SignatureError);
  });

  it.each([
    ['msgSignature missing', { msgSignature: undefined }],
    ['msgSignature an array', { msgSignature: [PYTHON_REQUEST.msgSignature] }],
    ['encrypt missing', { encrypt: undefined }],
    ['timestamp an array', { timestamp: [PYTHON_REQUEST.timestamp] }],
  ])('throws SignatureError with %s', (_label, patch) => {
    expect(() => python.decryptMessage({ ...PYTHON_REQUEST, ...patch })).toThrow(SignatureError);
  });

  it('ignores a stray token in the params: only the configured token signs', () => {
    const forged = { ...PYTHON_REQUEST, token: 'attacker' };
    forged.msgSignature = sha1('attacker', forged.timestamp, forged.nonce, forged.encrypt);
    expect(() => python.decryptMessage(forged)).toThrow(SignatureError);
  });

  it('throws DecryptError (not SignatureError) for a well-signed but broken ciphertext', () => {
    const encrypt = rawEncrypt(frame({ msg: 'hello', declaredLength: 1000 }));
    const params = {
      encrypt,
      timestamp: '1409304348',
      nonce: 'xxxxxx',
      msgSignature: sha1(OWN.token, '1409304348', 'xxxxxx', encrypt),
    };
    expect(() => crypt.decryptMessage(params)).toThrow(DecryptError);
  });

  it('maps SignatureError to 403 and DecryptError to 400', () => {
    expect(new SignatureError().status).toBe(403);
    expect(new DecryptError().status).toBe(400);
  });
});
