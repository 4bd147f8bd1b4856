import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson, toBigIdNumber } from '../../src/core/client/json.js';
import { filenameFromDisposition } from '../../src/core/client/media.js';

describe('parseJson', () => {
  it('keeps 64-bit ids as strings with every digit', () => {
    expect(
      parseJson('{"msg_id":1000000001234567890,"msg_data_id":2247483647,"msgid":5,"publish_id":9}'),
    ).toEqual({
      msg_id: '1000000001234567890',
      msg_data_id: '2247483647',
      msgid: '5',
      publish_id: '9',
    });
  });

  it('turns any other integer beyond 2^53 into a string, and leaves ordinary numbers alone', () => {
    expect(
      parseJson('{"a":9007199254740993,"b":42,"c":-1.5,"d":[12345678901234567890],"e":1e3}'),
    ).toEqual({
      a: '9007199254740993',
      b: 42,
      c: -1.5,
      d: ['12345678901234567890'],
      e: 1000,
    });
  });

  it('parses nested ids inside arrays of objects', () => {
    expect(parseJson('{"list":[{"msg_id":18446744073709551615}]}')).toEqual({
      list: [{ msg_id: '18446744073709551615' }],
    });
  });

  it('throws SyntaxError on malformed JSON', () => {
    expect(() => parseJson('<html>')).toThrow(SyntaxError);
  });
});

describe('stringifyJson / toBigIdNumber', () => {
  it('writes bigint ids as bare numbers and drops undefined fields', () => {
    expect(
      stringifyJson({ msg_id: toBigIdNumber('1000000001234567890'), skip: undefined, n: 1 }),
    ).toBe('{"msg_id":1000000001234567890,"n":1}');
  });

  it('keeps non-ASCII text as is', () => {
    expect(stringifyJson({ content: '你好 ]]>' })).toBe('{"content":"你好 ]]>"}');
  });

  it('rejects an id that is not decimal digits', () => {
    expect(() => toBigIdNumber('12a')).toThrow(TypeError);
    expect(toBigIdNumber(42)).toBe(42n);
  });
});

describe('filenameFromDisposition', () => {
  it.each([
    ['attachment; filename="MEDIA_ID.jpg"', 'MEDIA_ID.jpg'],
    ['attachment; filename=plain.amr', 'plain.amr'],
    ["attachment; filename*=UTF-8''%E5%9B%BE%E7%89%87.png", '图片.png'],
    ['inline', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(filenameFromDisposition(header)).toBe(expected);
  });
});
