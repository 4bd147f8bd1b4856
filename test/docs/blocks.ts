// The code blocks of the documentation, each with the marker that says how a test holds it to
// the code. A marker is an HTML comment on the line before the block (invisible on GitHub):
//
//   <!-- file: PATH -->         the block is the repository file PATH, as it is (TypeScript
//                               imports written as a user of the package writes them)
//   <!-- compile -->            TypeScript compiled by tsc, `zgrobot` being this repository's source
//   <!-- compile: DECLS -->     the same, after DECLS: what the snippet assumes (`declare const robot: ZgRoBot;`)
//   <!-- cli-example -->        `zgrobot` lines run against the example bot (test/contrib/docs.test.ts)
//   <!-- cli-example: menu -->  `zgrobot menu` lines run against a fake WeChat API
//   <!-- run: npm-start -->     a line `VAR=value … npm start`, run as written
//   <!-- run: playground -->    the two commands of the playground, run (test/playground/docs.test.ts)
//   <!-- env -->                shell lines: every ZGROBOT_* variable they set is read by Config.fromEnv
//   <!-- pipeline -->           the chain of stages, as pipeline() composes them
//   <!-- output -->             a sample of log output: each `zgrobot: …` message in it is one the library logs
//   <!-- scripts -->            shell lines: each `npm run X` is a script of package.json, each `npx tsx F` a file,
//                               each BENCH_* variable one bench/run.ts reads
//
// A block without a marker fails test/docs/chapters.test.ts.
import { readdirSync, readFileSync } from 'node:fs';

export const ROOT = new URL('../../', import.meta.url);

export interface DocBlock {
  /** `docs/name.md` */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language (`ts`, `sh`, …; `''` for none). */
  lang: string;
  /** The marker's kind (`file`, `compile`, …), `undefined` when there is none. */
  kind: string | undefined;
  /** What follows the kind in the marker (`PATH`, `DECLS`, `menu`), trimmed. */
  arg: string;
  code: string;
}

const MARKER = /^<!-- ([a-z-]+)(?::\s*([\s\S]*?))?\s*-->$/;

/** Every fenced block of one Markdown text. */
export function blocksOf(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${doc}:${i + 1}: unclosed code block`);
    const marker = MARKER.exec(lines[i - 1] ?? '');
    blocks.push({
      doc,
      line: i + 1,
      lang: open[1] ?? '',
      kind: marker?.[1],
      arg: (marker?.[2] ?? '').trim(),
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** The chapters in docs/. */
export function docs(): string[] {
  return readdirSync(new URL('docs/', ROOT))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
}

/** Every block of every chapter in docs/. */
export function allBlocks(): DocBlock[] {
  return docs().flatMap((doc) => blocksOf(doc, readFileSync(new URL(doc, ROOT), 'utf8')));
}

/** Repository imports as a user of the package writes them. */
const IMPORTS: [RegExp, string][] = [
  [/'(?:\.\.\/)+src\/index\.js'/g, "'zgrobot'"],
  [/'(?:\.\.\/)+src\/testing\/index\.js'/g, "'zgrobot/testing'"],
  [/'(?:\.\.\/)+src\/open-platform\.js'/g, "'zgrobot/open-platform'"],
  [/'(?:\.\.\/)+src\/contrib\/([a-z-]+)\.js'/g, "'zgrobot/contrib/$1'"],
  [/'\.\.\/\.\.\/examples\/integrations\/robot\.js'/g, "'./robot.js'"],
];

/** A repository file as the docs show it: for TypeScript, with the package's import names. */
export function asShown(path: string, source: string): string {
  const text = path.endsWith('.ts')
    ? IMPORTS.reduce((code, [pattern, name]) => code.replace(pattern, name), source)
    : source;
  return text.trimEnd();
}

/** Where each import name of the package lives in this repository's source. */
export const PACKAGE_SOURCES: Record<string, string> = {
  zgrobot: 'src/index.ts',
  'zgrobot/middleware': 'middleware/index.ts',
  'zgrobot/messages': 'src/core/messages/index.ts',
  'zgrobot/session': 'src/core/session/index.ts',
  'zgrobot/client': 'src/core/client/index.ts',
  'zgrobot/testing': 'src/testing/index.ts',
  'zgrobot/open-platform': 'src/open-platform.ts',
  'zgrobot/contrib/*': 'src/contrib/*.ts',
};
