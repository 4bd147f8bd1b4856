import { isLosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * WeChat sends 64-bit ids (`msg_id`, `msgid`, `msg_data_id`, `publish_id`) as bare JSON numbers, which
 * `JSON.parse` silently rounds past 2^53. Node 20's `JSON.parse` cannot see a number's source
 * text (that reviver feature needs V8 11.4+, i.e. Node 21), so we parse with `lossless-json`,
 * which hands us every number as its digits.
 *
 * Rules: the id fields below are always strings (so their type never depends on their size);
 * any other integer too large for a double also becomes a string; every other number is a number.
 */
const ID_KEYS: ReadonlySet<string> = new Set(['msg_id', 'msgid', 'msg_data_id', 'publish_id']);

/**
 * Parse a WeChat JSON body without losing digits. Throws `SyntaxError` on malformed JSON.
 */
export function parseJson(text: string): unknown {
  return parse(text, (key, value) => {
    if (!isLosslessNumber(value)) return value;
    const digits = value.toString();
    if (ID_KEYS.has(key)) return digits;
    return isSafeNumber(digits) ? Number(digits) : digits;
  });
}

/**
 * Serialize a request body. `bigint` values are written as bare JSON numbers, which is how a
 * 64-bit id is sent back to WeChat (e.g. `msg_id` in `/cgi-bin/message/mass/delete`).
 */
export function stringifyJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

/**
 * A 64-bit id as the client accepts it: a decimal string (as the client returns it), a number
 * (when small) or a bigint. Sent to WeChat as a JSON number.
 */
export type BigId = string | number | bigint;

/** Convert a {@link BigId} to a bigint, so it serializes as a bare number with all digits. */
export function toBigIdNumber(id: BigId): bigint {
  if (typeof id === 'string' && !/^\d+$/.test(id)) {
    throw new TypeError(`expected a decimal id, got ${JSON.stringify(id)}`);
  }
  return BigInt(id);
}
