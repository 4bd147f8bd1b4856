// A 400 for malformed XML says what is wrong and where, in plain words: never the parser's
// internals (its tag stack dumped as JSON), never a stack trace.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseXml } from '../../src/core/messages/xml.js';
import { ZgRoBot } from '../../src/robot.js';
import { signedQuery, TOKEN } from '../support/wechat.js';

const CASES: [string, string, string][] = [
  ['one unclosed tag', '<xml>bad', "malformed XML: unclosed tag 'xml' at line 1, column 1"],
  [
    'several unclosed tags',
    '<xml><bad>',
    "malformed XML: unclosed tags 'xml', 'bad' at line 1, column 11",
  ],
  [
    'several unclosed tags over lines',
    '<xml>\n<a>\n<b>',
    "malformed XML: unclosed tags 'xml', 'a', 'b' at line 3, column 4",
  ],
  [
    'a wrong closing tag',
    '<xml><a>1</b></xml>',
    "malformed XML: expected closing tag 'a' (opened in line 1, col 6) instead of closing tag 'b' at line 1, column 10",
  ],
  ['not XML', 'hello', "malformed XML: char 'h' is not expected at line 1, column 1"],
  [
    'a marked section that is not CDATA',
    '<xml>\n<a><![X[b]]></a></xml>',
    "malformed XML: '<![' that does not open a CDATA section at line 2, column 4",
  ],
  ['an empty body', '', 'malformed XML: the body is empty'],
];

describe('XmlParseError messages', () => {
  it.each(CASES)('%s', (_name, xml, message) => {
    expect(() => parseXml(xml)).toThrow(new XmlParseError(message));
  });

  it('a hostile tag name is cut short', () => {
    const name = 'a'.repeat(5000);
    let caught: unknown;
    try {
      parseXml(`<xml><${name}>`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(XmlParseError);
    expect((caught as Error).message.length).toBeLessThan(300);
    expect((caught as Error).message).toMatch(/^malformed XML: unclosed tags 'xml', 'a+…/);
  });
});

describe('through a real server', () => {
  let server: Server;
  let url = '';
  const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
  beforeAll(async () => {
    server = await robot.run({ host: '127.0.0.1', port: 0, shutdownSignals: false });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => robot.close());

  // An empty body is refused before parsing (`empty request body`, by body()).
  const parsed = CASES.filter(([, xml]) => xml !== '');
  it.each(parsed)('%s → 400 with exactly the message', async (_name, xml, message) => {
    const res = await fetch(`${url}/?${signedQuery()}`, { method: 'POST', body: xml });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(message);
  });
});
