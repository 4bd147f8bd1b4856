import type { XmlReplyType } from '../core/replies/kinds.js';
import type { ParsedReply } from '../testing/reply.js';

/**
 * A reply as a person reads it: the kind and addressing on one line, then the content.
 *
 * @example
 * ```ts
 * formatReply({ type: 'text', content: '你好', source: 'gh', target: 'o', time: 0, raw: '' });
 * // 'text reply from gh to o\n你好'
 * ```
 */
export function formatReply(reply: ParsedReply): string {
  if (reply.type === 'success') {
    return reply.raw.trim() === ''
      ? 'no reply (empty body): WeChat shows nothing'
      : 'no reply ("success"): WeChat shows nothing';
  }
  const head = `${reply.type} reply from ${reply.source} to ${reply.target}`;
  // The formatter under `reply.type` is the one for this very reply; TypeScript cannot pair them.
  const lines = (FORMATTERS[reply.type] as (reply: ParsedReply) => string[])(reply);
  return [head, ...lines].join('\n');
}

type Formatters = {
  [T in XmlReplyType]: (reply: Extract<ParsedReply, { type: T }>) => string[];
};

// One per XML row of REPLY_KINDS: a reply kind added there does not compile until shown here.
const FORMATTERS: Formatters = {
  text: (reply) => [reply.content],
  image: (reply) => [`media id: ${reply.mediaId}`],
  voice: (reply) => [`media id: ${reply.mediaId}`],
  video: (reply) => [
    `media id: ${reply.mediaId}`,
    ...(reply.title ? [`title: ${reply.title}`] : []),
    ...(reply.description ? [`description: ${reply.description}`] : []),
  ],
  news: (reply) =>
    reply.articles.flatMap((article, i) => [
      `${i + 1}. ${article.title}${article.description ? ` — ${article.description}` : ''}`,
      ...(article.url ? [`   url: ${article.url}`] : []),
      ...(article.img ? [`   picture: ${article.img}`] : []),
    ]),
  music: (reply) => [
    `${reply.title}${reply.description ? ` — ${reply.description}` : ''}`,
    `url: ${reply.url}`,
    ...(reply.hqUrl && reply.hqUrl !== reply.url ? [`hq url: ${reply.hqUrl}`] : []),
    ...(reply.thumbMediaId ? [`thumb media id: ${reply.thumbMediaId}`] : []),
  ],
  transfer_customer_service: (reply) => [
    reply.account ? `to account: ${reply.account}` : 'to any customer-service account',
  ],
};
