import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/core/errors.js';
import { MESSAGE_TYPES, parseMessage } from '../../src/core/messages/index.js';
import { parseXml } from '../../src/core/messages/xml.js';
import { anyString, check, mutated, type ValidMessage, validMessage, xmlish } from './support.js';

/** A generous bound for one parse of a few KiB: catches runaway (super-linear) parsing. */
const PARSE_BUDGET_MS = 1000;

/** Parses `text`; the outcome must be a message or an XmlParseError, quickly. */
function parseOrRefuse(text: string): 'parsed' | 'refused' {
  const started = performance.now();
  let outcome: 'parsed' | 'refused';
  try {
    const message = parseMessage(text);
    expect(MESSAGE_TYPES).toContain(message.type);
    expect(typeof message.source).toBe('string');
    expect(typeof message.target).toBe('string');
    expect(typeof message.messageId).toBe('string');
    expect(typeof message.time).toBe('number');
    expect(message.raw).toBe(text);
    outcome = 'parsed';
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    outcome = 'refused';
  }
  // parseXml alone agrees with parseMessage on whether the text is acceptable.
  let alone: 'parsed' | 'refused';
  try {
    parseXml(text);
    alone = 'parsed';
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    alone = 'refused';
  }
  expect(alone).toBe(outcome);
  expect(performance.now() - started).toBeLessThan(PARSE_BUDGET_MS);
  return outcome;
}

function expectRoundTrip(m: ValidMessage): void {
  const message = parseMessage(m.xml) as unknown as Record<string, unknown>;
  expect(message.type).toBe(m.type);
  expect(message.source).toBe(m.source);
  expect(message.target).toBe(m.target);
  expect(message.time).toBe(m.time);
  expect(message.messageId).toBe(m.messageId);
  for (const field of m.fields) {
    // toEqual: NaN equals NaN, and -0 was already read back through Number(String(x)).
    expect(message[field.name], `${m.type}.${field.name}`).toEqual(field.expected);
  }
}

describe('fuzz: parseXml / parseMessage', () => {
  it('arbitrary strings: a message or XmlParseError, never another error', async () => {
    await check(
      fc.property(anyString, (text) => {
        parseOrRefuse(text);
      }),
      600,
    );
  });

  it('XML-shaped noise (tags, entities, CDATA variants, DOCTYPEs): a message or XmlParseError', async () => {
    await check(
      fc.property(xmlish, (text) => {
        parseOrRefuse(text);
        parseOrRefuse(`<xml>${text}</xml>`);
      }),
      600,
    );
  });

  it('every kind, random field values: a valid message round-trips its fields', async () => {
    await check(
      fc.property(validMessage(), (m) => {
        expect(parseOrRefuse(m.xml)).toBe('parsed');
        expectRoundTrip(m);
      }),
      500,
    );
  });

  it('mutations of valid messages (every kind): a message or XmlParseError', async () => {
    await check(
      fc.property(mutated(validMessage().map((m) => m.xml)), (text) => {
        parseOrRefuse(text);
      }),
      700,
    );
  });

  it('huge, deep and repeated structures: a message or XmlParseError, in bounded time', async () => {
    const piece = fc.constantFrom(
      '<a>',
      '</a>',
      '<a/>',
      '<![CDATA[x]]>',
      '&amp;',
      'x',
      '<Content>',
    );
    await check(
      fc.property(
        piece,
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom('prefix', 'nest', 'repeat'),
        (p, n, shape) => {
          const text =
            shape === 'nest'
              ? `<xml><MsgType>text</MsgType>${'<a>'.repeat(n)}${p}${'</a>'.repeat(n)}</xml>`
              : shape === 'repeat'
                ? `<xml><MsgType>text</MsgType>${p.repeat(n)}</xml>`
                : `${p.repeat(n)}<xml></xml>`;
          parseOrRefuse(text);
        },
      ),
      25,
    );
  });
});
