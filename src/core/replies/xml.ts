// Characters XML 1.0 allows (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]);
// with the `u` flag a lone surrogate is its own code point and so falls outside and is removed.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const CDATA_END = /]]>/g;

/**
 * Wraps a value in CDATA so that any string round-trips: `]]>` is split across two sections,
 * and characters XML cannot carry at all (NUL, most C0 controls, lone surrogates) are removed.
 */
export function cdata(value: string): string {
  // Most values have nothing to change: a plain test (no astral characters, no lone surrogates,
  // no controls, no `]]>`) spares the two replaces.
  if (PLAIN_XML_TEXT.test(value) && !value.includes(']]>')) return `<![CDATA[${value}]]>`;
  const clean = value.replace(INVALID_XML_CHARS, '').replace(CDATA_END, ']]]]><![CDATA[>');
  return `<![CDATA[${clean}]]>`;
}

// Text of the Basic Multilingual Plane that XML allows, surrogates excluded.
const PLAIN_XML_TEXT = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/;

/** `<Name><![CDATA[value]]></Name>`, or nothing for an absent or empty optional value. */
export function element(name: string, value: string | undefined, optional = false): string {
  if (value === undefined || (optional && value === '')) return '';
  return `<${name}>${cdata(value)}</${name}>`;
}
