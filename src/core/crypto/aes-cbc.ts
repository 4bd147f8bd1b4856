import { type Cipher, createCipheriv, createDecipheriv, type Decipher } from 'node:crypto';

const NO_IV = Buffer.alloc(0);

/** AES's block size in bytes. */
export const AES_BLOCK = 16;

/**
 * AES-256-CBC with one fixed key and IV (WeChat's: the IV is the key's first 16 bytes), for
 * block-aligned data and no padding of its own (WeChat pads to 32 bytes itself), through two
 * OpenSSL contexts made once instead of one per message: making a context costs more than
 * en- or decrypting a whole WeChat message (about 9 µs against 3 µs for 640 bytes, Node 20).
 *
 * - Decrypting is ECB decryption, which is the same for every message, followed by CBC's
 *   chaining, done here: each plaintext block is its decrypted block XOR the ciphertext block
 *   before it (the IV for the first).
 * - Encrypting goes through one long-lived CBC context, whose chaining value after a message is
 *   that message's last ciphertext block. Each message is led by one more block, `D(IV) XOR
 *   last`, which the context encrypts to exactly the IV: so the message's own blocks chain from
 *   the IV, as if the context were new, and that first block is dropped.
 *
 * A context that ever throws is replaced, so its state cannot leak into the next message.
 */
export class AesCbc {
  readonly #key: Buffer;
  readonly #iv: Buffer;
  #decipher: Decipher | undefined;
  #cipher: Cipher | undefined;
  /** `D(IV)`: the block the CBC context turns into the IV when the chaining value is zero. */
  #decryptedIv: Buffer | undefined;
  /** The CBC context's chaining value: the last ciphertext block it wrote (first: the IV). */
  readonly #last = Buffer.alloc(AES_BLOCK);

  constructor(key: Buffer, iv: Buffer) {
    if (key.length !== 32) throw new RangeError('AES-256 needs a 32-byte key');
    if (iv.length !== AES_BLOCK) throw new RangeError('the IV must be 16 bytes');
    this.#key = key;
    this.#iv = iv;
  }

  /**
   * Decrypts `data` (a whole number of blocks). The result is a new buffer.
   *
   * @throws RangeError when `data` is not block-aligned.
   */
  decrypt(data: Buffer): Buffer {
    if (data.length % AES_BLOCK !== 0) throw new RangeError('ciphertext is not block-aligned');
    let plain: Buffer;
    try {
      plain = this.#ecb().update(data);
    } catch (error) {
      this.#decipher = undefined;
      throw error;
    }
    if (plain.length !== data.length) {
      this.#decipher = undefined;
      throw new Error('AES-ECB returned a partial result');
    }
    const iv = this.#iv;
    for (let i = 0; i < AES_BLOCK; i++) plain[i] = (plain[i] as number) ^ (iv[i] as number);
    for (let i = AES_BLOCK; i < plain.length; i++) {
      plain[i] = (plain[i] as number) ^ (data[i - AES_BLOCK] as number);
    }
    return plain;
  }

  /**
   * Encrypts `room.subarray(16)` (a whole number of blocks). The first 16 bytes of `room` are
   * scratch, overwritten here: the caller leaves them free so no copy is needed. The result is a
   * new buffer of `room.length - 16` bytes.
   *
   * @throws RangeError when `room` is not block-aligned or holds no block after the scratch one.
   */
  encrypt(room: Buffer): Buffer {
    if (room.length % AES_BLOCK !== 0 || room.length < 2 * AES_BLOCK) {
      throw new RangeError('plaintext is not block-aligned');
    }
    const cipher = this.#cbc();
    const lead = this.#decryptedIv as Buffer;
    const last = this.#last;
    for (let i = 0; i < AES_BLOCK; i++) room[i] = (lead[i] as number) ^ (last[i] as number);
    let out: Buffer;
    try {
      out = cipher.update(room);
    } catch (error) {
      this.#cipher = undefined;
      throw error;
    }
    if (out.length !== room.length || !out.subarray(0, AES_BLOCK).equals(this.#iv)) {
      // Never expected: the context's state is not what it should be. Start over with a new one.
      this.#cipher = undefined;
      throw new Error('AES-CBC chaining out of step');
    }
    out.copy(last, 0, out.length - AES_BLOCK);
    return out.subarray(AES_BLOCK);
  }

  #ecb(): Decipher {
    if (this.#decipher) return this.#decipher;
    // ECB takes no IV: an empty one, not `null`, which workerd's node:crypto refuses.
    const decipher = createDecipheriv('aes-256-ecb', this.#key, NO_IV);
    decipher.setAutoPadding(false);
    this.#decipher = decipher;
    return decipher;
  }

  #cbc(): Cipher {
    if (this.#cipher) return this.#cipher;
    this.#decryptedIv ??= Buffer.from(this.#ecb().update(this.#iv));
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv);
    cipher.setAutoPadding(false);
    this.#iv.copy(this.#last);
    this.#cipher = cipher;
    return cipher;
  }
}
