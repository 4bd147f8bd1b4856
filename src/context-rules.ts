// How Koa's context reads a query and names a content type, for the contexts that answer as it
// does without it: `NodeContext` (src/node-context.ts) and `FetchContext` (src/fetch.ts).

/** A query as the stages read it: a repeated parameter is an array. */
export type Query = Record<string, string | string[] | undefined>;

/** Koa's short names for `ctx.type` (mime-types' `contentType`), for those a bot may use. */
const SHORT_TYPES: Record<string, string> = {
  text: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  xml: 'application/xml',
  json: 'application/json; charset=utf-8',
  bin: 'application/octet-stream',
};

/** The content types made so far, by what was set (a few: the ones the stages and handlers use). */
const contentTypes = new Map<string, string | undefined>();

/** A content type as Koa's `ctx.type = value` writes it: a charset added where mime-db has one. */
export function contentTypeOf(value: string): string | undefined {
  const known = contentTypes.get(value);
  if (known !== undefined || contentTypes.has(value)) return known;
  const type = makeContentType(value);
  if (contentTypes.size < 64) contentTypes.set(value, type);
  return type;
}

function makeContentType(value: string): string | undefined {
  if (!value.includes('/')) return SHORT_TYPES[value.replace(/^\./, '').toLowerCase()];
  if (/;\s*charset=/i.test(value)) return value;
  const mime = value.split(';', 1)[0]!.trim().toLowerCase();
  if (mime.startsWith('text/') || mime === 'application/json' || mime === 'application/javascript')
    return `${value}; charset=utf-8`;
  return value;
}

/** What `URLSearchParams` would decode or strip: escapes, `+`, a leading `?`. */
const ENCODED_QUERY = /[%+]|^\?/;

/**
 * A query string as Koa reads it (URLSearchParams' parsing): a repeated parameter is an array,
 * a parameter without `=` is `''`, `__proto__` a plain key. WeChat's queries have nothing to
 * decode, so they are split here; one that has is left to URLSearchParams.
 */
export function parseQuery(search: string): Query {
  const query: Query = {};
  if (search === '') return query;
  if (ENCODED_QUERY.test(search)) {
    for (const [name, value] of new URLSearchParams(search)) addParam(query, name, value);
    return query;
  }
  for (let start = 0; start <= search.length; ) {
    let end = search.indexOf('&', start);
    if (end < 0) end = search.length;
    if (end > start) {
      const eq = search.indexOf('=', start);
      if (eq >= 0 && eq < end) addParam(query, search.slice(start, eq), search.slice(eq + 1, end));
      else addParam(query, search.slice(start, end), '');
    }
    start = end + 1;
  }
  return query;
}

function addParam(query: Query, name: string, value: string): void {
  if (!Object.hasOwn(query, name)) {
    if (name === '__proto__') {
      Object.defineProperty(query, name, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      query[name] = value;
    }
    return;
  }
  const seen = query[name];
  if (Array.isArray(seen)) seen.push(value);
  else query[name] = [seen as string, value];
}
