import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStorage } from '../../src/core/session/file.js';
import { describeStorageContract, SAMPLE } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'zgrobot-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorageContract(
  'FileStorage',
  () => new FileStorage(join(dir, 'contract_session')),
  (storage) => storage.close?.(),
);

describe('FileStorage', () => {
  it('survives a new instance', async () => {
    const file = join(dir, 'restart');
    const first = new FileStorage(file);
    await first.set('o6_user', SAMPLE);
    await first.close();
    const second = new FileStorage(file);
    await expect(second.get('o6_user')).resolves.toEqual(SAMPLE);
  });

  it('leaves one valid JSON file and no temp files after many concurrent writes', async () => {
    const sub = mkdtempSync(join(dir, 'burst-'));
    const file = join(sub, 'zgrobot_session');
    const storage = new FileStorage(file);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      writes.push(storage.set(`u${i % 40}`, { i, 名: '小明', pad: 'x'.repeat(i) }));
      if (i % 7 === 0) writes.push(storage.delete(`u${(i + 3) % 40}`));
    }
    await Promise.all(writes);
    expect(readdirSync(sub)).toEqual(['zgrobot_session']);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    // What is on disk is exactly what the storage serves from memory.
    for (let u = 0; u < 40; u++) {
      const expected = await storage.get(`u${u}`);
      expect(onDisk[`u${u}`] ?? {}).toEqual(expected);
    }
    expect(onDisk.u39).toEqual({ i: 199, 名: '小明', pad: 'x'.repeat(199) });
  });

  it('coalesces a burst into few writes, each set resolving once it is on disk', async () => {
    const file = join(dir, 'coalesce');
    const storage = new FileStorage(file);
    await Promise.all(Array.from({ length: 100 }, (_, i) => storage.set(`u${i}`, { i })));
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(onDisk)).toHaveLength(100);
  });

  it('rejects and leaves no temp file when the file cannot be replaced', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const file = join(sub, 'zgrobot_session');
    const storage = new FileStorage(file);
    await storage.set('u', { v: 1 });
    const before = readFileSync(file, 'utf8');
    // Make the rename fail: the target becomes a non-empty directory mid-run.
    rmSync(file);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(file, 'blocker'), { recursive: true });
    // The file is read again first (it changed), so the failure may show on the read or the write.
    await expect(storage.set('u', { v: 2 })).rejects.toThrow(/FileStorage: cannot (read|write)/);
    expect(readdirSync(sub)).toEqual(['zgrobot_session']); // no temp file left behind
    rmSync(file, { recursive: true });
    writeFileSync(file, before);
    // A change whose batch could not read the file is refused, as with a corrupt file; the
    // storage works again as soon as the file is back.
    await storage.set('w', { v: 3 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ u: { v: 1 }, w: { v: 3 } });
  });

  it('leaves the old or the new file, never a partial one, when the process is killed mid-write', async () => {
    const sub = mkdtempSync(join(dir, 'crash-'));
    const file = join(sub, 'zgrobot_session');
    const module = pathToFileURL(join(process.cwd(), 'src/core/session/file.ts')).href;
    // A writer in its own process, rewriting a ~100 KB file as fast as it can until killed.
    const script = `
      import { FileStorage } from ${JSON.stringify(module)};
      const storage = new FileStorage(${JSON.stringify(file)});
      for (let round = 0; ; round++) {
        await Promise.all(Array.from({ length: 20 }, (_, k) =>
          storage.set('u' + k, { round, 名: '小明', pad: 'x'.repeat(5000) })));
        process.stdout.write('.');
      }`;
    for (let attempt = 0; attempt < 4; attempt++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = once(child, 'exit');
      // Let it complete at least one round, then kill it at an arbitrary point of a later one.
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error('writer never finished a round')), 15_000);
        child.stdout.once('data', () => {
          clearTimeout(timer);
          ok();
        });
      });
      await new Promise((r) => setTimeout(r, 5 + attempt * 17));
      child.kill('SIGKILL');
      await exited;
      const onDisk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { round: number }>;
      expect(Object.keys(onDisk)).toHaveLength(20);
      // A fresh instance loads the surviving file and sweeps the dead writer's temp files.
      const after = new FileStorage(file);
      await expect(after.get('u0')).resolves.toMatchObject({ 名: '小明' });
      expect(readdirSync(sub)).toEqual(['zgrobot_session']);
    }
  });

  it('refuses a corrupt file rather than overwriting it', async () => {
    const file = join(dir, 'corrupt');
    writeFileSync(file, '{"u": {"v": 1}');
    const storage = new FileStorage(file);
    await expect(storage.get('u')).rejects.toThrow(/not valid JSON/);
    await expect(storage.set('u', { v: 2 })).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"u": {"v": 1}');
    // Once the operator fixes the file, the same instance loads it.
    writeFileSync(file, '{"u": {"v": 1}}');
    await expect(storage.get('u')).resolves.toEqual({ v: 1 });
  });

  it('rejects with the path when the directory does not exist', async () => {
    const storage = new FileStorage(join(dir, 'missing', 'dir', 'session'));
    await expect(storage.set('u', {})).rejects.toThrow(/missing\/dir\/session/);
  });
});
