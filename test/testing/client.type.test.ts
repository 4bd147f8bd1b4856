import { describe, expectTypeOf, it } from 'vitest';
import {
  createTestClient,
  type EventKindOf,
  type MessageInput,
  type ParsedReply,
  type TestClient,
} from '../../src/testing/index.js';

describe('test client types', () => {
  it('types each helper from the table', () => {
    const t: TestClient = createTestClient(() => {}, { token: 't' });
    expectTypeOf(t.text).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(t.scancodePush)
      .parameter(0)
      .toEqualTypeOf<MessageInput<'scancode_push_event'> | undefined>();
    expectTypeOf<EventKindOf<'click'>>().toEqualTypeOf<'click_event'>();
    expectTypeOf(t.event<'pic_weixin'>)
      .parameter(1)
      .toEqualTypeOf<MessageInput<'pic_weixin_event'> | undefined>();
    expectTypeOf(t.click('x')).resolves.toEqualTypeOf<ParsedReply>();
  });

  it('narrows a reply on type', () => {
    const reply = {} as ParsedReply;
    if (reply.type === 'news')
      expectTypeOf(reply.articles[0]?.title).toEqualTypeOf<string | undefined>();
    if (reply.type === 'text') expectTypeOf(reply.content).toEqualTypeOf<string>();
  });
});
