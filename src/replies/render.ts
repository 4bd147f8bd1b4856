import type { Reply } from './replies.js';
import { cdata, element } from './xml.js';

/** The text a reply becomes on the wire: reply XML, or `success`. */
export function renderReply(reply: Reply): string {
  if (reply.type === 'success') return 'success';
  const head =
    `<xml>${element('ToUserName', reply.target)}${element('FromUserName', reply.source)}` +
    `<CreateTime>${Math.trunc(reply.time)}</CreateTime><MsgType>${cdata(reply.type)}</MsgType>`;
  return `${head}${renderBody(reply)}</xml>`;
}

function renderBody(reply: Exclude<Reply, { type: 'success' }>): string {
  switch (reply.type) {
    case 'text':
      return element('Content', reply.content);
    case 'image':
      return `<Image>${element('MediaId', reply.mediaId)}</Image>`;
    case 'voice':
      return `<Voice>${element('MediaId', reply.mediaId)}</Voice>`;
    case 'video':
      return (
        `<Video>${element('MediaId', reply.mediaId)}${element('Title', reply.title, true)}` +
        `${element('Description', reply.description, true)}</Video>`
      );
    case 'news': {
      const items = reply.articles
        .map(
          (a) =>
            `<item>${element('Title', a.title)}${element('Description', a.description, true)}` +
            `${element('PicUrl', a.img, true)}${element('Url', a.url, true)}</item>`,
        )
        .join('');
      return `<ArticleCount>${reply.articles.length}</ArticleCount><Articles>${items}</Articles>`;
    }
    case 'music':
      return (
        `<Music>${element('Title', reply.title)}${element('Description', reply.description, true)}` +
        `${element('MusicUrl', reply.url)}${element('HQMusicUrl', reply.hqUrl)}` +
        `${element('ThumbMediaId', reply.thumbMediaId, true)}</Music>`
      );
    case 'transfer_customer_service':
      return reply.account ? `<TransInfo>${element('KfAccount', reply.account)}</TransInfo>` : '';
  }
}
