import type { AnyMessage } from '../messages/types.js';
import type { Reply } from './kinds.js';
import { isReplyObject } from './kinds.js';
import { Article, ArticlesReply, type MAX_ARTICLES, MusicReply, TextReply } from './replies.js';

/** `[title, description, img, url]`: one article, in WeRoBot's list shorthand. */
export type ArticleTuple = readonly [title: string, description: string, img: string, url: string];
/** `[title, description, url]` or `[title, description, url, hqUrl]`: WeRoBot's music shorthand. */
export type MusicTuple =
  | readonly [title: string, description: string, url: string]
  | readonly [title: string, description: string, url: string, hqUrl: string];

/**
 * Everything a handler may return. `undefined`, `null`, `''` and `[]` mean "no reply here":
 * the router tries the next handler. A list of articles (`[new Article({…}), …]` or WeRoBot's
 * `[[title, description, img, url], …]`, up to {@link MAX_ARTICLES}) is a news reply.
 */
export type ReplyValue =
  | string
  | Reply
  | readonly (Article | ArticleTuple)[]
  | MusicTuple
  | null
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a handler that returns nothing type-check.
  | void;

/** Whether a handler's return value counts as a reply (WeRoBot's truthiness). */
export function isReply(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * Turns what a handler returned into a {@link Reply} addressed to `message`'s sender, following
 * WeRoBot: a string is a text reply; a list of 4-item lists or of {@link Article}s (or both) is
 * a news reply; a list of 3 or 4 strings is a music reply. Returns `undefined` for "no reply".
 *
 * @throws {TypeError} for a value that is none of these.
 * @throws {RangeError} for more than {@link MAX_ARTICLES} articles, as `ArticlesReply` does.
 */
export function coerceReply(
  value: unknown,
  message: Pick<AnyMessage, 'source' | 'target'>,
): Reply | undefined {
  if (!isReply(value)) return undefined;
  if (typeof value === 'string') return new TextReply({ message, content: value });
  if (isReplyObject(value)) {
    const reply = value;
    if (reply.type !== 'success') {
      // A reply built without `message` is addressed here, so handlers can skip it.
      reply.source ||= message.target;
      reply.target ||= message.source;
    }
    return reply;
  }
  if (Array.isArray(value)) {
    // Each article must be 4 strings, as the music list below must be 3 or 4: a number or null
    // from an untyped (JSON-fed) handler used to pass here and then crash renderReply() with a
    // TypeError outside this function, which escaped the render stage's "not a reply" handling
    // (and lost the session). Found by test/fuzz/http.test.ts.
    // The same holds for Articles (an untyped handler may build one with a number in it), and an
    // Article-shaped plain object passes too: the type `Article` is structural, so it type-checks.
    if (value.every((item) => isArticleLike(item) || isArticleTuple(item))) {
      const articles = (value as (Article | ArticleTuple)[]).map((item) => {
        if (item instanceof Article) return item;
        if (isArticleTuple(item)) {
          const [title, description, img, url] = item;
          return new Article({ title, description, img, url });
        }
        return new Article(item);
      });
      return new ArticlesReply({ message, articles });
    }
    if (
      (value.length === 3 || value.length === 4) &&
      value.every((item) => typeof item === 'string')
    ) {
      const [title, description, url, hqUrl] = value as string[];
      return new MusicReply({ message, title: title ?? '', description, url: url ?? '', hqUrl });
    }
  }
  throw new TypeError(`a handler returned a value that is not a reply: ${describe(value)}`);
}

function isArticleLike(item: unknown): item is Article {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  const { title, description, img, url } = item as Partial<Record<keyof Article, unknown>>;
  return [title, description, img, url].every((part) => typeof part === 'string');
}

function isArticleTuple(item: unknown): item is ArticleTuple {
  return Array.isArray(item) && item.length === 4 && item.every((part) => typeof part === 'string');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? (value?.constructor?.name ?? 'object') : typeof value;
}
