// Replies as WeChat shows them: text with links, pictures, voice, video, music and news cards,
// "no reply" for success, the hand-over to customer service.
import { h } from './dom.js';

/** One article of a news card. */
export interface ShownArticle {
  title: string;
  description: string;
  img: string;
  url: string;
}

/** What a bubble shows: a passive reply (ParsedReply fits) or a customer-service message. */
export type Shown =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'voice'; mediaId: string }
  | { type: 'video'; mediaId: string; title?: string | undefined; description?: string | undefined }
  | { type: 'music'; title: string; description: string; url: string; hqUrl: string }
  | { type: 'news'; articles: ShownArticle[] }
  | { type: 'transfer_customer_service'; account?: string | undefined }
  | { type: 'success' }
  | { type: 'other'; label: string; detail: string };

const LINK = /<a\s+href=["']([^"']+)["'][^>]*>([\s\S]*?)<\/a>|(https?:\/\/[^\s<>"']+)/g;

function anchor(href: string, label: string): HTMLAnchorElement {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, label);
}

/** Text as WeChat shows it: `<a href>` tags and bare URLs as links, the rest as typed. */
export function linkified(content: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of content.matchAll(LINK)) {
    const at = match.index ?? 0;
    if (at > last) nodes.push(document.createTextNode(content.slice(last, at)));
    const [, href, label, bare] = match;
    nodes.push(bare ? anchor(bare, bare) : anchor(href ?? '', label ?? ''));
    last = at + match[0].length;
  }
  if (last < content.length) nodes.push(document.createTextNode(content.slice(last)));
  return nodes;
}

function media(icon: string, label: string, mediaId: string): HTMLElement {
  return h(
    'div',
    { class: 'media-card' },
    h('span', { class: 'media-icon' }, icon),
    h('span', {}, label, h('small', {}, `media_id: ${mediaId}`)),
  );
}

function news(articles: ShownArticle[]): HTMLElement {
  const [first, ...rest] = articles;
  if (!first) return h('div', { class: 'news empty' }, '（空图文 empty news）');
  if (rest.length === 0) {
    return h(
      'a',
      { class: 'news single', href: first.url || undefined, target: '_blank', rel: 'noopener' },
      h('div', { class: 'news-title' }, first.title),
      first.img ? h('img', { src: first.img, alt: '' }) : null,
      h('div', { class: 'news-desc' }, first.description),
    );
  }
  return h(
    'div',
    { class: 'news multi' },
    h(
      'a',
      { class: 'news-cover', href: first.url || undefined, target: '_blank', rel: 'noopener' },
      first.img ? h('img', { src: first.img, alt: '' }) : null,
      h('div', { class: 'news-title' }, first.title),
    ),
    ...rest.map((article) =>
      h(
        'a',
        { class: 'news-row', href: article.url || undefined, target: '_blank', rel: 'noopener' },
        h('span', { class: 'news-title' }, article.title),
        article.img ? h('img', { src: article.img, alt: '' }) : null,
      ),
    ),
  );
}

/** The bubble's content for a reply; `undefined` for "no reply". */
export function shownElement(shown: Shown): HTMLElement | undefined {
  switch (shown.type) {
    case 'text':
      return h('div', { class: 'bubble text' }, ...linkified(shown.content));
    case 'image':
      return h('div', { class: 'bubble card' }, media('🖼', '图片 image', shown.mediaId));
    case 'voice':
      return h('div', { class: 'bubble voice' }, media('🔊', '语音 voice', shown.mediaId));
    case 'video':
      return h(
        'div',
        { class: 'bubble card video' },
        media('🎬', shown.title || '视频 video', shown.mediaId),
        shown.description ? h('div', { class: 'card-desc' }, shown.description) : null,
      );
    case 'music':
      return h(
        'a',
        { class: 'bubble card music', href: shown.url || undefined, target: '_blank' },
        h('span', { class: 'media-icon' }, '♪'),
        h(
          'span',
          {},
          h('strong', {}, shown.title || '音乐 music'),
          h('small', {}, shown.description),
        ),
      );
    case 'news':
      return h('div', { class: 'bubble news-bubble' }, news(shown.articles));
    case 'other':
      return h(
        'div',
        { class: 'bubble card' },
        h('strong', {}, shown.label),
        h('pre', { class: 'card-pre' }, shown.detail),
      );
    case 'transfer_customer_service':
    case 'success':
      return undefined;
  }
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === 'object' && value !== null ? (value as Json) : {};
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A customer-service message (`/cgi-bin/message/custom/send` body) as a bubble shows it. */
export function shownCustom(body: unknown): Shown {
  const message = obj(body);
  const type = str(message.msgtype);
  const part = obj(message[type]);
  switch (type) {
    case 'text':
      return { type: 'text', content: str(part.content) };
    case 'image':
      return { type: 'image', mediaId: str(part.media_id) };
    case 'voice':
      return { type: 'voice', mediaId: str(part.media_id) };
    case 'video':
      return {
        type: 'video',
        mediaId: str(part.media_id),
        title: str(part.title),
        description: str(part.description),
      };
    case 'music':
      return {
        type: 'music',
        title: str(part.title),
        description: str(part.description),
        url: str(part.musicurl),
        hqUrl: str(part.hqmusicurl),
      };
    case 'news':
      return {
        type: 'news',
        articles: (Array.isArray(part.articles) ? part.articles : []).map((a: unknown) => {
          const article = obj(a);
          return {
            title: str(article.title),
            description: str(article.description),
            img: str(article.picurl),
            url: str(article.url),
          };
        }),
      };
    default:
      return { type: 'other', label: `${type || '?'} 消息`, detail: JSON.stringify(part, null, 1) };
  }
}

/** A template message (`/cgi-bin/message/template/send` body) as WeChat's card shows it. */
export function templateCard(body: unknown): HTMLElement {
  const message = obj(body);
  const data = obj(message.data);
  return h(
    'div',
    { class: 'bubble template' },
    h('strong', {}, `模板消息 ${str(message.template_id)}`),
    ...Object.entries(data).map(([key, value]) =>
      h('div', { class: 'template-row' }, h('span', {}, key), h('span', {}, str(obj(value).value))),
    ),
    str(message.url) ? anchor(str(message.url), '详情 details') : null,
  );
}
