/**
 * Every message and event type, the table of kinds they come from, and `parseMessage`
 * (`zgrobot/messages`).
 *
 * @example
 * ```ts
 * import type { ScanEvent, UserGetCardEvent } from 'zgrobot/messages';
 * import { parseMessage } from 'zgrobot/messages';
 * ```
 * @module
 */
export type {
  FieldKind,
  FieldSpec,
  ListItemSpec,
  PicListItem,
  ScalarFieldSpec,
  ScalarKind,
} from './fields.js';
export {
  type EventType,
  isMessageType,
  MESSAGE_KINDS,
  MESSAGE_TYPES,
  type MessageKinds,
  type MessageType,
  type RouteMethodName,
} from './kinds.js';
export { parseMessage } from './parse.js';
export type * from './types.js';
