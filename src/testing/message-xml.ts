import type {
  FieldSpec,
  FieldsOf,
  ListItemSpec,
  PicListItem,
  ScalarKind,
} from '../core/messages/fields.js';
import { MESSAGE_KINDS, type MessageKinds, type MessageType } from '../core/messages/kinds.js';
import { cdata } from '../core/replies/xml.js';

/** The fields of a message of kind `T`, all optional: what a test or the CLI fills in. */
export type MessageFields<T extends MessageType> = Partial<FieldsOf<MessageKinds[T]['fields']>>;

/** Who sent a message, to whom and when; every value has a default. */
export interface MessageEnvelope {
  /** `FromUserName`: the user's OpenID. */
  source?: string;
  /** `ToUserName`: the official account's id (`gh_…`). */
  target?: string;
  /** `CreateTime`, UNIX seconds; default now. */
  time?: number;
  /** `MsgId` (`MsgID` for events). Messages get a fresh one when left out; events get none. */
  messageId?: string;
  /** The `MsgType` of an `unknown` message (default `unknown_type`). */
  msgType?: string;
  /** The `Event` of an `unknown_event` (default `unknown_event`). */
  event?: string;
}

/** Everything needed to write one message: its fields and its envelope. */
export type MessageInput<T extends MessageType> = MessageFields<T> & MessageEnvelope;

type KindRow = {
  readonly msgType?: string | null;
  readonly event?: string | null;
  readonly fields: Readonly<Record<string, FieldSpec>>;
};

/** WeChat writes these events in capitals (`CLICK`, `VIEW`…); the rest in lower case. */
const UPPER_CASE_EVENTS = new Set([
  'click',
  'view',
  'scan',
  'location',
  'templatesendjobfinish',
  'masssendjobfinish',
  'publishjobfinish',
]);

let lastMessageId = BigInt(Date.now()) * 1_000_000n;

/**
 * A fresh 64-bit-looking `MsgId`, unique within the process (so no stage takes it for a retry).
 *
 * @example
 * ```ts
 * buildMessageXml('text', { content: 'hi', messageId: nextMessageId() });
 * ```
 */
export function nextMessageId(): string {
  lastMessageId += 1n;
  return lastMessageId.toString();
}

type XmlTree = Map<string, string | XmlTree>;

/** Keys of an `XmlTree` that start with this hold XML written as it is (a list's elements). */
const RAW = '\u0000';

/** The element at `path` below `tree`, made when missing. */
function node(tree: XmlTree, path: readonly string[]): XmlTree {
  let current = tree;
  for (const step of path) {
    let child = current.get(step);
    if (!(child instanceof Map)) {
      child = new Map();
      current.set(step, child);
    }
    current = child;
  }
  return current;
}

function put(tree: XmlTree, path: string[], inner: string): void {
  const last = path.pop();
  if (last !== undefined) node(tree, path).set(last, inner);
}

function render(tree: XmlTree): string {
  let out = '';
  for (const [name, value] of tree) {
    if (name.startsWith(RAW)) out += value;
    else out += `<${name}>${typeof value === 'string' ? value : render(value)}</${name}>`;
  }
  return out;
}

function renderScalar(kind: ScalarKind, value: unknown): string {
  return kind === 'string' ? cdata(String(value)) : String(value);
}

function renderValue(spec: FieldSpec, value: unknown): string {
  switch (spec.kind) {
    case 'string':
    case 'int':
    case 'float':
      return renderScalar(spec.kind, value);
    case 'picList':
      return (value as PicListItem[])
        .map((item) => `<item><PicMd5Sum>${cdata(item.picMd5Sum)}</PicMd5Sum></item>`)
        .join('');
    case 'list':
      // The repeated element's content; `buildMessageXml` writes one element per item.
      return '';
  }
}

/** The repeated element of a `list` field, once per item: `<List>…</List><List>…</List>`. */
function renderList(name: string, item: ListItemSpec, values: readonly unknown[]): string {
  return values
    .map((value) => {
      if (typeof item === 'string') return `<${name}>${renderScalar(item, value)}</${name}>`;
      const tree: XmlTree = new Map();
      const fields = value as Record<string, unknown>;
      for (const [field, spec] of Object.entries(item)) {
        const one = fields[field];
        if (one !== undefined) put(tree, spec.xml.split('.'), renderScalar(spec.kind, one));
      }
      return `<${name}>${render(tree)}</${name}>`;
    })
    .join('');
}

/**
 * The XML WeChat sends for a message or event of kind `type`, written from the table of kinds
 * (`src/core/messages/kinds.ts`), so every kind the parser knows can be built, nested fields
 * (`ScanCodeInfo.ScanType`, `SendPicsInfo.PicList`) included. Fields left out are left out of
 * the XML too.
 *
 * @example
 * ```ts
 * buildMessageXml('text', { content: '你好', source: 'o_user' });
 * buildMessageXml('scancode_push_event', { key: 'scan', scanType: 'qrcode', scanResult: '123' });
 * ```
 */
export function buildMessageXml<T extends MessageType>(type: T, input: MessageInput<T>): string {
  const row: KindRow = MESSAGE_KINDS[type];
  const values = input as Record<string, unknown> & MessageEnvelope;
  const isEvent = 'event' in row;
  const tree: XmlTree = new Map();
  tree.set('ToUserName', cdata(values.target ?? 'gh_zgrobot_test'));
  tree.set('FromUserName', cdata(values.source ?? 'o_zgrobot_test_user'));
  tree.set('CreateTime', String(Math.trunc(values.time ?? Date.now() / 1000)));
  if (isEvent) {
    tree.set('MsgType', cdata('event'));
    const event = row.event ?? values.event ?? 'unknown_event';
    tree.set('Event', cdata(UPPER_CASE_EVENTS.has(event) ? event.toUpperCase() : event));
  } else {
    tree.set('MsgType', cdata(row.msgType ?? values.msgType ?? 'unknown_type'));
  }
  for (const [name, spec] of Object.entries(row.fields)) {
    const value = values[name];
    if (value === undefined) continue;
    const path = spec.xml.split('.');
    if (spec.kind === 'list') {
      // The last step repeats: its parent gets one element per item.
      const last = path.pop() ?? '';
      const elements = renderList(last, spec.item ?? 'string', value as unknown[]);
      node(tree, path).set(`${RAW}${last}`, elements);
    } else {
      put(tree, path, renderValue(spec, value));
    }
  }
  if (isEvent) {
    if (values.messageId !== undefined) tree.set('MsgID', values.messageId);
  } else {
    tree.set('MsgId', values.messageId ?? nextMessageId());
  }
  return `<xml>${render(tree)}</xml>`;
}
