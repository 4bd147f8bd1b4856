import { describe, expect, it } from 'vitest';
import { generateToken } from '../../src/core/crypto/index.js';

describe('generateToken', () => {
  it('defaults to 32 characters', () => {
    expect(generateToken()).toHaveLength(32);
  });

  it('honours every allowed length, 3 to 32', () => {
    for (let length = 3; length <= 32; length++) {
      expect(generateToken(length)).toHaveLength(length);
    }
  });

  it('uses only letters and digits', () => {
    for (let i = 0; i < 200; i++) expect(generateToken()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('draws from the whole alphabet', () => {
    // 2,000 × 32 = 64,000 draws over 62 characters: each appears ~1,032 times; missing one by
    // chance has probability below 1e-400.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) for (const c of generateToken()) seen.add(c);
    expect(seen.size).toBe(62);
  });

  it('is roughly uniform (no character far above or below its share)', () => {
    const counts = new Map<string, number>();
    const draws = 2000 * 32;
    for (let i = 0; i < 2000; i++) {
      for (const c of generateToken()) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const expected = draws / 62; // ≈ 1032, σ ≈ 32: ±25% is more than 8σ
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.75);
      expect(count).toBeLessThan(expected * 1.25);
    }
  });

  it('gives distinct values', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken(16)));
    expect(tokens.size).toBe(1000);
  });

  it.each([
    ['2', 2],
    ['33', 33],
    ['0', 0],
    ['-1', -1],
    ['3.5', 3.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '16' as unknown as number],
  ])('throws RangeError for length %s', (_label, length) => {
    expect(() => generateToken(length)).toThrow(RangeError);
  });
});
