import type { Collection, Document } from 'mongodb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type MongoCollectionLike,
  MongoDBStorage,
  type MongoSessionDocument,
} from '../../src/core/session/mongodb.js';
import { FakeMongoCollection } from '../support/fake-mongo-collection.js';
import { describeStorageContract, SAMPLE } from './contract.js';

// No MongoDB server can run here: these tests use FakeMongoCollection, a narrow stand-in for the
// driver's Collection (see its header for what it covers and why). What they prove is that
// MongoDBStorage issues the right three calls with the right shapes; the type checks below prove
// a real driver Collection is accepted.

describeStorageContract(
  'MongoDBStorage (stand-in Collection)',
  () => new MongoDBStorage(new FakeMongoCollection()),
);

describe('MongoDBStorage', () => {
  it('takes an official driver Collection as is (checked by tsc)', () => {
    expectTypeOf<Collection>().toExtend<MongoCollectionLike>();
    expectTypeOf<Collection<Document>>().toExtend<MongoCollectionLike>();
    expectTypeOf<Collection<MongoSessionDocument>>().toExtend<MongoCollectionLike>();
    expectTypeOf<FakeMongoCollection>().toExtend<MongoCollectionLike>();
  });

  it('stores { _id: id, value: <JSON text> } and upserts one document per id', async () => {
    const collection = new FakeMongoCollection();
    const storage = new MongoDBStorage(collection);
    await Promise.all([storage.set('o6_u', { a: 1 }), storage.set('o6_u', SAMPLE)]);
    expect([...collection.documents.values()]).toEqual([
      { _id: 'o6_u', value: JSON.stringify(SAMPLE) },
    ]);
    expect(collection.calls).toEqual(['updateOne', 'updateOne']);
  });

  it('keeps other fields a document already had', async () => {
    const collection = new FakeMongoCollection();
    collection.documents.set('o6_u', { _id: 'o6_u', value: '{"a":1}', note: 'ops' });
    await new MongoDBStorage(collection).set('o6_u', { a: 2 });
    expect(collection.documents.get('o6_u')).toEqual({
      _id: 'o6_u',
      value: '{"a":2}',
      note: 'ops',
    });
  });

  it('rejects a document it did not write rather than returning garbage', async () => {
    const collection = new FakeMongoCollection();
    collection.documents.set('o6_old', { _id: 'o6_old', session: { a: 1 } });
    await expect(new MongoDBStorage(collection).get('o6_old')).rejects.toThrow(/no string `value`/);
  });

  it('passes driver errors through as rejections', async () => {
    const collection = new FakeMongoCollection();
    const storage = new MongoDBStorage(collection);
    collection.failNext(
      new Error('connection 1 to 127.0.0.1:27017 closed'),
      new Error('Server selection timed out after 30000 ms'),
      new Error('not primary'),
    );
    await expect(storage.get('u')).rejects.toThrow(/closed/);
    await expect(storage.set('u', {})).rejects.toThrow(/timed out/);
    await expect(storage.delete('u')).rejects.toThrow(/not primary/);
    await expect(storage.get('u')).resolves.toEqual({}); // and works again afterwards
  });
});

describe('FakeMongoCollection (the stand-in itself)', () => {
  it('refuses what it does not implement, so the stand-in cannot silently widen', async () => {
    const c = new FakeMongoCollection();
    await expect(c.findOne({ wechat_id: 'x' } as unknown as { _id: string })).rejects.toThrow(
      /only \{ _id/,
    );
    await expect(
      c.updateOne({ _id: 'x' }, { value: 'v' } as unknown as { $set: Record<string, unknown> }),
    ).rejects.toThrow('Update document requires atomic operators');
    await expect(
      c.updateOne({ _id: 'x' }, { $inc: { n: 1 } } as unknown as { $set: Record<string, unknown> }),
    ).rejects.toThrow(/only \$set/);
  });

  it('reports matched, modified and upserted counts as the driver does', async () => {
    const c = new FakeMongoCollection();
    await expect(c.updateOne({ _id: 'x' }, { $set: { v: 1 } })).resolves.toMatchObject({
      matchedCount: 0,
      upsertedCount: 0,
    });
    await expect(
      c.updateOne({ _id: 'x' }, { $set: { v: 1 } }, { upsert: true }),
    ).resolves.toMatchObject({
      upsertedCount: 1,
      upsertedId: 'x',
    });
    await expect(
      c.updateOne({ _id: 'x' }, { $set: { v: 1 } }, { upsert: true }),
    ).resolves.toMatchObject({
      matchedCount: 1,
      modifiedCount: 0,
    });
    await expect(c.deleteOne({ _id: 'x' })).resolves.toEqual({
      acknowledged: true,
      deletedCount: 1,
    });
    await expect(c.deleteOne({ _id: 'x' })).resolves.toEqual({
      acknowledged: true,
      deletedCount: 0,
    });
    await expect(c.findOne({ _id: 'x' })).resolves.toBeNull();
  });
});
