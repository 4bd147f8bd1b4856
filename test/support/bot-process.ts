import { type ChildProcess, spawn } from 'node:child_process';
import { within } from '../session/helpers.js';

/** A bot running in a process of its own, listening on 127.0.0.1. */
export interface BotProcess {
  child: ChildProcess;
  url: string;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript fixture with tsx; resolves once it prints `{"port":…}` on its first line.
 * Fails with the fixture's stderr when it exits first.
 */
export async function startBotProcess(script: string, args: string[]): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    // ZGROBOT_TEST_BOT_LOGS=1 shows what the bots log, to diagnose a failure.
    if (process.env.ZGROBOT_TEST_BOT_LOGS) process.stderr.write(chunk);
  });
  const port = await within(
    new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${err}`)));
    }),
    20_000,
    `${script} listening`,
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await within(exited, 10_000, `${script} exiting`).catch(() => child.kill('SIGKILL'));
    },
  };
}
