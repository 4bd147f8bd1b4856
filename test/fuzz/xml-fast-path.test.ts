// parseXml skips fast-xml-parser's validator for texts in WeChat's simple shape and turns the
// parser's ordered tree into objects itself; decrypt() reads <Encrypt> without a general parse.
// Both must change nothing: every text here goes through the reference — the validator, then
// fast-xml-parser with its own converter, as parseXml did before — and the new path must refuse
// what it refuses and give exactly (keys in the same order) the element it gives.
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/core/errors.js';
import { strayMarkedSection } from '../../src/core/messages/markup-sections.js';
import { scanSimpleXml } from '../../src/core/messages/simple-xml.js';
import type { XmlElement } from '../../src/core/messages/types.js';
import { parseXml, rootChildText } from '../../src/core/messages/xml.js';
import { anyString, check, mutated, validMessage, xmlish } from './support.js';

const reference = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: {} as unknown as boolean,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The root element as parseXml read it before the fast path, or `'refused'`. */
function referenceParse(text: string): XmlElement | 'refused' {
  if (/<!DOCTYPE/i.test(text) || strayMarkedSection(text) !== undefined) return 'refused';
  if (XMLValidator.validate(text) !== true) return 'refused';
  let doc: unknown;
  try {
    doc = reference.parse(text);
  } catch {
    return 'refused';
  }
  const root = (doc as Record<string, unknown>).xml;
  return typeof root === 'object' && root !== null && !Array.isArray(root)
    ? (root as XmlElement)
    : 'refused';
}

function parsed(text: string): XmlElement | 'refused' {
  try {
    return parseXml(text);
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    return 'refused';
  }
}

function expectSameAsReference(text: string): void {
  const expected = referenceParse(text);
  const actual = parsed(text);
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

function expectSameEncrypt(text: string): void {
  const expected = referenceParse(text);
  let actual: string | undefined | 'refused';
  try {
    actual = rootChildText(text, 'Encrypt');
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    actual = 'refused';
  }
  if (expected === 'refused') expect(actual).toBe('refused');
  else expect(actual).toBe(typeof expected.Encrypt === 'string' ? expected.Encrypt : undefined);
}

// Documents in (and just outside) the simple shape: names that matter to objects, repeated and
// nested elements, text beside elements, CDATA holding markup, line ends of every kind.
const name = fc.constantFrom(
  'xml',
  'ToUserName',
  'Encrypt',
  'MsgType',
  'item',
  'Content',
  'a',
  'toString',
  'hasOwnProperty',
  'constructor',
  '__proto__',
  'x.y-z_1',
);
const text = fc.constantFrom(
  '',
  ' ',
  '\n',
  '\r\n',
  '\r',
  'hello',
  '你好',
  'a > b',
  ']]>',
  '1234567890123456789',
  ' x\r\ny ',
);
const cdata = fc
  .constantFrom('', 'abc', '<a>&amp;</a>', ']]', 'x]]y', '\r\n', 'A'.repeat(200), '&lt;')
  .map((inner) => `<![CDATA[${inner}]]>`);
const element: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.tuple(name, fc.array(tie('piece'), { maxLength: 4 })).map(([n, inside]) => {
    return `<${n}>${inside.join('')}</${n}>`;
  }),
  piece: fc.oneof({ depthSize: 'small' }, text, cdata, tie('node')),
})).node;
const document = fc
  .tuple(fc.constantFrom('', ' ', '\n', '\r\n'), fc.array(element, { maxLength: 6 }), text)
  .map(([before, children, after]) => `${before}<xml>${children.join('')}</xml>${after.trim()}`);
const envelope = fc
  .array(
    fc.oneof(
      cdata.map((c) => `<Encrypt>${c}</Encrypt>`),
      fc.tuple(text, cdata, text).map(([a, c, b]) => `<Encrypt>${a}${c}${b}</Encrypt>`),
      fc.constant('<ToUserName><![CDATA[gh_account]]></ToUserName>'),
      fc.constant('<Encrypt><a>1</a></Encrypt>'),
      fc.constant('<Other><Encrypt>x</Encrypt></Other>'),
      fc.constant('<Encrypt></Encrypt>'),
      text,
    ),
    { maxLength: 5 },
  )
  .map((children) => `<xml>${children.join('')}</xml>`);

describe('fuzz: the XML fast paths agree with the validator and the parser', () => {
  it('documents of the simple shape, nested and repeated, and their mutations', async () => {
    await check(
      fc.property(fc.oneof(document, mutated(document)), (doc) => expectSameAsReference(doc)),
      1500,
    );
  });

  it('valid messages of every kind, XML-shaped noise, arbitrary strings', async () => {
    await check(
      fc.property(
        fc.oneof(
          validMessage().map((m) => m.xml),
          mutated(validMessage().map((m) => m.xml)),
          xmlish,
          xmlish.map((x) => `<xml>${x}</xml>`),
          anyString,
        ),
        (doc) => expectSameAsReference(doc),
      ),
      1500,
    );
  });

  it('<Encrypt> of envelopes (one, none, several, nested, mixed) and of any document', async () => {
    await check(
      fc.property(
        fc.oneof(
          envelope,
          mutated(envelope),
          document,
          xmlish.map((x) => `<xml>${x}</xml>`),
        ),
        (doc) => expectSameEncrypt(doc),
      ),
      1500,
    );
  });
});

describe('scanSimpleXml: the subset', () => {
  it('takes what WeChat sends', () => {
    expect(
      scanSimpleXml(
        '\n<xml><ToUserName><![CDATA[gh]]></ToUserName><CreateTime>1</CreateTime>\n' +
          '<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[x]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>\n',
      ),
    ).toEqual({ root: 'xml', nested: true, child: undefined });
    expect(scanSimpleXml('<xml><Encrypt>a\r\n<![CDATA[b\r]]></Encrypt></xml>', 'Encrypt')).toEqual({
      root: 'xml',
      nested: true,
      child: 'a\nb\n',
    });
  });

  it.each([
    ['an attribute', '<xml><a x="1"></a></xml>'],
    ['a self-closing tag', '<xml><a/></xml>'],
    ['a space in a tag', '<xml ><a></a></xml>'],
    ['an entity', '<xml><a>&amp;</a></xml>'],
    ['a comment', '<xml><!-- c --></xml>'],
    ['a declaration', '<?xml version="1.0"?><xml></xml>'],
    ['a DOCTYPE', '<!DOCTYPE x><xml></xml>'],
    ['a marked section not CDATA', '<xml><![X[a]]></xml>'],
    ['an unterminated CDATA', '<xml><![CDATA[a</xml>'],
    ['a wrong closing tag', '<xml><a></b></xml>'],
    ['an unclosed tag', '<xml><a></a>'],
    ['two roots', '<xml></xml><xml></xml>'],
    ['text outside the root', 'x<xml></xml>'],
    ['text after the root', '<xml></xml>x'],
    ['a byte order mark', '\ufeff<xml></xml>'],
    ['a name past ASCII', '<xml><名>1</名></xml>'],
    ['a name the parser refuses', '<xml><constructor>1</constructor></xml>'],
    ['17 levels', `${'<a>'.repeat(17)}${'</a>'.repeat(17)}`],
    ['nothing', ' \n '],
  ])('leaves out %s', (_what, text) => {
    expect(scanSimpleXml(text)).toBeUndefined();
  });
});
