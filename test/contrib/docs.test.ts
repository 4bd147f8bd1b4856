// docs/integrations.md shows the example files as they are (imports written as the package's
// names) and CLI lines that work: this test holds the page to that.
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../examples/integrations/node-http.js';
import { robot } from '../../examples/integrations/robot.js';
import { run } from '../../src/cli/main.js';
import { silentLogger } from '../../src/index.js';

const ROOT = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('docs/integrations.md', ROOT), 'utf8');

/** Repository imports as a user writes them. */
const IMPORTS: [RegExp, string][] = [
  [/'\.\.\/\.\.\/src\/index\.js'/g, "'zgrobot'"],
  [/'\.\.\/\.\.\/src\/testing\/index\.js'/g, "'zgrobot/testing'"],
  [/'\.\.\/\.\.\/src\/contrib\/([a-z-]+)\.js'/g, "'zgrobot/contrib/$1'"],
  [/'\.\.\/\.\.\/examples\/integrations\/robot\.js'/g, "'./robot.js'"],
];

function asUserWrites(source: string): string {
  return IMPORTS.reduce((text, [pattern, name]) => text.replace(pattern, name), source).trimEnd();
}

const included = [...doc.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)].map(
  ([, path = '', code = '']) => ({ path, code }),
);

describe('docs/integrations.md', () => {
  it('includes every integration example, the robot and the test-client test', () => {
    expect(included.map((i) => i.path).sort()).toEqual(
      [
        'examples/integrations/express.ts',
        'examples/integrations/fastify.ts',
        'examples/integrations/fetch.ts',
        'examples/integrations/hono.ts',
        'examples/integrations/koa.ts',
        'examples/integrations/node-http.ts',
        'examples/integrations/robot.ts',
        'test/testing/robot-example.test.ts',
      ].sort(),
    );
  });

  for (const { path, code } of included) {
    it(`shows ${path} exactly as it is in the repository`, () => {
      const source = readFileSync(new URL(path, ROOT), 'utf8');
      expect(code).toBe(asUserWrites(source));
    });
  }

  it('imports only subpaths that exist in the source tree', () => {
    const names = new Set([...doc.matchAll(/from '(zgrobot[^']*)'/g)].map(([, name]) => name));
    for (const name of names) {
      const file =
        name === 'zgrobot'
          ? 'src/index.ts'
          : name === 'zgrobot/testing'
            ? 'src/testing/index.ts'
            : `src/${name?.slice('zgrobot/'.length)}.ts`;
      expect(existsSync(new URL(file, ROOT)), `${name} → ${file}`).toBe(true);
    }
  });

  describe('the CLI lines, run against the example bot', () => {
    let url = '';
    beforeAll(async () => {
      robot.config.update({
        token: 'tokenhere',
        appId: 'wx0123456789abcdef',
        encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
        // The doc's CLI lines send plaintext to a bot that has a key: 兼容模式.
        encryptMode: 'compatible',
      });
      robot.logger = silentLogger;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const block = /<!-- cli-example -->\n```sh\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
    const lines = block.split('\n').filter((line) => line.startsWith('zgrobot '));

    it('has lines to run', () => {
      expect(lines.length).toBeGreaterThanOrEqual(8);
    });

    for (const line of lines) {
      it(line, async () => {
        const args = line.replace('http://127.0.0.1:8888/wechat', url).split(/\s+/).slice(1);
        const result = await run(args, {});
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
        expect(result.stdout.trim()).not.toBe('');
      });
    }
  });
});
