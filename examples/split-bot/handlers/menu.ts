import type { Menu } from '../../../src/core/client/index.js';
import type { ZgRoBot } from '../../../src/index.js';

/** The bot's menu. */
export const MENU: Menu = {
  button: [
    {
      type: 'miniprogram',
      name: '打卡',
      url: 'https://www.dengtadaka.com/website/index.html',
      appid: 'wxf3ca7ea27608450c',
      pagepath: '/pages/supervise/groupDetail?id=10025',
    },
    { type: 'view', name: '主页', url: 'https://mp.weixin.qq.com/' },
    { type: 'click', name: '帮助', key: 'help' },
  ],
};

/** Registers the menu's click handlers on the robot (WeRoBot's `menu.create_menu(robot, …)`). */
export function registerMenu(robot: ZgRoBot): void {
  robot.keyClick('help', () => '现在还没有什么帮助哦~');
}
