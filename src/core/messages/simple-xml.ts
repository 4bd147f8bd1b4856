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
  const stack: string[] = [];
  let root: string | undefined;
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
      if (stack.length === 0) {
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
      if (stack.length === 0 || !text.startsWith(CDATA_OPEN, i)) return undefined;
      const end = text.indexOf(']]>', i + CDATA_OPEN.length);
      if (end < 0) return undefined;
      if (collecting) pieces += lineEnds(text.slice(i + CDATA_OPEN.length, end));
      i = end + 3;
      continue;
    }
    if (c1 === SLASH) {
      const start = i + 2;
      let j = start;
      while (j < n && isNameChar(text.charCodeAt(j))) j++;
      const open = stack.pop();
      if (open === undefined || j - start !== open.length || text.charCodeAt(j) !== GT) {
        return undefined;
      }
      if (!text.startsWith(open, start)) return undefined;
      if (collecting && stack.length === 1) collecting = false;
      i = j + 1;
      continue;
    }
    // An opening tag: a name and `>`, nothing else.
    if (root !== undefined && stack.length === 0) return undefined; // a second root
    const start = i + 1;
    if (!isNameStart(text.charCodeAt(start))) return undefined;
    let j = start + 1;
    while (j < n && isNameChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== GT || stack.length >= MAX_DEPTH) return undefined;
    const name = text.slice(start, j);
    // Names the parser refuses (they could pollute prototypes): its error, not ours.
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') return undefined;
    if (stack.length === 0) root = name;
    else nested = true;
    if (collecting) holdsElement = true;
    else if (stack.length === 1 && name === childName) {
      seen++;
      collecting = true;
    }
    stack.push(name);
    i = j + 1;
  }
  if (root === undefined || stack.length > 0) return undefined;
  return { root, nested, child: seen === 1 && !holdsElement ? pieces : undefined };
}

/** Line ends as the parser reads them (`\r\n` and `\r` made `\n`), piece by piece as it does. */
function lineEnds(piece: string): string {
  return piece.includes('\r') ? piece.replace(/\r\n?/g, '\n') : piece;
}
