import { describe, expect, it } from 'vitest';
import { MESSAGE_KINDS, type MessageType, messageTypeOf } from '../../src/core/messages/kinds.js';

describe('messageTypeOf', () => {
  it('maps every row of the table back to its type, in any case', () => {
    for (const [type, row] of Object.entries(MESSAGE_KINDS) as [MessageType, object][]) {
      if ('msgType' in row && typeof row.msgType === 'string') {
        expect(messageTypeOf(row.msgType.toUpperCase())).toBe(type);
      }
      if ('event' in row && typeof row.event === 'string') {
        expect(messageTypeOf(' Event ', row.event.toUpperCase())).toBe(type);
      }
    }
  });

  it('gives unknown and unknown_event for values the table does not know', () => {
    expect(messageTypeOf('hologram')).toBe('unknown');
    expect(messageTypeOf('event', 'teleport')).toBe('unknown_event');
    expect(messageTypeOf('event')).toBe('unknown_event');
  });
});
