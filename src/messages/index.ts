export type { FieldKind, FieldSpec } from './fields.js';
export {
  type EventType,
  isMessageType,
  MESSAGE_KINDS,
  MESSAGE_TYPES,
  type MessageKinds,
  type MessageType,
  messageTypeOf,
  type RouteMethodName,
} from './kinds.js';
export { messageFromElement, parseMessage } from './parse.js';
export type * from './types.js';
export { parseXml } from './xml.js';
