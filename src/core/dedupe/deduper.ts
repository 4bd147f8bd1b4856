import { hash } from 'node:crypto';
import { bounded } from '../bounded.js';
import { type Logger, rateLimitedWarning } from '../logger.js';
import type { AnyMessage } from '../messages/types.js';
import type { TurnClock } from '../turn/clock.js';
import { DEFAULT_RETRY_WINDOW } from '../turn/clock.js';
import { MemoryDedupeStore } from './memory.js';
import type { DedupeClaim, DedupeStore } from './store.js';

/** How long a message is remembered: WeChat's three tries fit in 15 s; 30 s leaves room. */
export const DEFAULT_DEDUPE_WINDOW = 30_000;
/** The shortest window accepted: less could forget a message before its last try. */
export const MIN_DEDUPE_WINDOW = 20_000;

/** Settings of a {@link Deduper}. */
export interface DeduperOptions {
  /** Where seen messages are kept. Default: a {@link MemoryDedupeStore}. */
  store?: DedupeStore;
  /** Milliseconds a message is remembered, at least 20 000. Default 30 000. */
  window?: number;
  /** Earliest push of a late reply after arrival, in ms (default 5500). */
  retryWindow?: number;
  /**
   * Bound on each store call, in ms (default 15 000). A slow store is waited for, so a retry
   * never runs the handlers again because the store was slow; past this bound it counts as down.
   */
  storeTimeout?: number;
}

/**
 * The identity of a message for dedup: the account and a digest of the message's XML (decrypted).
 * WeChat's retries resend the identical XML, so the digest names a retry exactly, while distinct
 * events of one user in the same second (two cards taken at once) stay distinct.
 *
 * @example
 * ```ts
 * dedupeKey(message); // 'gh_account:5f0c…' (SHA-1 of message.raw)
 * ```
 */
export function dedupeKey(message: AnyMessage): string {
  return `${message.target}:${hash('sha1', message.raw, 'hex')}`;
}

/** What a request is to do with its message. */
export type DedupeDecision =
  /** The first try: run it, then {@link Deduper.remember} its answer. */
  | { readonly run: true; readonly ticket: Ticket }
  /** A retry: answer with this (the first try's reply, or `success` while it still runs). */
  | { readonly run: false; readonly answer: string };

/** A claimed message: its key and the store that holds it (the shared one, or this process's). */
export interface Ticket {
  readonly key: string;
  readonly store: DedupeStore;
}

const FAILED = Symbol('store failed');
const ignore = (): void => {};

/**
 * Decides, for each try of a WeChat message, whether to run it or answer it with the first
 * try's reply, and who delivers a reply that came too late for its request. Framework-free: the
 * `dedupe()` stage is a thin Koa layer over it.
 *
 * A slow store is waited for (inside the turn's deadline). A store that fails, or stays silent
 * past `storeTimeout`, is replaced for that message by a memory store in this process, so
 * retries reaching this instance are still recognised; warnings at most every 10 s.
 */
export class Deduper {
  readonly #shared: DedupeStore;
  readonly #fallback: MemoryDedupeStore;
  readonly #window: number;
  readonly #retryWindow: number;
  readonly #storeTimeout: number;
  readonly #bounded: boolean;
  readonly #warn = rateLimitedWarning(10_000);

  /** @throws {RangeError} for a window shorter than {@link MIN_DEDUPE_WINDOW}. */
  constructor(options: DeduperOptions = {}) {
    const window = options.window ?? DEFAULT_DEDUPE_WINDOW;
    if (!(window >= MIN_DEDUPE_WINDOW && Number.isFinite(window))) {
      throw new RangeError(
        `dedupe: window must be at least ${MIN_DEDUPE_WINDOW} ms, got ${window}`,
      );
    }
    this.#shared = options.store ?? new MemoryDedupeStore();
    // Stands in for the shared store while it fails.
    this.#fallback =
      this.#shared instanceof MemoryDedupeStore ? this.#shared : new MemoryDedupeStore();
    this.#window = window;
    this.#retryWindow = options.retryWindow ?? DEFAULT_RETRY_WINDOW;
    this.#storeTimeout = options.storeTimeout ?? 15_000;
    // The memory store answers at once and cannot be down: no timer per call for it.
    this.#bounded = !(this.#shared instanceof MemoryDedupeStore);
  }

  /**
   * Marks `key` on arrival. The first try gets a ticket to run it; a retry waits for the first
   * try's reply until its own answer is due (`clock`), then gets it or `success`. Without a
   * promise when the store answers at once (the memory store) and the message is new: that is
   * every message's case, and it costs no turn of the microtask queue then.
   */
  decide(key: string, clock: TurnClock, logger: Logger): DedupeDecision | Promise<DedupeDecision> {
    if (this.#bounded) return this.#decideShared(key, clock, logger);
    const store = this.#shared;
    const claim = store.claim(key, this.#window);
    return claim instanceof Promise
      ? claim.then((known) => this.#decided(key, store, known, clock, logger))
      : this.#decided(key, store, claim, clock, logger);
  }

  /** {@link Deduper.decide} with a shared store: bounded, and this process's memory if it fails. */
  async #decideShared(key: string, clock: TurnClock, logger: Logger): Promise<DedupeDecision> {
    const mark = (s: DedupeStore) => s.claim(key, this.#window);
    const claim = await this.#call('mark a message', this.#shared, mark, logger);
    if (claim !== FAILED) return this.#decided(key, this.#shared, claim, clock, logger);
    const fallback = this.#fallback;
    return this.#decided(key, fallback, fallback.claim(key, this.#window), clock, logger);
  }

  /** What a claim means: the first try's ticket, or, for a retry, what to answer it with. */
  #decided(
    key: string,
    store: DedupeStore,
    claim: DedupeClaim,
    clock: TurnClock,
    logger: Logger,
  ): DedupeDecision | Promise<DedupeDecision> {
    if (claim.state === 'claimed') return { run: true, ticket: { key, store } };
    return this.#answerRetry(key, store, claim, clock, logger);
  }

  /** A retry's answer: the first try's reply (waited for while it runs), or `success`. */
  async #answerRetry(
    key: string,
    store: DedupeStore,
    claim: Exclude<DedupeClaim, { state: 'claimed' }>,
    clock: TurnClock,
    logger: Logger,
  ): Promise<DedupeDecision> {
    let body: string | undefined | typeof FAILED;
    if (claim.state === 'done') body = claim.body;
    else {
      const budget = clock.remaining();
      body = await this.#call('wait for a reply', store, (s) => s.wait(key, budget), logger);
      if (body === undefined || body === FAILED) {
        logger.info(
          'zgrobot: a retry came while the first try still runs; answered success, the next retry waits again',
        );
      }
    }
    if (typeof body !== 'string') return { run: false, answer: 'success' };
    if (body !== 'success') {
      const passive = (s: DedupeStore) => s.deliver(key, 'passive', this.#window);
      // Already sent as a customer-service message: the retry shows nothing twice.
      if ((await this.#call('settle a reply', store, passive, logger)) === false) {
        return { run: false, answer: 'success' };
      }
    }
    return { run: false, answer: body };
  }

  /**
   * Keeps the first try's answer for its retries; without a promise when the ticket's store
   * answers at once (the memory store, or the one standing in for a failed shared store).
   */
  remember(ticket: Ticket, answer: string, logger: Logger): void | Promise<void> {
    const { store } = ticket;
    if (store !== this.#shared || !this.#bounded) {
      return store.complete(ticket.key, answer, this.#window);
    }
    const complete = (s: DedupeStore) => s.complete(ticket.key, answer, this.#window);
    return this.#call('store a reply', store, complete, logger).then(ignore);
  }

  /** Forgets a message whose run failed, so a retry may run it again. */
  forget(ticket: Ticket, logger: Logger): void {
    void this.#call('forget a message', ticket.store, (s) => s.release(ticket.key), logger);
  }

  /**
   * Whether a reply that came too late for its request is still to be pushed: once no retry can
   * come for it (the retry window, unless the handler deferred), the store decides atomically
   * between a retry that took it and the push. A store that is down cannot tell: push.
   */
  async mayPush(ticket: Ticket, clock: TurnClock, logger: Logger): Promise<boolean> {
    await clock.retriesOver(this.#retryWindow);
    const push = (s: DedupeStore) => s.deliver(ticket.key, 'push', this.#window);
    return (await this.#call('settle a late reply', ticket.store, push, logger)) !== false;
  }

  /** Calls the store, bounded by `storeTimeout` when it is a shared one; a failure is logged. */
  async #call<T>(
    what: string,
    store: DedupeStore,
    step: (store: DedupeStore) => T | Promise<T>,
    logger: Logger,
  ): Promise<T | typeof FAILED> {
    if (store !== this.#shared || !this.#bounded) return step(store);
    try {
      return await bounded(Promise.resolve(step(store)), this.#storeTimeout);
    } catch (error) {
      this.#warn(
        logger,
        { step: what, err: error },
        "zgrobot: dedupe store failed, going on with this process's memory",
      );
      return FAILED;
    }
  }
}
