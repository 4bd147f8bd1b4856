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
    throw malformed(`'<![' that does not open a CDATA section`, positionOf(text, stray));
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformedFromValidator(valid.err, text);
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

/** Line and column (both from 1) of `offset` in `text`. */
function positionOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: offset - lineStart + 1 };
}

function malformed(reason: string, at: { line: number; col: number }): XmlParseError {
  // The reason may quote tag names from the body: keep a hostile one from filling the logs.
  const short = reason.length > 200 ? `${reason.slice(0, 200)}…` : reason;
  return new XmlParseError(`malformed XML: ${short} at line ${at.line}, column ${at.col}`);
}

/**
 * The validator's error in a few plain words: `malformed XML: unclosed tag 'xml' at line 1,
 * column 1`. Its message for several unclosed tags is a JSON dump of its tag stack placed at line
 * 1 (`Invalid '[    "xml",    "a"]' found.`): that becomes the tags' names, at the body's end.
 */
function malformedFromValidator(
  err: { msg: string; line: number; col?: number },
  text: string,
): XmlParseError {
  if (text.trim() === '') return new XmlParseError('malformed XML: the body is empty');
  const unclosed = unclosedTags(err.msg);
  if (unclosed) {
    const names = unclosed.map((name) => `'${name}'`).join(', ');
    return malformed(`unclosed tags ${names}`, positionOf(text, text.length));
  }
  const reason = err.msg.replace(/\.$/, '');
  return malformed(reason.charAt(0).toLowerCase() + reason.slice(1), {
    line: err.line,
    col: err.col ?? 1,
  });
}

/** The tag names of the validator's `Invalid '[…]' found.`, or `undefined` for other messages. */
function unclosedTags(message: string): string[] | undefined {
  const stack = /^Invalid '(\[.*\])' found\.?$/s.exec(message)?.[1];
  if (stack === undefined) return undefined;
  try {
    const names: unknown = JSON.parse(stack);
    return Array.isArray(names) ? names.map(String) : undefined;
  } catch {
    return undefined;
  }
}

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
