import fc from 'fast-check';
import type { FieldSpec } from '../../src/core/messages/fields.js';
import { MESSAGE_KINDS, MESSAGE_TYPES, type MessageType } from '../../src/core/messages/kinds.js';

/**
 * Shared pieces of the fuzz tests (issue 9). Every property runs a fixed number of times from a
 * fixed seed, so a run is reproducible and its time bounded. fast-check puts the seed and the
 * shrink path of a failure in the error message; `FUZZ_SEED=<n>` reruns with another seed, and
 * the error of a failing run starts with the seed it used.
 */
export const SEED = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || 20_260_901;

/** `FUZZ_SCALE=10` runs every property ten times as often, for a longer hunt by hand. */
const SCALE = Number(process.env.FUZZ_SCALE) > 0 ? Number(process.env.FUZZ_SCALE) : 1;

/** fc.assert parameters: the fixed seed and a fixed number of runs. */
export function runs<Ts>(numRuns: number): fc.Parameters<Ts> {
  return { seed: SEED, numRuns: Math.ceil(numRuns * SCALE) };
}

/**
 * Runs a property; on failure the error starts with the seed to rerun it with (fast-check's own
 * message, kept below it, has the seed, the shrink path and the counterexample as well).
 */
export async function check<Ts>(property: fc.IRawProperty<Ts>, numRuns: number): Promise<void> {
  try {
    await fc.assert(property, runs<Ts>(numRuns));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`fuzz failure (FUZZ_SEED=${SEED} reproduces it)\n${message}`, {
      cause: error,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Characters and strings
// ---------------------------------------------------------------------------------------------

/** Characters that have broken XML writers and readers somewhere. */
const NASTY = [
  ']]>',
  ']]',
  ']',
  '<![CDATA[',
  '<',
  '>',
  '&',
  '&amp;',
  '&lt;',
  '&#60;',
  '&#x3C;',
  '&#0;',
  '&#xD800;',
  '&#99999999999;',
  '&bogus;',
  '"',
  "'",
  '</xml>',
  '<xml>',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '<!DOCTYPE x>',
  '<![XXX[',
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001f',
  '\u007f',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\ufffe',
  '\uffff',
  '\u2028',
  '😀',
  '你好',
  ' ',
  '9'.repeat(400),
  '-0',
  '1e400',
  'NaN',
  'Infinity',
  '0x10',
  '__proto__',
  'constructor',
];

/** Any string at all: lone surrogates, controls, the nasty pieces above. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Raw UTF-16 code units: lone and reversed surrogates anywhere ('binary' never makes them).
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 })
    .map((units) => String.fromCharCode(...units)),
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 })), { maxLength: 12 })
    .map((parts) => parts.join('')),
);

/** Characters XML 1.0 can carry (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | astral). */
export function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

const xmlCodePoint = fc.oneof(
  fc.constantFrom(0x9, 0xa, 0xd, 0x20, 0x26, 0x3c, 0x3e, 0x5d, 0x22, 0x27, 0x3b, 0x23, 0xfffd),
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0, max: 0x10ffff }).filter(isXmlChar),
);

/** A string of XML-legal characters, with `]]>`, `&`, `<` and line breaks likely. */
export const xmlText: fc.Arbitrary<string> = fc.oneof(
  fc.array(xmlCodePoint, { maxLength: 30 }).map((cps) => String.fromCodePoint(...cps)),
  fc
    .array(
      fc.constantFrom(
        ']]>',
        ']]',
        '&amp;',
        '<![CDATA[',
        ' ',
        '\r\n',
        '\r',
        'a',
        '你',
        '😀',
        '&#60;',
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join('')),
);

// ---------------------------------------------------------------------------------------------
// Valid WeChat messages, from the table of kinds
// ---------------------------------------------------------------------------------------------

/** How a text value is written into XML; every way must read back the same. */
export type Encoding = 'cdata' | 'escaped' | 'charrefs' | 'mixed';

/** One CDATA section, `]]>` split across two (PROTOCOL.md §4). */
function cdataOf(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function escapeText(value: string): string {
  return value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Every character but line breaks as a numeric reference, alternating decimal and hex. */
function charRefs(value: string): string {
  let out = '';
  let i = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    // A literal CR is normalised to LF by XML; written as `&#13;` it is kept. Keep it literal so
    // the expected value is the same for every encoding.
    if (ch === '\r' || ch === '\n') out += ch;
    else out += i++ % 2 === 0 ? `&#${cp};` : `&#x${cp.toString(16)};`;
  }
  return out;
}

/** `value` written in XML with `encoding`, and what a conforming parser reads back from it. */
export function encodeText(value: string, encoding: Encoding): { xml: string; expected: string } {
  switch (encoding) {
    case 'cdata':
      return { xml: cdataOf(value), expected: normaliseNewlines(value) };
    case 'escaped':
      return { xml: escapeText(value), expected: normaliseNewlines(value) };
    case 'charrefs':
      return { xml: charRefs(value), expected: normaliseNewlines(value) };
    case 'mixed': {
      // Split in two: a `\r` ending the first half and a `\n` starting the second are then two
      // line ends (they are not adjacent in the XML text), so each half is normalised alone.
      const chars = [...value];
      const half = Math.floor(chars.length / 2);
      const head = chars.slice(0, half).join('');
      const tail = chars.slice(half).join('');
      return {
        xml: escapeText(head) + cdataOf(tail),
        expected: normaliseNewlines(head) + normaliseNewlines(tail),
      };
    }
  }
}

/** XML's end-of-line handling: what a parser must give back for a literal value. */
export function normaliseNewlines(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

export const encoding: fc.Arbitrary<Encoding> = fc.constantFrom(
  'cdata',
  'escaped',
  'charrefs',
  'mixed',
);

type Row = { readonly fields: Readonly<Record<string, FieldSpec>> };
const rowOf = (type: MessageType): Row => MESSAGE_KINDS[type] as Row;

/** One field's generated value: what goes into the XML and what the parser must read. */
export interface FieldValue {
  name: string;
  spec: FieldSpec;
  /** `undefined`: the element is left out. */
  xml: string | undefined;
  expected: unknown;
}

const intValue = fc.oneof(
  fc.integer(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);

function fieldValue(name: string, spec: FieldSpec): fc.Arbitrary<FieldValue> {
  const present = spec.optional ? fc.boolean() : fc.constant(true);
  const value: fc.Arbitrary<{ xml: string; expected: unknown }> = (() => {
    switch (spec.kind) {
      case 'string':
        return fc.tuple(xmlText, encoding).map(([v, e]) => encodeText(v, e));
      case 'int':
        return intValue.map((n) => ({ xml: String(n), expected: n }));
      case 'float':
        return fc
          .double()
          .map((d) => ({ xml: String(d), expected: Number(String(d)) }))
          .filter(({ expected }) => !Number.isNaN(expected));
      case 'picList':
        return fc
          .array(fc.stringMatching(/^[0-9a-f]{0,32}$/), { minLength: 0, maxLength: 4 })
          .map((sums) => ({
            xml: sums.map((s) => `<item><PicMd5Sum>${cdataOf(s)}</PicMd5Sum></item>`).join(''),
            expected: sums.map((picMd5Sum) => ({ picMd5Sum })),
          }));
      case 'list':
        return listValue(spec);
    }
  })();
  return fc.tuple(present, value).map(([isPresent, v]) => ({
    name,
    spec,
    xml: isPresent ? v.xml : undefined,
    expected: isPresent
      ? v.expected
      : spec.optional
        ? undefined
        : spec.kind === 'string'
          ? ''
          : spec.kind === 'picList' || spec.kind === 'list'
            ? []
            : Number.NaN,
  }));
}

/**
 * A `list` field: zero to three occurrences of its repeated element, written inside its parent
 * (the entry's path ends in {@link RAW}, which `nest` writes as it is).
 */
function listValue(spec: FieldSpec): fc.Arbitrary<{ xml: string; expected: unknown }> {
  const name = spec.xml.split('.').at(-1) ?? '';
  const item = spec.item ?? 'string';
  const one: fc.Arbitrary<{ xml: string; expected: unknown }> =
    typeof item === 'string'
      ? fieldValue(name, { xml: name, kind: item }).map((f) => ({
          xml: `<${name}>${f.xml ?? ''}</${name}>`,
          expected: f.expected,
        }))
      : fc.tuple(...Object.entries(item).map(([n, s]) => fieldValue(n, s))).map((fields) => ({
          xml: `<${name}>${nest(
            fields
              .filter((f): f is FieldValue & { xml: string } => f.xml !== undefined)
              .map((f) => [f.spec.xml, f.xml]),
          )}</${name}>`,
          expected: Object.fromEntries(
            fields.filter((f) => f.expected !== undefined).map((f) => [f.name, f.expected]),
          ),
        }));
  return fc.array(one, { maxLength: 3 }).map((items) => ({
    xml: items.map((i) => i.xml).join(''),
    expected: items.map((i) => i.expected),
  }));
}

/** The last step of a path that `nest` writes as it is, without an element around it. */
const RAW = '\u0000';

/** Where a field's XML goes: a list's elements go straight into the parent of its path. */
function xmlPath(spec: FieldSpec): string {
  if (spec.kind !== 'list') return spec.xml;
  const steps = spec.xml.split('.');
  steps[steps.length - 1] = RAW;
  return steps.join('.');
}

/** Nests dotted paths: `[['A.B', x], ['A.C', y]]` → `<A><B>x</B><C>y</C></A>`. */
function nest(entries: [string, string][]): string {
  const groups = new Map<string, [string, string][]>();
  let out = '';
  for (const [path, xml] of entries) {
    const [head, ...rest] = path.split('.');
    if (head === undefined) continue;
    if (rest.length === 0) out += head === RAW ? xml : `<${head}>${xml}</${head}>`;
    else {
      const list = groups.get(head) ?? [];
      list.push([rest.join('.'), xml]);
      groups.set(head, list);
    }
  }
  for (const [head, list] of groups) out += `<${head}>${nest(list)}</${head}>`;
  return out;
}

/** A valid message: its XML and what the parser must read from it. */
export interface ValidMessage {
  type: MessageType;
  xml: string;
  source: string;
  target: string;
  time: number;
  messageId: string;
  fields: FieldValue[];
}

const MSG_TYPE_OF: Partial<Record<MessageType, string>> = {};
const EVENT_OF: Partial<Record<MessageType, string>> = {};
for (const type of MESSAGE_TYPES) {
  const row = MESSAGE_KINDS[type] as { msgType?: string | null; event?: string | null };
  if (typeof row.msgType === 'string') MSG_TYPE_OF[type] = row.msgType;
  if (typeof row.event === 'string') EVENT_OF[type] = row.event;
}

let messageSequence = 0;

/** A valid message of the given kind (or any kind) with random field values. */
export function validMessage(
  types: readonly MessageType[] = MESSAGE_TYPES,
): fc.Arbitrary<ValidMessage> {
  return fc.constantFrom(...types).chain((type) => {
    const fields = Object.entries(rowOf(type).fields).map(([name, spec]) => fieldValue(name, spec));
    return fc
      .record({
        fields: fields.length ? fc.tuple(...fields) : fc.constant([] as FieldValue[]),
        source: xmlText,
        target: xmlText,
        encodings: fc.tuple(encoding, encoding),
        time: fc.integer({ min: 0, max: 2 ** 31 }),
        // Case is free: `<MsgType>TEXT</MsgType>` and `<Event>CLICK</Event>` are the same kind.
        upper: fc.boolean(),
        // Unknown elements never fail a parse; repeated ones read their first value.
        extra: fc.array(fc.tuple(fc.stringMatching(/^Zz[A-Za-z0-9_]{0,8}$/), xmlText, encoding), {
          maxLength: 3,
        }),
        repeatFirst: fc.boolean(),
        unknownTag: fc.constantFrom('bogus', 'x-y', ''),
      })
      .map((r): ValidMessage => {
        const event = EVENT_OF[type];
        const msgType =
          MSG_TYPE_OF[type] ?? (event !== undefined || type === 'unknown_event' ? 'event' : '');
        const unknownMsgType = type === 'unknown' ? `zz${r.unknownTag}` : msgType;
        const eventName = event ?? (type === 'unknown_event' ? `zz${r.unknownTag}` : undefined);
        const casing = (s: string) => (r.upper ? s.toUpperCase() : s);
        const messageId = String(1_234_567_890_123_456_789n + BigInt(++messageSequence));
        const leaves = r.fields.filter(
          (f): f is FieldValue & { xml: string } => f.xml !== undefined,
        );
        const target = encodeText(r.target, r.encodings[0]);
        const source = encodeText(r.source, r.encodings[1]);
        let body =
          `<ToUserName>${target.xml}</ToUserName>` +
          `<FromUserName>${source.xml}</FromUserName>` +
          `<CreateTime>${r.time}</CreateTime>` +
          `<MsgType>${cdataOf(casing(unknownMsgType))}</MsgType>` +
          (eventName === undefined ? '' : `<Event>${cdataOf(casing(eventName))}</Event>`) +
          (unknownMsgType === 'event' ? '' : `<MsgId>${messageId}</MsgId>`) +
          nest(leaves.map((f) => [xmlPath(f.spec), f.xml]));
        for (const [name, value, enc] of r.extra) {
          body += `<${name}>${encodeText(value, enc).xml}</${name}>`;
        }
        // A repeated top-level text element: the first one counts.
        const firstTop = leaves.find((f) => f.spec.kind === 'string' && !f.spec.xml.includes('.'));
        if (r.repeatFirst && firstTop)
          body += `<${firstTop.spec.xml}>second</${firstTop.spec.xml}>`;
        return {
          type,
          xml: `<xml>${body}</xml>`,
          source: source.expected,
          target: target.expected,
          time: r.time,
          messageId: unknownMsgType === 'event' ? '' : messageId,
          fields: r.fields,
        };
      });
  });
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

/** Pieces a mutation inserts: XML syntax, entities, CDATA variants, hostile characters. */
const PIECES = fc.oneof(
  fc.constantFrom(
    ...NASTY,
    '<a>',
    '</a>',
    '<a/>',
    '<MsgType>',
    '</MsgType>',
    '<Content>x</Content>',
    '<MsgType>text</MsgType>',
    '<![CDATA[]]>',
    '<![CDATA[',
    '<![cdata[x]]>',
    '<![CDATA[x]]',
    '<![CDATA[x]>',
    '<![ CDATA[x]]>',
    '<!DOCTYPE xml [<!ENTITY a "b">]>',
    '<!ENTITY e SYSTEM "file:///etc/passwd">',
    '&e;',
    '<?pi x?>',
    '<xml:a>',
    '<a b="c">',
    '<a b=c>',
    '=',
    '/',
    '<xml><xml>',
    '</xml></xml>',
  ),
  anyString,
);

type Mutation =
  | { op: 'insert'; at: number; piece: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'replace'; at: number; piece: string }
  | { op: 'truncate'; at: number }
  | { op: 'wrap'; at: number; length: number };

const position = fc.double({ min: 0, max: 1, noNaN: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: position, piece: PIECES }),
  fc.record({
    op: fc.constant('delete' as const),
    at: position,
    length: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({ op: fc.constant('replace' as const), at: position, piece: PIECES }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({
    op: fc.constant('wrap' as const),
    at: position,
    length: fc.integer({ min: 0, max: 60 }),
  }),
);

function applyMutation(text: string, m: Mutation): string {
  const at = Math.floor(m.at * text.length);
  switch (m.op) {
    case 'insert':
      return text.slice(0, at) + m.piece + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'duplicate':
      return (
        text.slice(0, at + m.length) + text.slice(at, at + m.length) + text.slice(at + m.length)
      );
    case 'replace':
      return text.slice(0, at) + m.piece + text.slice(at + m.piece.length);
    case 'truncate':
      return text.slice(0, at);
    case 'wrap':
      // Wraps a stretch in a nested element: nested where text was expected.
      return `${text.slice(0, at)}<n>${text.slice(at, at + m.length)}</n>${text.slice(at + m.length)}`;
  }
}

/** `text` after one to four random mutations. */
export function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([t, ms]) => ms.reduce(applyMutation, t));
}

/** Strings shaped like XML: random runs of tags, entities and text. */
export const xmlish: fc.Arbitrary<string> = fc
  .array(PIECES, { maxLength: 20 })
  .map((parts) => parts.join(''));
