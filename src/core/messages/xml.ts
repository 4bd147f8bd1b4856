import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XmlParseError } from '../errors.js';
import { strayMarkedSection } from './markup-sections.js';
import type { XmlElement } from './types.js';

// Values stay strings (MsgId exceeds 2^53; a nickname of "007" must not become 7). DOCTYPEs are
// refused before parsing, so only the five predefined XML entities can ever be expanded: no entity
// can inflate a body or reach a file. Whitespace is kept because it is content.
// `htmlEntities` is what makes fast-xml-parser decode character references (`&#60;`, `&#x41;`),
// which XML requires. An empty map (not `true`) adds no HTML names beyond XML's five, and keeps the
// parser from rebuilding its HTML entity tables on every parse (~45 µs a message, measured).
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  // The parser accepts a map here (OrderedObjParser: `typeof htmlEntities === 'object'`); its types
  // only say boolean.
  htmlEntities: {} as unknown as boolean,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const DOCTYPE = /<!DOCTYPE/i;

/**
 * Parses a WeChat XML body to the element under `<xml>`.
 *
 * @throws {XmlParseError} when the text is not well-formed XML, declares a DOCTYPE, has a `<![`
 * that does not open a CDATA section (`<![XXXXXX[x]]>`), or has no `<xml>` root element.
 *
 * @example
 * ```ts
 * parseXml('<xml><MsgType><![CDATA[text]]></MsgType></xml>'); // { MsgType: 'text' }
 * ```
 */
export function parseXml(text: string): XmlElement {
  if (DOCTYPE.test(text)) throw new XmlParseError('XML with a DOCTYPE is refused');
  const stray = strayMarkedSection(text);
  if (stray !== undefined) {
    throw new XmlParseError(`malformed XML: "<![" that is not "<![CDATA[" at offset ${stray}`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmlParseError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw new XmlParseError('malformed XML', { cause: error });
  }
  const root = isElement(doc) ? doc.xml : undefined;
  if (!isElement(root)) throw new XmlParseError('XML has no <xml> root element');
  return root;
}

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
