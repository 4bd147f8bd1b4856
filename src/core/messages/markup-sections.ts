/**
 * The first `<![` outside comments and CDATA sections that does not open a CDATA section, or
 * `undefined`. fast-xml-parser reads any `<![NAME[…]]>` as CDATA, but XML has only `<![CDATA[`
 * (other marked sections are SGML/DTD-only), so such text is malformed and must be refused. A
 * plain regex is not enough: a CDATA section or a comment may well contain `<![` as text.
 */
export function strayMarkedSection(text: string): number | undefined {
  let at = 0;
  for (;;) {
    const open = text.indexOf('<!', at);
    if (open < 0) return undefined;
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end < 0) return undefined; // unterminated: the validator refuses it
      at = end + 3;
    } else if (text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9);
      if (end < 0) return undefined;
      at = end + 3;
    } else if (text.startsWith('<![', open)) {
      return open;
    } else {
      at = open + 2;
    }
  }
}
