import { createHash } from 'node:crypto';

/** The two script commands of a Redis client; `evalsha` is optional (see {@link RedisScript}). */
export interface RedisScriptClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha?(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * A Lua script sent by its SHA-1 (`EVALSHA`), not its text, on every call: a few dozen bytes
 * instead of a few hundred, and no script compile on the server. When the server does not know it
 * (a restart, `SCRIPT FLUSH`, a new Cluster node) it answers NOSCRIPT, and the call is sent again
 * as `EVAL`, which also caches the script there for the next calls. A client without `evalsha`
 * always gets `EVAL`.
 */
export class RedisScript {
  readonly sha1: string;

  constructor(readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: RedisScriptClient,
    numKeys: number,
    ...args: (string | number)[]
  ): Promise<unknown> {
    if (typeof client.evalsha !== 'function') return client.eval(this.source, numKeys, ...args);
    try {
      return await client.evalsha(this.sha1, numKeys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(this.source, numKeys, ...args);
    }
  }
}

function isNoScript(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.startsWith('NOSCRIPT');
}
