/**
 * Makes the page shown to a request that fails the signature or timestamp check, from the
 * request's URL. The URL comes **already HTML-escaped** (`&`, `<`, `>`, `"`, `'`), so it can go
 * into the page as it is; do not escape it again.
 *
 * @example
 * ```ts
 * const page: ErrorPage = (url) => `<h1>喵喵喵 ${url} 不是给麻瓜访问的快走开</h1>`;
 * ```
 */
export type ErrorPage = (url: string) => string;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML, so a crafted URL cannot inject markup into the error page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * The built-in error page (WeRoBot's): tells a browser visitor this URL is for WeChat only.
 * `url` is escaped already (see {@link ErrorPage}), so it goes in as it is.
 */
export const defaultErrorPage: ErrorPage = (url) =>
  '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>Error 403: Forbidden</title></head>' +
  '<body><h1>Error 403: Forbidden</h1>' +
  `<p>这是一个微信公众号的服务器地址，只接受来自微信服务器的请求。</p><p><code>${url}</code></p>` +
  '<p>This is the address of a WeChat Official Account server; it only answers WeChat.</p></body></html>';
