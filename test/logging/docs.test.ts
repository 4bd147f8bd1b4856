// docs/logging.md shows the logging examples as they are in the repository (where the typecheck
// compiles them), and names every message the library logs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('docs/logging.md', ROOT), 'utf8');

const included = [...doc.matchAll(/<!-- file: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)].map(
  ([, path = '', code = '']) => ({ path, code }),
);

describe('docs/logging.md', () => {
  it('includes the pino, pino-pretty and console examples', () => {
    expect(included.map((i) => i.path).sort()).toEqual([
      'examples/logging/console.ts',
      'examples/logging/pino.ts',
      'examples/logging/pretty.ts',
    ]);
  });

  for (const { path, code } of included) {
    it(`shows ${path} exactly as it is in the repository`, () => {
      const source = readFileSync(new URL(path, ROOT), 'utf8')
        .replace(/'\.\.\/\.\.\/src\/index\.js'/g, "'zgrobot'")
        .trimEnd();
      expect(code).toBe(source);
    });
  }

  it('lists every message the library logs', () => {
    const files = [
      'middleware/component-events.ts',
      'middleware/error-boundary.ts',
      'middleware/late-reply.ts',
      'middleware/release-check.ts',
      'middleware/render.ts',
      'middleware/replay.ts',
      'middleware/router.ts',
      'middleware/turn.ts',
      'middleware/verify.ts',
      'src/core/client/core.ts',
      'src/core/client/transport.ts',
      'src/core/dedupe/deduper.ts',
      'src/core/session/hold.ts',
      'src/node-context.ts',
      'src/robot.ts',
    ];
    const messages = files.flatMap((file) =>
      [...readFileSync(new URL(file, ROOT), 'utf8').matchAll(/['"](zgrobot: [^'"]+)['"]/g)].map(
        ([, msg = '']) => msg,
      ),
    );
    expect(messages.length).toBeGreaterThanOrEqual(20);
    for (const msg of messages) {
      // The table may shorten a message after its first clause (`…`): that much must be there.
      const start = msg
        .split(/[:;(] /)
        .slice(0, 2)
        .join(': ');
      expect(doc, msg).toContain(start);
    }
  });
});
