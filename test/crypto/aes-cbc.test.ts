import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesCbc } from '../../src/core/crypto/aes-cbc.js';

// AesCbc keeps its OpenSSL contexts from message to message; each message must still come out
// exactly as a fresh AES-256-CBC context (Node's own, made per message here) makes it.

const key = randomBytes(32);
const iv = key.subarray(0, 16);

function freshEncrypt(plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

function freshDecrypt(data: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/** `plain` behind the one block of scratch room AesCbc.encrypt takes. */
function withRoom(plain: Buffer): Buffer {
  return Buffer.concat([randomBytes(16), plain]);
}

describe('AesCbc', () => {
  it('encrypts and decrypts 300 messages of 1–64 blocks in a row as fresh contexts do', () => {
    const aes = new AesCbc(key, iv);
    for (let i = 0; i < 300; i++) {
      const plain = randomBytes(16 * (1 + ((i * 7) % 64)));
      const expected = freshEncrypt(plain);
      // Interleave the directions: they share the ECB context that gives D(IV).
      if (i % 3 === 0) expect(aes.decrypt(expected)).toEqual(plain);
      expect(aes.encrypt(withRoom(plain))).toEqual(expected);
      expect(aes.decrypt(freshEncrypt(plain))).toEqual(freshDecrypt(freshEncrypt(plain)));
    }
  });

  it('gives the same message the same ciphertext each time (the IV is fixed; randomness is the caller’s)', () => {
    const aes = new AesCbc(key, iv);
    const plain = randomBytes(96);
    const first = aes.encrypt(withRoom(plain));
    expect(aes.encrypt(withRoom(plain))).toEqual(first);
    expect(first).toEqual(freshEncrypt(plain));
  });

  it('refuses data that is not block-aligned, and goes on working after it', () => {
    const aes = new AesCbc(key, iv);
    const plain = randomBytes(64);
    aes.encrypt(withRoom(plain));
    expect(() => aes.decrypt(randomBytes(17))).toThrow(RangeError);
    expect(() => aes.encrypt(randomBytes(16 + 15))).toThrow(RangeError);
    expect(() => aes.encrypt(randomBytes(16))).toThrow(RangeError); // no block after the room
    expect(aes.encrypt(withRoom(plain))).toEqual(freshEncrypt(plain));
    expect(aes.decrypt(freshEncrypt(plain))).toEqual(plain);
  });

  it('does not change the ciphertext it decrypts', () => {
    const aes = new AesCbc(key, iv);
    const data = freshEncrypt(randomBytes(128));
    const copy = Buffer.from(data);
    aes.decrypt(data);
    expect(data).toEqual(copy);
  });

  it('checks the key and IV sizes when built', () => {
    expect(() => new AesCbc(randomBytes(16), iv)).toThrow(RangeError);
    expect(() => new AesCbc(key, randomBytes(8))).toThrow(RangeError);
  });
});
