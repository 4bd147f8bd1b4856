import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkMsgSignature,
  checkSignature,
  computeSignature,
} from '../../src/core/crypto/index.js';

// Expected digests below were computed outside the code under test, in the shell, by sorting
// by hand and hashing the concatenation:
//   printf '%s' 1409304348tokenherexxxxxx | sha1sum     → 9c6a46d9738c9dcefb4cc0da1cb3ba8c8e541aa0
//   printf '%s' 1700000000Abc123zgrobot | sha1sum       → 30b4560deb16ee5f853c9767c9e7c9f7f377e7e7
//   printf '%s' zgrobot1700000000Abc123 | sha1sum       → 86ce33d3edda673e54ad31fe6027d1516e81d2f5 (unsorted)
//   printf '%s' 13205621321409735669spamtest | sha1sum  → 16120ec1b8dbb870f510d87ce6bc2463eae6ca1a
const TOKENHERE = {
  token: 'tokenhere',
  timestamp: '1409304348',
  nonce: 'xxxxxx',
  signature: '9c6a46d9738c9dcefb4cc0da1cb3ba8c8e541aa0',
};

// WeChat's official Python sample (Sample.py of the 加解密 sample code): token `spamtest`,
// timestamp 1409735669, nonce 1320562132 and this Encrypt give msg_signature 5d197aaf….
// Re-checked here with:
//   printf '%s\n' spamtest 1409735669 1320562132 "$ENC" | LC_ALL=C sort | tr -d '\n' | sha1sum
const SAMPLE_ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
const SAMPLE = {
  token: 'spamtest',
  timestamp: '1409735669',
  nonce: '1320562132',
  encrypt: SAMPLE_ENCRYPT,
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
};

describe('computeSignature', () => {
  it('matches digests computed with sha1sum', () => {
    expect(computeSignature('tokenhere', '1409304348', 'xxxxxx')).toBe(TOKENHERE.signature);
    expect(computeSignature('spamtest', '1409735669', '1320562132')).toBe(
      '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a',
    );
  });

  it('sorts the parts: argument order does not matter, concatenation order does', () => {
    const sorted = '30b4560deb16ee5f853c9767c9e7c9f7f377e7e7';
    expect(computeSignature('zgrobot', '1700000000', 'Abc123')).toBe(sorted);
    expect(computeSignature('Abc123', 'zgrobot', '1700000000')).toBe(sorted);
    expect(computeSignature('1700000000', 'Abc123', 'zgrobot')).toBe(sorted);
    // Unsorted token+timestamp+nonce would give another digest.
    expect(sorted).not.toBe('86ce33d3edda673e54ad31fe6027d1516e81d2f5');
  });

  it('orders every permutation of four parts alike: prefixes, equal parts, case, digits', () => {
    const reference = (parts: string[]) =>
      createHash('sha1')
        .update([...parts].sort().join(''))
        .digest('hex');
    const sets = [
      ['ab', 'a', 'abc', 'b'],
      ['same', 'same', 'Same', '0'],
      ['1700000000', '170000000', 'zgrobot', 'Zgrobot'],
    ];
    const permutations = (items: string[]): string[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [
              item,
              ...rest,
            ]),
          );
    for (const set of sets) {
      const expected = reference(set);
      for (const [a, b, c, d] of permutations(set)) {
        expect(computeSignature(a as string, b as string, c as string, d as string)).toBe(expected);
      }
    }
  });

  it('includes extra parts (msg_signature) in the sort', () => {
    expect(computeSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(
      SAMPLE.msgSignature,
    );
  });
});

describe('checkSignature', () => {
  it('accepts the right signature', () => {
    expect(checkSignature(TOKENHERE)).toBe(true);
  });

  it('accepts uppercase hex: it is the same digest (WeChat sends lowercase)', () => {
    expect(checkSignature({ ...TOKENHERE, signature: TOKENHERE.signature.toUpperCase() })).toBe(
      true,
    );
  });

  it('rejects a wrong token, timestamp or nonce', () => {
    expect(checkSignature({ ...TOKENHERE, token: 'tokenHere' })).toBe(false);
    expect(checkSignature({ ...TOKENHERE, timestamp: '1409304349' })).toBe(false);
    expect(checkSignature({ ...TOKENHERE, nonce: 'xxxxxy' })).toBe(false);
  });

  it('rejects a signature that differs in one hex digit', () => {
    const flipped = `${TOKENHERE.signature.slice(0, -1)}1`;
    expect(checkSignature({ ...TOKENHERE, signature: flipped })).toBe(false);
  });

  const field = ['token', 'timestamp', 'nonce', 'signature'] as const;
  const badValues: [string, unknown][] = [
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['an array (repeated query key)', [TOKENHERE.signature, TOKENHERE.signature]],
    ['a one-item array', ['1409304348']],
    ['a number', 1409304348],
    ['an object', { toString: () => 'tokenhere' }],
  ];
  for (const name of field) {
    for (const [label, value] of badValues) {
      it(`is false, without throwing, when ${name} is ${label}`, () => {
        expect(() => checkSignature({ ...TOKENHERE, [name]: value })).not.toThrow();
        expect(checkSignature({ ...TOKENHERE, [name]: value })).toBe(false);
      });
    }
  }

  it.each([
    ['39 hex chars', TOKENHERE.signature.slice(0, 39)],
    ['41 hex chars', `${TOKENHERE.signature}0`],
    ['80 hex chars', TOKENHERE.signature.repeat(2)],
    ['non-hex characters', `${TOKENHERE.signature.slice(0, 39)}g`],
    ['surrounding spaces', ` ${TOKENHERE.signature} `],
    ['a trailing newline', `${TOKENHERE.signature}\n`],
    ['base64 of the digest', 'nGpG2XOMnc77TMDaHLO6jI5UGqA='],
  ])('is false for a malformed signature: %s', (_label, signature) => {
    expect(() => checkSignature({ ...TOKENHERE, signature })).not.toThrow();
    expect(checkSignature({ ...TOKENHERE, signature })).toBe(false);
  });

  it('is false for an empty params object', () => {
    expect(checkSignature({} as never)).toBe(false);
  });
});

describe('checkMsgSignature', () => {
  it('accepts the official sample msg_signature', () => {
    expect(checkMsgSignature(SAMPLE)).toBe(true);
  });

  it('rejects it when any signed part changes', () => {
    expect(checkMsgSignature({ ...SAMPLE, token: 'pamtest' })).toBe(false);
    expect(checkMsgSignature({ ...SAMPLE, timestamp: '1409735670' })).toBe(false);
    expect(checkMsgSignature({ ...SAMPLE, nonce: '1320562133' })).toBe(false);
    expect(checkMsgSignature({ ...SAMPLE, encrypt: `${SAMPLE_ENCRYPT.slice(0, -2)}Q=` })).toBe(
      false,
    );
  });

  it('is not satisfied by the plain signature of the same request', () => {
    const plain = computeSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce);
    expect(checkMsgSignature({ ...SAMPLE, msgSignature: plain })).toBe(false);
  });

  it.each([
    ['encrypt missing', { encrypt: undefined }],
    ['encrypt empty', { encrypt: '' }],
    ['encrypt an array', { encrypt: [SAMPLE_ENCRYPT] }],
    ['msgSignature missing', { msgSignature: undefined }],
    ['msgSignature an array', { msgSignature: [SAMPLE.msgSignature] }],
    ['msgSignature too short', { msgSignature: SAMPLE.msgSignature.slice(1) }],
    ['msgSignature not hex', { msgSignature: 'z'.repeat(40) }],
    ['nonce missing', { nonce: undefined }],
    ['token empty', { token: '' }],
  ])('is false, without throwing, with %s', (_label, patch) => {
    expect(() => checkMsgSignature({ ...SAMPLE, ...patch })).not.toThrow();
    expect(checkMsgSignature({ ...SAMPLE, ...patch })).toBe(false);
  });
});
