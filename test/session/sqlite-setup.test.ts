import { describe, expect, it } from 'vitest';
import { whileBusy } from '../../src/core/session/sqlite-busy.js';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe("SQLiteStorage's set-up while another process sets up the same file", () => {
  it('tries again while SQLite answers SQLITE_BUSY at once (as switching to WAL can)', () => {
    let tries = 0;
    whileBusy(1000, () => {
      tries++;
      if (tries < 3) throw busy();
    });
    expect(tries).toBe(3);
  });

  it('throws any other error at once', () => {
    let tries = 0;
    expect(() =>
      whileBusy(1000, () => {
        tries++;
        throw Object.assign(new Error('no such table'), { code: 'SQLITE_ERROR' });
      }),
    ).toThrow('no such table');
    expect(tries).toBe(1);
  });

  it('gives up after its patience, with the last busy error', () => {
    const started = Date.now();
    expect(() =>
      whileBusy(60, () => {
        throw busy();
      }),
    ).toThrow('database is locked');
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });
});
