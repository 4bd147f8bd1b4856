// pm2's configuration for a zgrobot bot built in this directory (npm ci && npm run build):
//
//   pm2 start ecosystem.config.cjs
//   pm2 logs my-bot
//   pm2 restart my-bot       # in-flight requests and late replies finish first
//
// Secrets (ZGROBOT_TOKEN, ZGROBOT_APP_SECRET, …) come from the environment pm2 starts in.
module.exports = {
  apps: [
    {
      name: 'my-bot',
      script: 'dist/bot.js',
      // One process: retry dedup and the replay check are in memory. For several, share them
      // in Redis first (docs/scale-out.md), then raise `instances` (cluster mode).
      instances: 1,
      exec_mode: 'fork',
      // pm2 stops with SIGINT, then SIGKILL after kill_timeout (default 1.6 s): give the bot
      // more than its ZGROBOT_SHUTDOWN_TIMEOUT (15 s) to deliver the late replies still pending.
      kill_timeout: 20_000,
      env: {
        NODE_ENV: 'production',
        ZGROBOT_HOST: '127.0.0.1',
        ZGROBOT_PORT: '8888',
        ZGROBOT_PROXY: '1',
      },
    },
  ],
};
