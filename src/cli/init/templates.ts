/**
 * The files `zgrobot init` writes, as strings: they ship inside the package's `dist/` with the
 * CLI (the package publishes `dist` only), with no template files to find at run time.
 */

/** What the templates are filled with. */
export interface ProjectSettings {
  /** The project's package name. */
  name: string;
  /** The `zgrobot` dependency: a version range (`^0.1.0`), a tarball or a path. */
  zgrobot: string;
  /** `engines.node`, as zgrobot's own. */
  node: string;
}

/** The tools the project is built and tested with, in versions that run on Node 20. */
const DEV_DEPENDENCIES = {
  '@types/node': '^20.19.0',
  tsx: '^4.20.0',
  typescript: '~5.9.3',
  vitest: '^4.1.0',
};

function packageJson({ name, zgrobot, node }: ProjectSettings): string {
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node },
    scripts: {
      dev: 'tsx watch src/main.ts',
      build: 'tsc -p tsconfig.build.json',
      start: 'node dist/main.js',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { zgrobot },
    devDependencies: DEV_DEPENDENCIES,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023"],
    "types": ["node"],
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "noImplicitOverride": true,
    "verbatimModuleSyntax": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["src", "test"]
}
`;

const TSCONFIG_BUILD = `{
  "extends": "./tsconfig.json",
  "compilerOptions": { "noEmit": false, "rootDir": "src", "outDir": "dist", "sourceMap": true },
  "include": ["src"]
}
`;

const BOT = `/**
 * The bot: a text message gets its own words back, a new follower a greeting, anything else a
 * hint. Its settings come from the environment (ZGROBOT_TOKEN, ZGROBOT_APP_ID, ...; see
 * .env.example); options given to createBot() win over them, as the test does with the token.
 */
import { ZgRoBot, type ZgRoBotOptions } from 'zgrobot';

export function createBot(options: ZgRoBotOptions = {}): ZgRoBot {
  // An echo bot keeps nothing between messages: no session storage. Remove this line to get
  // ctx.wechat.session (SQLite in the working directory by default).
  const robot = new ZgRoBot({ sessionStorage: false, ...options });

  robot.subscribe(() => '感谢关注！发一句话，我会原样回给你。');
  // Only text messages reach this handler: ctx.wechat.message is a TextMessage.
  robot.text((ctx) => ctx.wechat.message.content);
  robot.handler(() => '我只会复述文字消息。');

  return robot;
}
`;

const MAIN = `/**
 * Starts the bot on ZGROBOT_HOST:ZGROBOT_PORT (default 127.0.0.1:8888):
 * \`npm run dev\` while writing it, \`npm run build && npm start\` in production.
 */
import { createBot } from './bot.js';

// Settings from a .env file in the working directory, when there is one.
try {
  process.loadEnvFile();
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

await createBot().run();
`;

const TEST = `import { describe, expect, it } from 'vitest';
import { createTestClient } from 'zgrobot/testing';
import { createBot } from '../src/bot.js';

// createTestClient sends messages through the bot's whole pipeline in memory, signed as
// WeChat signs them, and returns the parsed reply.
const token = 'test-token';
const robot = createBot({ token });
const wechat = createTestClient(robot, { token });

describe('the bot', () => {
  it('echoes a text message', async () => {
    expect(await wechat.text('你好')).toMatchObject({ type: 'text', content: '你好' });
  });

  it('greets a new follower', async () => {
    const reply = await wechat.event('subscribe');
    expect(reply).toMatchObject({ type: 'text', content: expect.stringContaining('感谢关注') });
  });

  it('answers other messages with a hint', async () => {
    const reply = await wechat.image('https://example.com/picture.jpg');
    expect(reply).toMatchObject({ type: 'text', content: '我只会复述文字消息。' });
  });

  it('refuses a request signed with another token', async () => {
    const stranger = createTestClient(robot, { token: 'not-the-token' });
    await expect(stranger.text('hi')).rejects.toMatchObject({ status: 403 });
  });
});
`;

const ENV_EXAMPLE = `# Copy to .env and fill in: npm run dev and npm start read .env;
# in Docker: docker run --env-file .env ...
# 复制为 .env 并填写；Docker 里用 docker run --env-file .env。

# 服务器配置 → 令牌 (Token), the same value as in the WeChat admin console. Required.
ZGROBOT_TOKEN=
# 开发者ID (AppID) and 开发者密码 (AppSecret): for the WeChat API (late replies go out as
# customer-service messages when both are set).
ZGROBOT_APP_ID=
ZGROBOT_APP_SECRET=
# 消息加解密密钥 (EncodingAESKey, 43 characters): safe mode. Empty: plaintext mode.
ZGROBOT_ENCODING_AES_KEY=

# Where the server listens (the Docker image listens on 0.0.0.0:8888).
ZGROBOT_HOST=127.0.0.1
ZGROBOT_PORT=8888
`;

const DOCKERFILE = `# syntax=docker/dockerfile:1
# Build: docker build -t my-bot .
# Run:   docker run --env-file .env -p 8888:8888 my-bot

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production ZGROBOT_HOST=0.0.0.0 ZGROBOT_PORT=8888
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's unprivileged user; the files above stay root's, read-only to it.
USER node
EXPOSE 8888
# Healthy while the server accepts connections (a TCP connect: an HTTP request without
# WeChat's signature would be refused and logged every time).
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \\
  CMD ["node", "-e", "require('node:net').connect(Number(process.env.ZGROBOT_PORT), '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"]
CMD ["node", "dist/main.js"]
`;

const DOCKERIGNORE = `node_modules
dist
.env
.git
`;

const GITIGNORE = `node_modules/
dist/
.env
*.sqlite3
`;

function readme({ name }: ProjectSettings): string {
  return `# ${name}

A WeChat Official Account bot on [zgrobot](https://www.npmjs.com/package/zgrobot). 一个微信公众号机器人。

\`\`\`bash
cp .env.example .env   # set ZGROBOT_TOKEN (and the rest) / 填写 token 等
npm run dev            # http://127.0.0.1:8888, restarts on change
npm test               # the bot's tests (vitest, no network)
npm run build && npm start
docker build -t ${name} . && docker run --env-file .env -p 8888:8888 ${name}
\`\`\`

The bot is \`src/bot.ts\`; \`npx zgrobot send http://127.0.0.1:8888/ --token <token> text 你好\` talks to
the running bot as WeChat does.
`;
}

/** Every file of a new project, by its path in the project. */
export function projectFiles(settings: ProjectSettings): Record<string, string> {
  return {
    'package.json': packageJson(settings),
    'tsconfig.json': TSCONFIG,
    'tsconfig.build.json': TSCONFIG_BUILD,
    'src/bot.ts': BOT,
    'src/main.ts': MAIN,
    'test/bot.test.ts': TEST,
    '.env.example': ENV_EXAMPLE,
    Dockerfile: DOCKERFILE,
    '.dockerignore': DOCKERIGNORE,
    '.gitignore': GITIGNORE,
    'README.md': readme(settings),
  };
}
