import type { FieldSpec, PicListItem } from './fields.js';
import { MESSAGE_KINDS, type MessageType, messageTypeOf } from './kinds.js';
import type { AnyMessage, XmlElement, XmlValue } from './types.js';
import { parseXml } from './xml.js';

type KindRow = { readonly fields: Readonly<Record<string, FieldSpec>> };
/** A field to read: its name on the message, its spec, and its XML path split into steps. */
type FieldReader = readonly [name: string, spec: FieldSpec, path: readonly string[]];

// Built once from the table of kinds, so a parse does no per-field set-up.
const readers = new Map<MessageType, readonly FieldReader[]>();
for (const [type, row] of Object.entries(MESSAGE_KINDS) as [MessageType, KindRow][]) {
  readers.set(
    type,
    Object.entries(row.fields).map(([name, spec]) => [name, spec, spec.xml.split('.')] as const),
  );
}

/**
 * Parses a WeChat message or event from its XML text.
 *
 * @throws {XmlParseError} when the XML is malformed.
 *
 * @example
 * ```ts
 * const message = parseMessage(xml);
 * if (message.type === 'text') console.log(message.content);
 * ```
 */
export function parseMessage(xml: string): AnyMessage {
  return messageFromElement(parseXml(xml), xml);
}

/** Builds the typed message from an already parsed `<xml>` element. */
export function messageFromElement(element: XmlElement, raw: string): AnyMessage {
  const type = messageTypeOf(text(element.MsgType) ?? '', text(element.Event));
  const message: Record<string, unknown> = {
    type,
    messageId: text(element.MsgId ?? element.MsgID) ?? '',
    source: text(element.FromUserName) ?? '',
    target: text(element.ToUserName) ?? '',
    time: toInt(text(element.CreateTime)),
    raw,
    fields: element,
  };
  for (const [name, spec, path] of readers.get(type) ?? []) {
    const value = readField(element, spec, path);
    if (value !== undefined) message[name] = value;
  }
  // The record was built field by field from the row of this very `type`.
  return message as unknown as AnyMessage;
}

function readField(element: XmlElement, spec: FieldSpec, path: readonly string[]): unknown {
  const value = at(element, path);
  if (spec.kind === 'picList') return readPicList(value);
  const raw = text(value);
  if (raw === undefined) {
    if (spec.optional) return undefined;
    return spec.kind === 'string' ? '' : Number.NaN;
  }
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'float':
      return toFloat(raw);
    case 'int':
      return toInt(raw);
  }
}

function readPicList(value: XmlValue | undefined): PicListItem[] {
  const items =
    value !== undefined && typeof value === 'object' && !Array.isArray(value)
      ? value.item
      : undefined;
  if (items === undefined) return [];
  // One <item> parses to an element, several to an array of them.
  return (Array.isArray(items) ? items : [items]).map((item) => ({
    picMd5Sum:
      (typeof item === 'object' && !Array.isArray(item) ? text(item.PicMd5Sum) : undefined) ?? '',
  }));
}

/** The value at a dotted path below the root element. */
function at(element: XmlElement, path: readonly string[]): XmlValue | undefined {
  let current: XmlValue | undefined = element;
  for (const step of path) {
    if (current === undefined || typeof current !== 'object' || Array.isArray(current))
      return undefined;
    current = current[step];
  }
  return current;
}

/** The text of a leaf element; a repeated element gives its first value; an empty one gives ''. */
function text(value: XmlValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return text(value[0]);
  // `<Tag></Tag>` parses to '' and `<Tag/>` to '' as well; a nested element is not text.
  return undefined;
}

function toFloat(raw: string): number {
  const trimmed = raw.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

function toInt(raw: string | undefined): number {
  if (raw === undefined) return Number.NaN;
  const trimmed = raw.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number.parseInt(trimmed, 10) : Number.NaN;
}
