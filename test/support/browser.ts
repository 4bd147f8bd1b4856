/**
 * A minimal browser for redirect flows: real HTTP through `fetch` with `redirect: 'manual'`,
 * following `Location` by hand (relative ones resolved, the `#fragment` never sent) and keeping
 * cookies per host name as a browser does (ports do not separate cookies). Each hop is recorded.
 * Cookie expiry is not enforced, on purpose: the server must not trust a cookie's age to the
 * browser.
 *
 * @example
 * ```ts
 * const browser = new Browser();
 * const page = await browser.open('http://127.0.0.1:8080/page');
 * expect(browser.hops.map((h) => h.status)).toEqual([302, 302, 302, 200]);
 * ```
 */

/** One request the browser made. */
export interface Hop {
  method: string;
  url: string;
  status: number;
  /** The `Location` answered, resolved against `url`. */
  location: string | undefined;
  /** The `Set-Cookie` headers answered. */
  setCookies: string[];
}

/** The last answer of {@link Browser.open}. */
export interface Page {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export class Browser {
  /** Cookies by host name, then by cookie name. */
  readonly cookies = new Map<string, Map<string, string>>();
  /** Every request made, in order. */
  readonly hops: Hop[] = [];

  /** Request `url` and follow redirects (at most `maxHops`); the final answer. */
  async open(
    url: string,
    init: { method?: string; maxHops?: number; follow?: boolean } = {},
  ): Promise<Page> {
    let current = new URL(url);
    let method = init.method ?? 'GET';
    for (let hop = 0; hop < (init.maxHops ?? 10); hop++) {
      const res = await this.#send(current, method);
      const location = res.headers.get('location');
      const resolved = location === null ? undefined : new URL(location, current).href;
      this.hops.push({
        method,
        url: current.href,
        status: res.status,
        location: resolved,
        setCookies: res.headers.getSetCookie(),
      });
      if (resolved === undefined || init.follow === false || res.status < 300 || res.status > 399) {
        return {
          url: current.href,
          status: res.status,
          headers: res.headers,
          text: await res.text(),
        };
      }
      await res.body?.cancel();
      current = new URL(resolved);
      method = 'GET';
    }
    throw new Error(`more than ${init.maxHops ?? 10} redirects from ${url}`);
  }

  /** The cookie `name` kept for `host`, if any. */
  cookie(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }

  /** Set (or with `undefined`, drop) a cookie by hand. */
  setCookie(host: string, name: string, value: string | undefined): void {
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    if (value === undefined) jar.delete(name);
    else jar.set(name, value);
    this.cookies.set(host, jar);
  }

  async #send(url: URL, method: string): Promise<Response> {
    const jar = this.cookies.get(url.hostname);
    const headers: Record<string, string> = {};
    if (jar && jar.size > 0) {
      headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const target = new URL(url);
    target.hash = '';
    const res = await fetch(target, { method, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const deleted = value === '' || /;\s*max-age=0/i.test(line);
      this.setCookie(url.hostname, name, deleted ? undefined : value);
    }
    return res;
  }
}
