import { describe, expect, it } from 'vitest';
import { PendingTurns } from '../../src/core/turn/pending-turns.js';

const later = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('PendingTurns', () => {
  it('settle() waits for every tracked turn and resolves with nothing left', async () => {
    const turns = new PendingTurns();
    turns.track(later(50, 'a'), 'first');
    turns.track(later(100, 'b'), 'second');
    expect(turns.size).toBe(2);
    const started = Date.now();
    expect(await turns.settle(5000)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(turns.size).toBe(0);
  });

  it('a rejected turn counts as over, and is not an unhandled rejection', async () => {
    const turns = new PendingTurns();
    turns.track(Promise.reject(new Error('boom')), 'failing');
    expect(await turns.settle(1000)).toEqual([]);
  });

  it('past the timeout, settle() names what is still running', async () => {
    const turns = new PendingTurns();
    turns.track(later(20, 'quick'), 'quick one');
    turns.track(later(2000, 'slow'), 'slow one');
    const started = Date.now();
    expect(await turns.settle(200)).toEqual(['slow one']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('turns tracked while settling are waited for too', async () => {
    const turns = new PendingTurns();
    turns.track(
      later(30, null).then(() => turns.track(later(60, null), 'follow-up')),
      'first',
    );
    expect(await turns.settle(2000)).toEqual([]);
    expect(turns.size).toBe(0);
  });
});
