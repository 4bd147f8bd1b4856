import { Router } from '../../../src/index.js';

/** Greetings, as a router of their own: `robot.use(greetings)` adds them to the bot. */
export const greetings = new Router()
  .subscribe(() => '感谢这位小可爱的关注~')
  .filter('你好呀', () => '你也好呀');
