import { WechatError } from '../errors.js';
import { decodeSession, encodeSession } from './codec.js';
import type { SessionData, SessionStorage } from './storage.js';

/** The document {@link MongoDBStorage} stores: the session id as `_id`, the session as JSON text. */
export interface MongoSessionDocument {
  _id: string;
  value: string;
}

/**
 * The three `Collection` methods {@link MongoDBStorage} calls. A `Collection` of the official
 * `mongodb` driver fits as is, typed or not.
 *
 * It only ever passes `{ _id: <id> }` as the filter, `{ $set: { value: <JSON text> } }` as the
 * update and `{ upsert: true }` as the options. The filter is typed loosely on purpose: an
 * untyped driver `Collection<Document>` types `_id` as `ObjectId`, and would not fit a
 * `{ _id: string }` parameter although the server takes any `_id`.
 */
export interface MongoCollectionLike {
  findOne(filter: Record<string, unknown>): Promise<object | null>;
  updateOne(
    filter: Record<string, unknown>,
    update: { $set: { value: string } },
    options: { upsert: true },
  ): Promise<unknown>;
  deleteOne(filter: Record<string, unknown>): Promise<unknown>;
}

/**
 * Keeps sessions in a MongoDB collection, one document `{ _id: <id>, value: <JSON text> }` each.
 *
 * `_id` makes the id unique without an index of our own, so concurrent first writes of one user
 * cannot create two documents. The session is stored as JSON text, not as a sub-document, so any
 * key a handler uses (`$`-prefixed, dotted) and any value round-trips exactly as on the other
 * backends. Takes your collection and never closes its client; the driver is not a dependency of
 * zgrobot. Driver errors reject the returned promise.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { MongoDBStorage, ZgRoBot } from 'zgrobot';
 *
 * const client = new MongoClient('mongodb://127.0.0.1:27017');
 * const collection = client.db('wechat').collection('session');
 * const robot = new ZgRoBot({ token: 'token', sessionStorage: new MongoDBStorage(collection) });
 * ```
 */
export class MongoDBStorage implements SessionStorage {
  readonly #collection: MongoCollectionLike;

  constructor(collection: MongoCollectionLike) {
    this.#collection = collection;
  }

  async get(id: string): Promise<SessionData> {
    const document = await this.#collection.findOne({ _id: id });
    if (document === null || document === undefined) return {};
    const { value } = document as { value?: unknown };
    if (typeof value !== 'string') {
      throw new WechatError('MongoDBStorage: document has no string `value` field');
    }
    return decodeSession(value, 'MongoDBStorage');
  }

  async set(id: string, value: SessionData): Promise<void> {
    await this.#collection.updateOne(
      { _id: id },
      { $set: { value: encodeSession(value) } },
      { upsert: true },
    );
  }

  async delete(id: string): Promise<void> {
    await this.#collection.deleteOne({ _id: id });
  }
}
