/**
 * An in-memory stand-in for the official driver's `Collection`, implementing only the three
 * methods `MongoDBStorage` calls, with only the filter and update shapes it uses.
 *
 * Why a stand-in: no MongoDB server can run on this machine or in CI, so `MongoDBStorage` cannot
 * be tested against the real thing. To keep the stand-in honest it is deliberately narrow: any
 * filter other than `{ _id: <string> }`, any update other than `$set`, or any option other than
 * `upsert` throws, so if `MongoDBStorage` starts relying on more of the driver, its tests fail
 * instead of passing against behaviour nobody checked. Within that subset it follows the
 * driver's documented semantics:
 * - `findOne` resolves to a fresh copy of the matching document, or `null`;
 * - `updateOne` with `$set` sets the fields on the matching document; with `upsert: true` and no
 *   match it inserts the filter's equality fields plus the `$set` fields; an update document
 *   without `$` operators is refused (the driver's "Update document requires atomic operators");
 *   it resolves to an `UpdateResult` (`acknowledged`, `matchedCount`, `modifiedCount`,
 *   `upsertedCount`, `upsertedId`);
 * - `deleteOne` removes at most one document and resolves to `{ acknowledged, deletedCount }`;
 * - every call answers asynchronously (on a later macrotask, like a network round trip) and
 *   works on copies, so callers never share objects with the "server".
 */

type Doc = { _id: string } & Record<string, unknown>;

export interface UpdateResult {
  acknowledged: boolean;
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  upsertedId: string | null;
}

export interface DeleteResult {
  acknowledged: boolean;
  deletedCount: number;
}

export class FakeMongoCollection {
  /** The stored documents by `_id`; exposed so tests can inspect or plant documents. */
  readonly documents = new Map<string, Doc>();
  /** Every call, as `method` names, in order. */
  readonly calls: string[] = [];
  #failures: Error[] = [];

  /** Make the next calls reject with these errors, one per call (a server error, a timeout…). */
  failNext(...errors: Error[]): void {
    this.#failures.push(...errors);
  }

  async findOne(filter: { _id: string }): Promise<Doc | null> {
    await this.#roundTrip('findOne');
    const id = idOf(filter);
    const doc = this.documents.get(id);
    return doc === undefined ? null : structuredClone(doc);
  }

  async updateOne(
    filter: { _id: string },
    update: { $set: Record<string, unknown> },
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult> {
    await this.#roundTrip('updateOne');
    const id = idOf(filter);
    const set = setOf(update);
    for (const key of Object.keys(options)) {
      if (key !== 'upsert') throw new Error(`FakeMongoCollection: option ${key} not supported`);
    }
    const existing = this.documents.get(id);
    if (existing) {
      const changed = Object.entries(set).some(([k, v]) => !sameValue(existing[k], v));
      Object.assign(existing, structuredClone(set));
      return {
        acknowledged: true,
        matchedCount: 1,
        modifiedCount: changed ? 1 : 0,
        upsertedCount: 0,
        upsertedId: null,
      };
    }
    if (!options.upsert) {
      return {
        acknowledged: true,
        matchedCount: 0,
        modifiedCount: 0,
        upsertedCount: 0,
        upsertedId: null,
      };
    }
    this.documents.set(id, { ...structuredClone(set), _id: id });
    return {
      acknowledged: true,
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 1,
      upsertedId: id,
    };
  }

  async deleteOne(filter: { _id: string }): Promise<DeleteResult> {
    await this.#roundTrip('deleteOne');
    return { acknowledged: true, deletedCount: this.documents.delete(idOf(filter)) ? 1 : 0 };
  }

  async #roundTrip(method: string): Promise<void> {
    this.calls.push(method);
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.#failures.shift();
    if (failure) throw failure;
  }
}

function idOf(filter: unknown): string {
  if (
    filter === null ||
    typeof filter !== 'object' ||
    Object.keys(filter).length !== 1 ||
    typeof (filter as { _id?: unknown })._id !== 'string'
  ) {
    throw new Error(
      `FakeMongoCollection: only { _id: <string> } filters are supported, got ${JSON.stringify(filter)}`,
    );
  }
  return (filter as { _id: string })._id;
}

function setOf(update: unknown): Record<string, unknown> {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) {
    throw new Error('FakeMongoCollection: update must be a document');
  }
  const keys = Object.keys(update);
  if (keys.length === 0 || keys.some((k) => !k.startsWith('$'))) {
    // What the real driver says before sending anything.
    throw new Error('Update document requires atomic operators');
  }
  if (keys.length !== 1 || keys[0] !== '$set') {
    throw new Error(`FakeMongoCollection: only $set is supported, got ${keys.join(', ')}`);
  }
  const set = (update as { $set: unknown }).$set;
  if (set === null || typeof set !== 'object' || Array.isArray(set)) {
    throw new Error('FakeMongoCollection: $set must be a document');
  }
  for (const key of Object.keys(set)) {
    if (key === '_id' || key.startsWith('$') || key.includes('.')) {
      throw new Error(`FakeMongoCollection: $set of ${key} not supported`);
    }
  }
  return set as Record<string, unknown>;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
