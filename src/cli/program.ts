// The argument parser is commander (14.x, the last major that runs on Node 20; 15 needs Node
// 22.12): the most used and best kept of the three we weighed (citty is still 0.x, cac 7 needs
// Node 20.19), with what the CLI needs built in: `help <command>`, "did you mean" for commands
// and options, and an exitOverride/configureOutput pair that lets run() work without a process.
import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { UsageError, usageErrorFrom } from './errors.js';
import { initCommand } from './init/init.js';
import { menuCommand } from './menu.js';
import { playgroundCommand } from './playground.js';
import { sendCommand } from './send.js';
import { didYouMean } from './suggest.js';
import { tokenCommand } from './token.js';
import { verifyCommand } from './verify.js';
import { ownPackage } from './version.js';

// Lines short enough that commander does not wrap them (it counts a Chinese character as one
// column, a terminal shows two).
const MAIN_DESCRIPTION = `Tools for WeChat Official Account bots made with zgrobot: start a project,
make a token, talk to a running bot as WeChat does, chat with it in the browser,
manage the account's menu.
微信公众号机器人的命令行工具：新建项目、生成 token、
像微信一样给机器人发消息、在浏览器里和它聊天、管理自定义菜单。`;

const MAIN_AFTER = `
Exit codes: 0 done, 1 failed (one line on stderr), 2 wrong usage.
Set ZGROBOT_DEBUG=1 to add the stack trace to an error.

Examples:
  zgrobot init my-bot
  zgrobot token 16
  zgrobot verify http://127.0.0.1:8888/ --token tokenhere
  zgrobot send http://127.0.0.1:8888/ --token tokenhere text 你好
  zgrobot playground http://127.0.0.1:8888/ --token tokenhere
  zgrobot help send`;

/** What commander ends with when it printed help or the version: not a failure. */
const DONE_CODES = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/**
 * The `zgrobot` program, new for each run: commander keeps parsed state on its commands. It never
 * exits the process or writes anywhere itself: help goes to `stdout`, a parse error is thrown as
 * a one-line `UsageError` naming the command, help and version end by throwing a
 * `CommanderError` whose exit code is 0.
 */
export function createProgram(ctx: CliContext, stdout: (text: string) => void): Command {
  const program = new Command('zgrobot')
    .description(MAIN_DESCRIPTION)
    .version(ownPackage().version, '-v, --version', 'print the version')
    .addHelpText('after', MAIN_AFTER)
    .helpCommand(false);
  configure(program, undefined, stdout);
  for (const command of [
    initCommand(ctx),
    tokenCommand(ctx),
    sendCommand(ctx),
    verifyCommand(ctx),
    menuCommand(ctx),
    playgroundCommand(ctx),
  ]) {
    program.addCommand(configure(command, command.name(), stdout));
  }
  program.addCommand(configure(helpCommand(program), undefined, stdout));
  return program;
}

/**
 * `zgrobot help [command]`. Commander's own help command shows the main help for a name it does
 * not know; this one says the name is unknown and suggests the nearest.
 */
function helpCommand(program: Command): Command {
  return new Command('help')
    .description('print the help of a command')
    .argument('[command]', 'the command')
    .action((name: string | undefined) => {
      if (name === undefined) program.help();
      const command = program.commands.find((c) => c.name() === name);
      if (!command) {
        const names = program.commands.map((c) => c.name());
        throw new UsageError(`unknown command '${name}'${didYouMean(name, names)}`);
      }
      command.help();
    });
}

function configure(
  command: Command,
  name: string | undefined,
  stdout: (text: string) => void,
): Command {
  return command
    .helpOption('-h, --help', 'print this help')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: stdout,
      // Nothing of commander's own error text reaches stderr: run() prints one line.
      writeErr: () => {},
      outputError: () => {},
    })
    .exitOverride((error) => {
      if (DONE_CODES.has(error.code) && error.exitCode === 0) throw error;
      throw usageErrorFrom(error, name);
    });
}

/** Whether `error` is commander saying it printed help or the version. */
export function isDone(error: unknown): boolean {
  return error instanceof CommanderError && DONE_CODES.has(error.code) && error.exitCode === 0;
}
