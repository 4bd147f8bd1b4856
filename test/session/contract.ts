import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionData, SessionStorage } from '../../src/core/session/storage.js';

/** The session every backend must round-trip unchanged: CJK, emoji, nesting. */
export const SAMPLE: SessionData = {
  名字: '小明',
  emoji: '😀',
  nested: { a: [1, { b: '中文' }] },
};

/**
 * Register the cases every {@link SessionStorage} must pass. `makeStorage` runs once for the
 * group; ids are unique per run, so backends sharing a server or a table with other test files
 * never see each other's rows.
 */
export function describeStorageContract(
  name: string,
  makeStorage: () => SessionStorage | Promise<SessionStorage>,
  cleanup?: (storage: SessionStorage) => void | Promise<void>,
): void {
  describe(`${name} (storage contract)`, () => {
    let storage: SessionStorage;
    const run = randomUUID().slice(0, 8);
    const id = (label: string) => `o6_${run}_${label}`;

    beforeAll(async () => {
      storage = await makeStorage();
    });
    afterAll(async () => {
      if (storage) await cleanup?.(storage);
    });

    it('resolves a missing id to an empty object', async () => {
      await expect(storage.get(id('missing'))).resolves.toEqual({});
    });

    it('round-trips CJK, emoji and nested data', async () => {
      await storage.set(id('cjk'), SAMPLE);
      await expect(storage.get(id('cjk'))).resolves.toEqual(SAMPLE);
    });

    it('round-trips awkward strings and numbers', async () => {
      const value = {
        nul: 'a\u0000b',
        control: '\u0001\u001f\u007f',
        cdata: ']]><![CDATA[',
        quotes: `'"\\\``,
        lone: '\ud800',
        astral: '𠮷👨‍👩‍👧',
        big: Number.MAX_SAFE_INTEGER,
        float: 0.1 + 0.2,
        negative: -0.5,
        bool: false,
        nothing: null,
        empty: {},
        list: [],
        '$dollar.dotted key': '中',
      };
      await storage.set(id('awkward'), value);
      await expect(storage.get(id('awkward'))).resolves.toEqual(value);
    });

    it('overwrites a session', async () => {
      await storage.set(id('over'), { count: 1, old: true });
      await storage.set(id('over'), { count: 2 });
      await expect(storage.get(id('over'))).resolves.toEqual({ count: 2 });
    });

    it('deletes a session', async () => {
      await storage.set(id('del'), { x: 1 });
      await storage.delete(id('del'));
      await expect(storage.get(id('del'))).resolves.toEqual({});
    });

    it('deletes a missing id without error', async () => {
      await expect(storage.delete(id('never-set'))).resolves.toBeUndefined();
    });

    it('keeps 50 concurrent writers of different users apart', async () => {
      const ids = Array.from({ length: 50 }, (_, i) => id(`user${i}`));
      await Promise.all(ids.map((u, i) => storage.set(u, { i, who: u, 名: `用户${i}` })));
      const back = await Promise.all(ids.map((u) => storage.get(u)));
      expect(back).toEqual(ids.map((u, i) => ({ i, who: u, 名: `用户${i}` })));
    });

    it('is not changed by mutating an object after set or after get', async () => {
      const value = { list: [1, 2], nested: { n: 1 } };
      await storage.set(id('iso'), value);
      value.list.push(3);
      value.nested.n = 99;
      const got = await storage.get(id('iso'));
      expect(got).toEqual({ list: [1, 2], nested: { n: 1 } });
      (got.list as number[]).push(4);
      await expect(storage.get(id('iso'))).resolves.toEqual({ list: [1, 2], nested: { n: 1 } });
    });

    it('accepts OpenID-like, long and odd ids, case-sensitively', async () => {
      const openid = `o6_bmjrPTlm6_2sgVt7hMZOPfL2M_${run}`;
      const long = `${run}${'x'.repeat(56)}`;
      const odd = `gh_abc:${run}:用户/😀 'quote" %_*?`;
      expect(long).toHaveLength(64);
      await storage.set(openid, { who: 'openid' });
      await storage.set(openid.toLowerCase(), { who: 'lower' });
      await storage.set(long, { who: 'long' });
      await storage.set(odd, { who: 'odd' });
      await expect(storage.get(openid)).resolves.toEqual({ who: 'openid' });
      await expect(storage.get(openid.toLowerCase())).resolves.toEqual({ who: 'lower' });
      await expect(storage.get(long)).resolves.toEqual({ who: 'long' });
      await expect(storage.get(odd)).resolves.toEqual({ who: 'odd' });
      await Promise.all([openid, openid.toLowerCase(), long, odd].map((k) => storage.delete(k)));
      await expect(storage.get(openid)).resolves.toEqual({});
    });

    it('rejects (does not throw synchronously) a value that cannot be serialised', async () => {
      const cyclic: SessionData = {};
      cyclic.self = cyclic;
      let promise: Promise<void> | undefined;
      expect(() => {
        promise = storage.set(id('cyclic'), cyclic);
      }).not.toThrow();
      await expect(promise).rejects.toThrow();
      await expect(storage.get(id('cyclic'))).resolves.toEqual({});
    });
  });
}
