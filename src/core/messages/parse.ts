import type { FieldSpec, ListItemSpec, PicListItem, ScalarKind } from './fields.js';
import { MESSAGE_KINDS, type MessageType, messageTypeOf } from './kinds.js';
import type { AnyMessage, XmlElement, XmlValue } from './types.js';
import { parseXml } from './xml.js';

type KindRow = { readonly fields: Readonly<Record<string, FieldSpec>> };
/**
 * A field to read: its name on the message, its spec, its XML path split into steps (and, for a
 * list, the alternative path and the readers of an item's fields).
 */
interface FieldReader {
  readonly name: string;
  readonly spec: FieldSpec;
  readonly path: readonly string[];
  readonly or?: readonly string[];
  readonly item?: ScalarKind | readonly FieldReader[];
}

function readerOf(name: string, spec: FieldSpec): FieldReader {
  return {
    name,
    spec,
    path: spec.xml.split('.'),
    ...(spec.or === undefined ? {} : { or: spec.or.split('.') }),
    ...(spec.item === undefined ? {} : { item: itemReaders(spec.item) }),
  };
}

function itemReaders(item: ListItemSpec): ScalarKind | readonly FieldReader[] {
  if (typeof item === 'string') return item;
  return Object.entries(item).map(([name, spec]) => readerOf(name, spec));
}

function readersOf(fields: Readonly<Record<string, FieldSpec>>): readonly FieldReader[] {
  return Object.entries(fields).map(([name, spec]) => readerOf(name, spec));
}

// Built once from the table of kinds, so a parse does no per-field set-up.
const readers = new Map<MessageType, readonly FieldReader[]>();
for (const [type, row] of Object.entries(MESSAGE_KINDS) as [MessageType, KindRow][]) {
  readers.set(type, readersOf(row.fields));
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
  readFields(element, readers.get(type) ?? [], message);
  // The record was built field by field from the row of this very `type`.
  return message as unknown as AnyMessage;
}

/** Reads each field below `element` into `into`, leaving out absent optional ones. */
function readFields(
  element: XmlElement,
  fields: readonly FieldReader[],
  into: Record<string, unknown>,
): Record<string, unknown> {
  for (const reader of fields) {
    const value = readField(element, reader);
    if (value !== undefined) into[reader.name] = value;
  }
  return into;
}

function readField(element: XmlElement, reader: FieldReader): unknown {
  const { spec } = reader;
  let value = at(element, reader.path);
  switch (spec.kind) {
    case 'picList':
      return readPicList(value);
    case 'list':
      if (value === undefined && reader.or) value = at(element, reader.or);
      return readList(value, reader.item ?? 'string');
    default:
      return readScalar(value, spec.kind, spec.optional);
  }
}

function readScalar(
  value: XmlValue | undefined,
  kind: ScalarKind,
  optional: boolean | undefined,
): string | number | undefined {
  const raw = text(value);
  if (raw === undefined) {
    if (optional) return undefined;
    return kind === 'string' ? '' : Number.NaN;
  }
  switch (kind) {
    case 'string':
      return raw;
    case 'float':
      return toFloat(raw);
    case 'int':
      return toInt(raw);
  }
}

/** A repeated element as an array: one occurrence parses to a value, several to an array. */
function readList(
  value: XmlValue | undefined,
  item: ScalarKind | readonly FieldReader[],
): unknown[] {
  if (value === undefined) return [];
  const occurrences = Array.isArray(value) ? value : [value];
  if (typeof item === 'string') return occurrences.map((one) => readScalar(one, item, false));
  return occurrences.map((one) =>
    readFields(typeof one === 'object' && !Array.isArray(one) ? one : {}, item, {}),
  );
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
