import { describe, expect, it } from 'vitest';
import { LateWork } from '../../src/core/turn/late-work.js';

const later = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('LateWork', () => {
  it('settle() waits for every tracked turn and resolves with nothing left', async () => {
    const late = new LateWork();
    late.track(later(50, 'a'), 'first');
    late.track(later(100, 'b'), 'second');
    expect(late.size).toBe(2);
    const started = Date.now();
    expect(await late.settle(5000)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(late.size).toBe(0);
  });

  it('a rejected turn counts as over, and is not an unhandled rejection', async () => {
    const late = new LateWork();
    late.track(Promise.reject(new Error('boom')), 'failing');
    expect(await late.settle(1000)).toEqual([]);
  });

  it('past the timeout, settle() names what is still running', async () => {
    const late = new LateWork();
    late.track(later(20, 'quick'), 'quick one');
    late.track(later(2000, 'slow'), 'slow one');
    const started = Date.now();
    expect(await late.settle(200)).toEqual(['slow one']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('turns tracked while settling are waited for too', async () => {
    const late = new LateWork();
    late.track(
      later(30, null).then(() => late.track(later(60, null), 'follow-up')),
      'first',
    );
    expect(await late.settle(2000)).toEqual([]);
    expect(late.size).toBe(0);
  });
});
