import { ENTITY_ACTION, EntityDecoder } from '@nodable/entities';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XmlParseError } from '../errors.js';
import { strayMarkedSection } from './markup-sections.js';
import { scanSimpleXml } from './simple-xml.js';
import type { XmlElement, XmlValue } from './types.js';

/**
 * The decoder shared by every parse. The parser resets it for each document, but `reset()` leaves
 * the XML version a `<?xml version="1.1"?>` declaration set (1.1 lets a character reference name a
 * control character), so that is reset here too: one message cannot change how the next is read.
 */
class DocumentEntityDecoder extends EntityDecoder {
  override reset(): this {
    this.setXmlVersion(1.0);
    return super.reset();
  }
}

// Values stay strings (MsgId exceeds 2^53; a nickname of "007" must not become 7). DOCTYPEs are
// refused before parsing, so only the five predefined XML entities can ever be expanded: no entity
// can inflate a body or reach a file. Whitespace is kept because it is content.
// Entities are decoded by one EntityDecoder (fast-xml-parser's own library, @nodable/entities),
// made here once and reset by the parser for each document, rather than the one the parser would
// otherwise build for every parse (its maps, sets and limits: about 2 KB of garbage a message).
// It knows XML's five names and character references (`&#60;`, `&#x41;`), which XML requires,
// and no HTML names. It would take no entity a document declares even if one got that far: a
// DOCTYPE is refused before parsing.
// `preserveOrder` hands over the parser's own tree, which `compress()` below turns into objects
// for this one configuration (no attributes, no arrays by rule): cheaper than the parser's
// general converter, same result. `jPath: false` spares building path strings for callbacks
// this configuration does not have.
const parser = new XMLParser({
  preserveOrder: true,
  jPath: false,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  entityDecoder: new DocumentEntityDecoder({
    numericAllowed: true,
    limit: {
      maxTotalExpansions: Number.POSITIVE_INFINITY,
      maxExpandedLength: 100_000,
      applyLimitsTo: 'all',
    },
    onInputEntity: () => ENTITY_ACTION.BLOCK,
  }),
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
  // WeChat's plain shape is well-formed by construction of the subset; anything else gets the
  // full checks, and their messages.
  if (scanSimpleXml(text) === undefined) checkWellFormed(text);
  let ordered: unknown;
  try {
    ordered = parser.parse(text);
  } catch (error) {
    throw new XmlParseError('malformed XML', { cause: error });
  }
  const root = compress(ordered as OrderedNode[]).xml;
  if (!isElement(root)) throw new XmlParseError('XML has no <xml> root element');
  return root;
}

/**
 * The text of the `<xml>` root's child `name` (`<Encrypt>` of an encrypted envelope), as
 * `parseXml(text)[name]` would give it when that is a string; `undefined` when it is absent,
 * repeated or holds elements. A text in WeChat's plain shape is read in one pass, without a
 * general parse; any other goes through {@link parseXml}.
 *
 * @throws {XmlParseError} as {@link parseXml} does.
 */
export function rootChildText(text: string, name: string): string | undefined {
  if (!DOCTYPE.test(text)) {
    const simple = scanSimpleXml(text, name);
    if (simple?.root === 'xml' && simple.nested) return simple.child;
  }
  const value = parseXml(text)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The stray-section and validator checks, throwing the plain-worded error of the first failing. */
function checkWellFormed(text: string): void {
  const stray = strayMarkedSection(text);
  if (stray !== undefined) {
    throw malformed(`'<![' that does not open a CDATA section`, positionOf(text, stray));
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformedFromValidator(valid.err, text);
}

/** One entry of the parser's ordered tree: a tag name and its children, or `#text` and a text. */
type OrderedNode = Record<string, OrderedNode[] | string>;

/**
 * The parser's ordered tree as objects, exactly as its own converter makes them for this
 * configuration: an element's texts and CDATA joined; an element with only text becomes that
 * text, an empty one `''`; a repeated element an array; mixed content keeps its text under
 * `#text`.
 */
function compress(nodes: readonly OrderedNode[]): XmlElement {
  const element: XmlElement = {};
  let text: string | undefined;
  for (const node of nodes) {
    let name: string | undefined;
    for (name in node) break;
    if (name === undefined) continue;
    const content = node[name];
    if (name === '#text') {
      text = text === undefined ? (content as string) : text + (content as string);
      continue;
    }
    if (!content) continue;
    const inner = compress(content as OrderedNode[]);
    let value: XmlValue = inner;
    let count = 0;
    for (const _ in inner) if (++count > 1) break;
    if (count === 1 && inner['#text'] !== undefined) value = inner['#text'];
    else if (count === 0) value = '';
    if (Object.hasOwn(element, name)) {
      const earlier = element[name] as XmlValue;
      if (Array.isArray(earlier)) earlier.push(value);
      else element[name] = [earlier, value];
    } else {
      element[name] = value;
    }
  }
  if (text !== undefined && text.length > 0) element['#text'] = text;
  return element;
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
