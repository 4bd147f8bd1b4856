/**
 * A strict subset of XML that WeChat's messages and envelopes fall in, checked in one pass:
 * whitespace, one root element, elements written `<Name>…</Name>` (an ASCII name, no attributes,
 * no self-closing tag, not `__proto__`, `constructor` or `prototype`), text without `<` or `&`,
 * and CDATA sections; at most 16 levels deep.
 * Every text in this subset is well-formed by fast-xml-parser's validator too (its names, text
 * and nesting rules are looser), so a text found in it need not go through the validator; a
 * text outside it (a comment, an entity, a DOCTYPE, anything malformed) is left to the
 * validator, whose error messages are the ones users see.
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const AMP = 0x26;
const MAX_DEPTH = 16;
const CDATA_OPEN = '<![CDATA[';

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** What {@link scanSimpleXml} found in a text of the subset. */
export interface SimpleXml {
  /** The root element's name. */
  root: string;
  /** Whether the root holds an element (else it parses to a text, not an element). */
  nested: boolean;
  /**
   * The text of the root's one child named as asked, its text and CDATA pieces joined and its
   * line ends made `\n`, as the parser reads it; `undefined` when there is no such child,
   * several, or one holding elements.
   */
  child: string | undefined;
}

/**
 * Walks `text` through the subset; `undefined` when it leaves it. With `childName`, also reads
 * the text of the root's child of that name (see {@link SimpleXml.child}).
 *
 * @example
 * ```ts
 * scanSimpleXml('<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>', 'Encrypt');
 * // { root: 'xml', nested: true, child: 'abc' }
 * scanSimpleXml('<xml><a x="1"></a></xml>'); // undefined: attributes are not in the subset
 * ```
 */
export function scanSimpleXml(text: string, childName?: string): SimpleXml | undefined {
  const n = text.length;
  // The open elements, as offsets into `text` (no name is copied out): reused, as a scan never
  // runs inside another.
  const starts = OPEN_STARTS;
  const lengths = OPEN_LENGTHS;
  let depth = 0;
  let rootStart = -1;
  let rootLength = 0;
  let nested = false;
  let i = 0;
  // The child asked for: how many there are, its text so far, whether it holds an element.
  let seen = 0;
  let collecting = false;
  let pieces = '';
  let holdsElement = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== LT) {
      if (depth === 0) {
        if (!isSpace(c)) return undefined;
        i++;
        continue;
      }
      const next = text.indexOf('<', i);
      if (next < 0) return undefined;
      for (let j = i; j < next; j++) if (text.charCodeAt(j) === AMP) return undefined;
      if (collecting) pieces += lineEnds(text.slice(i, next));
      i = next;
      continue;
    }
    const c1 = text.charCodeAt(i + 1);
    if (c1 === BANG) {
      if (depth === 0 || !text.startsWith(CDATA_OPEN, i)) return undefined;
      const end = text.indexOf(']]>', i + CDATA_OPEN.length);
      if (end < 0) return undefined;
      if (collecting) pieces += lineEnds(text.slice(i + CDATA_OPEN.length, end));
      i = end + 3;
      continue;
    }
    if (c1 === SLASH) {
      if (depth === 0) return undefined;
      depth--;
      const start = i + 2;
      const open = starts[depth] as number;
      const length = lengths[depth] as number;
      for (let k = 0; k < length; k++) {
        if (text.charCodeAt(start + k) !== text.charCodeAt(open + k)) return undefined;
      }
      if (text.charCodeAt(start + length) !== GT) return undefined;
      if (collecting && depth === 1) collecting = false;
      i = start + length + 1;
      continue;
    }
    // An opening tag: a name and `>`, nothing else.
    if (depth === 0 && rootStart >= 0) return undefined; // a second root
    const start = i + 1;
    if (!isNameStart(text.charCodeAt(start))) return undefined;
    let j = start + 1;
    while (j < n && isNameChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== GT || depth >= MAX_DEPTH) return undefined;
    const length = j - start;
    if (refusedName(text, start, length)) return undefined;
    if (depth === 0) {
      rootStart = start;
      rootLength = length;
    } else nested = true;
    if (collecting) holdsElement = true;
    else if (
      depth === 1 &&
      childName !== undefined &&
      length === childName.length &&
      text.startsWith(childName, start)
    ) {
      seen++;
      collecting = true;
    }
    starts[depth] = start;
    lengths[depth] = length;
    depth++;
    i = j + 1;
  }
  if (rootStart < 0 || depth > 0) return undefined;
  return {
    root: text.slice(rootStart, rootStart + rootLength),
    nested,
    child: seen === 1 && !holdsElement ? pieces : undefined,
  };
}

const OPEN_STARTS = new Int32Array(MAX_DEPTH);
const OPEN_LENGTHS = new Int32Array(MAX_DEPTH);

/** Names the parser refuses (they could pollute prototypes): its error, not ours. */
function refusedName(text: string, start: number, length: number): boolean {
  if (length === 9)
    return text.startsWith('__proto__', start) || text.startsWith('prototype', start);
  return length === 11 && text.startsWith('constructor', start);
}

/** Line ends as the parser reads them (`\r\n` and `\r` made `\n`), piece by piece as it does. */
function lineEnds(piece: string): string {
  return piece.includes('\r') ? piece.replace(/\r\n?/g, '\n') : piece;
}
