// The example robot as the runtime tests serve it: the settings of `configureExampleRobot()` in
// ../cases.ts (that module needs vitest, which is not there in Bun or workerd).
import { robot } from '../../../examples/integrations/robot.js';
import { silentLogger } from '../../../src/index.js';
import { AES_KEY, APP_ID, TOKEN } from '../../support/wechat.js';

robot.config.update({
  token: TOKEN,
  appId: APP_ID,
  encodingAESKey: AES_KEY,
  encryptMode: 'compatible',
});
robot.logger = silentLogger;

export { robot };
