// Express 5. Run: npx tsx examples/integrations/express.ts
import { pathToFileURL } from 'node:url';
import express from 'express';
import { expressHandler } from '../../src/contrib/express.js';
import { robot } from './robot.js';

export const app = express();
app.use(express.json()); // your other routes' parsers may stay: the robot copes with them
app.get('/health', (_req, res) => {
  res.send('ok');
});
app.all('/wechat', expressHandler(robot));

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  app.listen(robot.config.port, robot.config.host);
}
