import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { server } from '../../examples/integrations/node-http.js';
import { adapterCases, configureExampleRobot, listening } from './cases.js';

async function start() {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return listening(`http://127.0.0.1:${port}/wechat`, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

adapterCases('node:http createServer(robot, { path })', start);

describe('node:http path filter', () => {
  it('answers 404 outside the path', async () => {
    configureExampleRobot();
    const { createServer } = await import('../../src/contrib/node-http.js');
    const { robot } = await import('../../examples/integrations/robot.js');
    const other = createServer(robot, { path: '/wechat' });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/elsewhere`);
    expect(response.status).toBe(404);
    other.closeAllConnections();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });
});
