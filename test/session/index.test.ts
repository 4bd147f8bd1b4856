import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as session from '../../src/core/session/index.js';

describe('zgrobot/session', () => {
  it('exports every storage', () => {
    const exported = [
      session.MemoryStorage,
      session.SQLiteStorage,
      session.FileStorage,
      session.RedisStorage,
      session.MySQLStorage,
      session.PostgreSQLStorage,
      session.MongoDBStorage,
    ];
    for (const storage of exported) expect(typeof storage).toBe('function');
  });

  it('loads without any optional driver (ioredis, mysql2, pg, mongodb)', async () => {
    // A resolve hook that fails the import of any driver: a user of SQLite installs none of them.
    const hooks = `export async function resolve(specifier, context, next) {
      if (/^(ioredis|mysql2|pg|mongodb)(\\/|$)/.test(specifier)) throw new Error('driver imported: ' + specifier);
      return next(specifier, context);
    }`;
    const register = `import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
    const entry = pathToFileURL(join(process.cwd(), 'src/core/session/index.ts')).href;
    const probe = `
      try { await import('ioredis'); console.log('hook inactive'); } catch { console.log('hook active'); }
      const m = await import(${JSON.stringify(entry)});
      console.log(Object.keys(m).sort().join(','));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        probe,
      ],
      { timeout: 15_000 },
    );
    expect(stdout.trim().split('\n')).toEqual([
      'hook active',
      'FileStorage,MemoryStorage,MongoDBStorage,MySQLStorage,PostgreSQLStorage,RedisStorage,SQLiteStorage',
    ]);
  });
});
