/**
 * What a {@link DedupeStore} knows about a message when a request for it arrives:
 * - `claimed`: nobody had seen it; the caller now owns it and runs the handlers;
 * - `pending`: another request (an earlier try, maybe on another instance) is running it;
 * - `done`: it was answered; `body` is the rendered reply (XML before encryption, or `success`).
 */
export type DedupeClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'pending' }
  | { readonly state: 'done'; readonly body: string };

/**
 * Who delivers a reply that came too late for the request that ran the handlers: `passive`, a
 * WeChat retry that is answered with it; `push`, the customer-service message (or the log line of
 * `lateReply: 'drop'`). Exactly one of them wins.
 */
export type DeliveryChannel = 'passive' | 'push';

/**
 * Where the dedupe stage remembers which messages it has seen, their replies and who delivered a
 * late reply. Keys are opaque strings made by the stage; every entry lives `window` ms.
 *
 * Implementations: {@link MemoryDedupeStore} (one process) and {@link RedisDedupeStore} (several
 * instances behind a load balancer). A method may reject (the store is down); the stage then
 * logs a warning and goes on without dedup for that request.
 *
 * @example
 * ```ts
 * const store: DedupeStore = new MemoryDedupeStore({ max: 10_000 });
 * app.use(pipeline({ token, routes, dedupe: { store } }));
 * ```
 */
export interface DedupeStore {
  /** Marks `key` as being handled by the caller, unless it is already known. */
  claim(key: string, window: number): DedupeClaim | Promise<DedupeClaim>;
  /** Stores the rendered reply of `key` and wakes the requests waiting for it. */
  complete(key: string, body: string, window: number): void | Promise<void>;
  /**
   * Waits for the reply of `key` for at most `timeout` ms. Resolves with it, or `undefined` when
   * the time ran out or the entry went away (released or expired).
   */
  wait(key: string, timeout: number): Promise<string | undefined>;
  /**
   * Decides who delivers a late reply, atomically: the first caller wins; `passive` callers also
   * win when `passive` already won (every retry may get the same passive reply), `push` never
   * wins twice. Resolves `true` when the caller should deliver.
   */
  deliver(key: string, channel: DeliveryChannel, window: number): Promise<boolean>;
  /** Forgets `key` (its run failed before it had a reply), so a retry may run it again. */
  release(key: string): Promise<void>;
}
