import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XmlParseError } from '../errors.js';
import type { XmlElement } from './types.js';

// Values stay strings (MsgId exceeds 2^53; a nickname of "007" must not become 7). DOCTYPEs are
// refused before parsing, so only the five predefined XML entities can ever be expanded: no entity
// can inflate a body or reach a file. Whitespace is kept because it is content.
// `htmlEntities` is what makes fast-xml-parser decode character references (`&#60;`, `&#x41;`),
// which XML requires; it also knows a few fixed HTML names (`&nbsp;`), harmless constants.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, jpath) => jpath === 'xml.SendPicsInfo.PicList.item',
});

const DOCTYPE = /<!DOCTYPE/i;

/**
 * Parses a WeChat XML body to the element under `<xml>`.
 *
 * @throws {XmlParseError} when the text is not well-formed XML, declares a DOCTYPE, or has no
 * `<xml>` root element.
 *
 * @example
 * ```ts
 * parseXml('<xml><MsgType><![CDATA[text]]></MsgType></xml>'); // { MsgType: 'text' }
 * ```
 */
export function parseXml(text: string): XmlElement {
  if (DOCTYPE.test(text)) throw new XmlParseError('XML with a DOCTYPE is refused');
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
