import { afterEach, describe, expect, it, vi } from 'vitest';
import { bounded } from '../../src/core/bounded.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('bounded()', () => {
  it('settles as the work does, and clears its timer then', async () => {
    vi.useFakeTimers();
    const value = bounded(Promise.resolve('v'), 1000);
    expect(vi.getTimerCount()).toBe(1);
    await expect(value).resolves.toBe('v');
    expect(vi.getTimerCount()).toBe(0);
    const failed = bounded(Promise.reject(new Error('store down')), 1000);
    await expect(failed).rejects.toThrow('store down');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects once the time is up, with its own error or the default one', async () => {
    vi.useFakeTimers();
    const never = new Promise<string>(() => {});
    const plain = bounded(never, 50);
    const own = bounded(never, 80, () => new Error('too slow'));
    vi.advanceTimersByTime(50);
    await expect(plain).rejects.toThrow('no answer within 50 ms');
    vi.advanceTimersByTime(30);
    await expect(own).rejects.toThrow('too slow');
  });

  it('leaves the work alone for 0 or Infinity, and a late rejection unhandled nowhere', async () => {
    const work = Promise.resolve(1);
    expect(bounded(work, 0)).toBe(work);
    expect(bounded(work, Number.POSITIVE_INFINITY)).toBe(work);
    let fail: (error: Error) => void = () => {};
    const late = new Promise<number>((_, reject) => {
      fail = reject;
    });
    await expect(bounded(late, 10)).rejects.toThrow('no answer within 10 ms');
    // vitest fails the run on an unhandled rejection: this one is the bound's to handle.
    fail(new Error('after the bound'));
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
