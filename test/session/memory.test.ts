import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/core/session/memory.js';
import { describeStorageContract } from './contract.js';

describeStorageContract('MemoryStorage', () => new MemoryStorage());

describe('MemoryStorage', () => {
  it('keeps instances apart and can be cleared', async () => {
    const a = new MemoryStorage();
    const b = new MemoryStorage();
    await a.set('u', { n: 1 });
    await expect(b.get('u')).resolves.toEqual({});
    expect(a.size).toBe(1);
    a.clear();
    await expect(a.get('u')).resolves.toEqual({});
  });

  it('stores JSON semantics, like every other backend', async () => {
    const s = new MemoryStorage();
    await s.set('u', { when: new Date(0), gone: undefined });
    await expect(s.get('u')).resolves.toEqual({ when: '1970-01-01T00:00:00.000Z' });
  });
});
