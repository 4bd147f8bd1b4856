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
  const lines = [head];
  switch (reply.type) {
    case 'text':
      lines.push(reply.content);
      break;
    case 'image':
    case 'voice':
      lines.push(`media id: ${reply.mediaId}`);
      break;
    case 'video':
      lines.push(`media id: ${reply.mediaId}`);
      if (reply.title) lines.push(`title: ${reply.title}`);
      if (reply.description) lines.push(`description: ${reply.description}`);
      break;
    case 'news':
      reply.articles.forEach((article, i) => {
        lines.push(
          `${i + 1}. ${article.title}${article.description ? ` — ${article.description}` : ''}`,
        );
        if (article.url) lines.push(`   url: ${article.url}`);
        if (article.img) lines.push(`   picture: ${article.img}`);
      });
      break;
    case 'music':
      lines.push(`${reply.title}${reply.description ? ` — ${reply.description}` : ''}`);
      lines.push(`url: ${reply.url}`);
      if (reply.hqUrl && reply.hqUrl !== reply.url) lines.push(`hq url: ${reply.hqUrl}`);
      if (reply.thumbMediaId) lines.push(`thumb media id: ${reply.thumbMediaId}`);
      break;
    case 'transfer_customer_service':
      lines.push(
        reply.account ? `to account: ${reply.account}` : 'to any customer-service account',
      );
      break;
  }
  return lines.join('\n');
}
