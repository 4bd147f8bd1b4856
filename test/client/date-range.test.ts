import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataCubeApi } from '../../src/core/client/datacube.js';
import { dataCubeRange } from '../../src/core/client/date-range.js';
import { Client } from '../../src/core/client/index.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';

/** The longest range of each data API, in days counting both ends, as WeChat documents them. */
const MAX_DAYS: Record<string, number> = {
  getUserSummary: 7,
  getUserCumulate: 7,
  getArticleSummary: 1,
  getArticleTotal: 1,
  getUserRead: 3,
  getUserReadHour: 1,
  getUserShare: 7,
  getUserShareHour: 1,
  getUpstreamMsg: 7,
  getUpstreamMsgHour: 1,
  getUpstreamMsgWeek: 30,
  getUpstreamMsgMonth: 30,
  getUpstreamMsgDist: 15,
  getUpstreamMsgDistWeek: 30,
  getUpstreamMsgDistMonth: 30,
  getInterfaceSummary: 30,
  getInterfaceSummaryHour: 1,
};

const DAY = 24 * 60 * 60 * 1000;
const day = (iso: string, plus: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + plus * DAY).toISOString().slice(0, 10);
/** Today in Beijing (UTC+8), as WeChat counts days. */
const beijingToday = () => new Date(Date.now() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);

describe('dataCubeRange: the rules of the data APIs', () => {
  // 2024-01-10 16:30 UTC is 2024-01-11 00:30 in Beijing: yesterday there is the 10th.
  const justAfterMidnight = Date.UTC(2024, 0, 10, 16, 30);
  // 2024-01-10 15:59 UTC is 23:59 on the 10th in Beijing: yesterday is the 9th.
  const justBeforeMidnight = Date.UTC(2024, 0, 10, 15, 59);

  it('gives the body WeChat takes', () => {
    expect(dataCubeRange('api', '2024-01-01', '2024-01-07', 7, justAfterMidnight)).toEqual({
      begin_date: '2024-01-01',
      end_date: '2024-01-07',
    });
  });

  it('counts both ends: 7 days pass a span of 7, 8 do not', () => {
    expect(() =>
      dataCubeRange('getUserSummary', '2024-01-01', '2024-01-07', 7, justAfterMidnight),
    ).not.toThrow();
    expect(() =>
      dataCubeRange('getUserSummary', '2024-01-01', '2024-01-08', 7, justAfterMidnight),
    ).toThrow(
      new RangeError(
        'getUserSummary: 2024-01-01 to 2024-01-08 is 8 days; WeChat gives at most 7 days a call',
      ),
    );
    expect(() =>
      dataCubeRange('getUserReadHour', '2024-01-01', '2024-01-02', 1, justAfterMidnight),
    ).toThrow('WeChat gives at most 1 day a call');
  });

  it('refuses an end later than yesterday, in Beijing time', () => {
    expect(dataCubeRange('api', '2024-01-10', '2024-01-10', 1, justAfterMidnight).end_date).toBe(
      '2024-01-10',
    );
    expect(() => dataCubeRange('api', '2024-01-10', '2024-01-10', 1, justBeforeMidnight)).toThrow(
      new RangeError(
        'api: end_date 2024-01-10 is after yesterday (2024-01-09, Beijing time); WeChat has data up to yesterday only',
      ),
    );
    expect(() => dataCubeRange('api', '2024-01-11', '2024-01-11', 1, justAfterMidnight)).toThrow(
      /after yesterday \(2024-01-10/,
    );
  });

  it('refuses an end before the beginning', () => {
    expect(() => dataCubeRange('api', '2024-01-05', '2024-01-04', 7, justAfterMidnight)).toThrow(
      new RangeError('api: end_date 2024-01-04 is before begin_date 2024-01-05'),
    );
  });

  it('takes a Date as its day in Beijing', () => {
    expect(
      dataCubeRange(
        'api',
        new Date('2023-12-31T16:00:00Z'), // 2024-01-01 00:00 in Beijing
        new Date('2024-01-02T15:59:59Z'), // 2024-01-02 23:59:59 in Beijing
        2,
        justAfterMidnight,
      ),
    ).toEqual({ begin_date: '2024-01-01', end_date: '2024-01-02' });
  });

  it('refuses what is not a day', () => {
    for (const bad of ['2024-1-1', '2024-02-30', '2024-13-01', '20240101', '']) {
      expect(() => dataCubeRange('api', bad, '2024-01-02', 7, justAfterMidnight)).toThrow(
        `api: begin_date must be a day as 'YYYY-MM-DD', got ${JSON.stringify(bad)}`,
      );
    }
    expect(() =>
      dataCubeRange('api', '2024-01-01', new Date(Number.NaN), 7, justAfterMidnight),
    ).toThrow('api: end_date is an invalid Date');
    expect(
      dataCubeRange('api', '2024-02-29', '2024-02-29', 1, justAfterMidnight + 60 * DAY),
    ).toEqual({ begin_date: '2024-02-29', end_date: '2024-02-29' });
  });
});

describe('the client checks a range before it calls WeChat', () => {
  let api: FakeWeChatApi;
  let client: Client;
  beforeAll(async () => {
    api = await startFakeWeChatApi();
    client = new Client({ appId: 'wx-app', appSecret: 'wx-secret', baseUrl: api.url });
  });
  afterAll(async () => {
    await client.close();
    await api.close();
  });
  beforeEach(() => api.reset());

  it('every data method has its span in the table above', () => {
    const methods = Object.getOwnPropertyNames(DataCubeApi.prototype).filter(
      (name) => name !== 'constructor',
    );
    expect(methods.sort()).toEqual(Object.keys(MAX_DAYS).sort());
  });

  type DataMethod = (begin: string, end?: string) => Promise<unknown>;
  const method = (name: string) =>
    (client as unknown as Record<string, DataMethod>)[name]!.bind(client);

  for (const [name, maxDays] of Object.entries(MAX_DAYS)) {
    it(`${name}: one day more than ${maxDays}, or an end after yesterday, rejects with no request`, async () => {
      await expect(method(name)('2024-01-01', day('2024-01-01', maxDays))).rejects.toThrow(
        new RangeError(
          `${name}: 2024-01-01 to ${day('2024-01-01', maxDays)} is ${maxDays + 1} days; WeChat gives at most ${maxDays} day${maxDays === 1 ? '' : 's'} a call`,
        ),
      );
      // Tomorrow, not today: the test cannot straddle a midnight.
      const today = beijingToday();
      const tomorrow = day(today, 1);
      await expect(method(name)(tomorrow)).rejects.toThrow(
        `${name}: end_date ${tomorrow} is after yesterday`,
      );
      // Not even a token: the check comes first.
      expect(api.requests).toEqual([]);

      // The longest range ending yesterday goes through.
      api.on('POST', `/datacube/${name.toLowerCase()}`, { json: { list: [] } });
      const yesterday = day(today, -1);
      await expect(method(name)(day(yesterday, 1 - maxDays), yesterday)).resolves.toEqual({
        list: [],
      });
      expect(api.requestsTo(`/datacube/${name.toLowerCase()}`)[0]?.json).toEqual({
        begin_date: day(yesterday, 1 - maxDays),
        end_date: yesterday,
      });
    });
  }

  it('getCustomServiceMessageRecords: more than 24 hours, an end before the start or over 10 000 records reject with no request', async () => {
    const start = 1464710400;
    await expect(
      client.getCustomServiceMessageRecords({ startTime: start, endTime: start + 86401 }),
    ).rejects.toThrow(
      new RangeError(
        `getCustomServiceMessageRecords: the period ${start}…${start + 86401} is longer than the 24 hours WeChat allows`,
      ),
    );
    await expect(
      client.getCustomServiceMessageRecords({ startTime: start, endTime: start - 1 }),
    ).rejects.toThrow('is not a period (end before start)');
    await expect(
      client.getCustomServiceMessageRecords({
        startTime: start,
        endTime: start + 60,
        number: 10_001,
      }),
    ).rejects.toThrow('getCustomServiceMessageRecords: number must be 1 to 10000, got 10001');
    expect(api.requests).toEqual([]);

    api.on('POST', '/customservice/msgrecord/getmsglist', {
      json: { recordlist: [], number: 0, msgid: 1 },
    });
    await client.getCustomServiceMessageRecords({ startTime: start, endTime: start + 86400 });
    expect(api.requestsTo('/customservice/msgrecord/getmsglist')[0]?.json).toEqual({
      starttime: start,
      endtime: start + 86400,
      msgid: 1,
      number: 10000,
    });
  });
});
