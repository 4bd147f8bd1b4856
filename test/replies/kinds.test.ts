import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { type CustomerServiceClient, sendAsCustomerMessage } from '../../middleware/late-reply.js';
import { formatReply } from '../../src/cli/format.js';
import { coerceReply } from '../../src/core/replies/coerce.js';
import type { Reply } from '../../src/core/replies/kinds.js';
import {
  type CustomerServiceMethod,
  REPLY_CLASSES,
  REPLY_KINDS,
  REPLY_TYPES,
  type ReplyType,
} from '../../src/core/replies/kinds.js';
import { renderReply } from '../../src/core/replies/render.js';
import * as replies from '../../src/core/replies/replies.js';
import {
  Article,
  ArticlesReply,
  ImageReply,
  MusicReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from '../../src/core/replies/replies.js';
import { parseReply } from '../../src/testing/reply.js';

const message = { source: 'user_openid', target: 'gh_account' };

// One reply per row; the mapped type makes a row without a sample (or a sample of the wrong
// kind) fail to compile.
const samples: { [K in ReplyType]: Extract<Reply, { type: K }> } = {
  text: new TextReply({ message, content: '文字' }),
  image: new ImageReply({ message, mediaId: 'img' }),
  voice: new VoiceReply({ message, mediaId: 'v' }),
  video: new VideoReply({ message, mediaId: 'vid', title: 't', description: 'd' }),
  news: new ArticlesReply({ message, articles: [new Article({ title: 'a', url: 'l' })] }),
  music: new MusicReply({ message, title: 'm', url: 'u' }),
  transfer_customer_service: new TransferCustomerServiceReply({ message, account: 'kf@gh' }),
  success: new SuccessReply(),
};

/** A customer-service client that records which method each send called, and with what. */
function recordingClient() {
  const calls: [method: CustomerServiceMethod, args: unknown[]][] = [];
  const record =
    (method: CustomerServiceMethod) =>
    async (...args: unknown[]) => {
      calls.push([method, args]);
      return { errcode: 0, errmsg: 'ok' };
    };
  const client: CustomerServiceClient = {
    sendTextMessage: record('sendTextMessage'),
    sendImageMessage: record('sendImageMessage'),
    sendVoiceMessage: record('sendVoiceMessage'),
    sendVideoMessage: record('sendVideoMessage'),
    sendMusicMessage: record('sendMusicMessage'),
    sendArticleMessage: record('sendArticleMessage'),
  };
  return { client, calls };
}

describe('the table of reply kinds', () => {
  it('has a row for every reply class, and a class for every row', () => {
    const exported = Object.entries(replies)
      .filter(([name, value]) => name.endsWith('Reply') && typeof value === 'function')
      .map(([, Class]) => Class);
    expect(exported.length).toBeGreaterThan(0);
    expect(new Set(REPLY_CLASSES)).toEqual(new Set(exported));
    expect(REPLY_CLASSES).toHaveLength(new Set(REPLY_CLASSES).size);
  });

  it('files each row under its class’s `type`', () => {
    expect(Object.keys(samples)).toEqual(REPLY_TYPES);
    for (const type of REPLY_TYPES) {
      const reply = samples[type];
      expect(reply.type).toBe(type);
      expect(reply).toBeInstanceOf(REPLY_KINDS[type].Class);
    }
  });
});

describe.each(REPLY_TYPES)('every row: %s', (type) => {
  const reply = samples[type];
  const row = REPLY_KINDS[type];

  it('counts as a reply object and is kept as it is', () => {
    expect(coerceReply(reply, message)).toBe(reply);
  });

  it('renders to what parseReply reads back as the same kind', () => {
    const text = renderReply(reply);
    if (row.body === null) {
      expect(text).toBe('success');
    } else {
      expect(XMLValidator.validate(text)).toBe(true);
      expect(text).toContain(`<MsgType><![CDATA[${type}]]></MsgType>`);
    }
    const parsed = parseReply(text);
    expect(parsed.type).toBe(type);
    expect(formatReply(parsed)).toMatch(row.body === null ? /^no reply/ : `${type} reply from`);
  });

  it('is delivered as a customer-service message by its row’s method, or not at all', async () => {
    const { client, calls } = recordingClient();
    const sent = await sendAsCustomerMessage(client, reply, message);
    const method = row.customerService?.method;
    expect(sent).toBe(method !== undefined);
    expect(calls.map(([name, [user]]) => [name, user])).toEqual(
      method ? [[method, 'user_openid']] : [],
    );
  });
});

it('success and transfer_customer_service are the rows that cannot go out as 客服 messages', () => {
  const cannot = REPLY_TYPES.filter((type) => REPLY_KINDS[type].customerService === null);
  expect(cannot).toEqual(['transfer_customer_service', 'success']);
});
