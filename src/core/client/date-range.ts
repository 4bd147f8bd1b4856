/**
 * 数据统计接口的日期：`'YYYY-MM-DD'`，或一个 `Date`（取它在北京时间的那一天）。
 * A day as the data APIs take it: `'YYYY-MM-DD'`, or a `Date` (its day in Beijing time).
 */
export type DataCubeDate = string | Date;

const DAY_MS = 24 * 60 * 60 * 1000;
// WeChat's days are Beijing days (UTC+8, no daylight saving).
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `'YYYY-MM-DD'`, or `undefined` when it is no such day. */
function dayNumberOf(text: string): number | undefined {
  const match = ISO_DAY.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  // Date.UTC rolls 2024-02-30 over to March: a day that changes on the way back is no day.
  return new Date(ms).toISOString().slice(0, 10) === text ? ms / DAY_MS : undefined;
}

function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Beijing day of an instant, as days since 1970-01-01. */
function beijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
}

function dayOf(api: string, name: string, value: DataCubeDate): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`${api}: ${name} is an invalid Date`);
    return beijingDay(ms);
  }
  const day = typeof value === 'string' ? dayNumberOf(value) : undefined;
  if (day === undefined) {
    throw new RangeError(
      `${api}: ${name} must be a day as 'YYYY-MM-DD', got ${JSON.stringify(value)}`,
    );
  }
  return day;
}

/**
 * 检查数据统计接口的日期范围并写成 WeChat 要的样子：结束日不早于开始日、跨度（含首尾）不超过
 * `maxDays` 天、结束日最晚是昨天（北京时间）。不合规时抛出 `RangeError`，说明是哪一条。
 *
 * Checks a data API's range — end not before begin, at most `maxDays` days counting both, end no
 * later than yesterday in Beijing time — and gives the body WeChat takes.
 *
 * @throws {RangeError} naming the rule the range breaks.
 * @example
 * ```ts
 * dataCubeRange('getUserSummary', '2024-01-01', '2024-01-07', 7);
 * // { begin_date: '2024-01-01', end_date: '2024-01-07' }
 * ```
 */
export function dataCubeRange(
  api: string,
  begin: DataCubeDate,
  end: DataCubeDate,
  maxDays: number,
  now: number = Date.now(),
): { begin_date: string; end_date: string } {
  const first = dayOf(api, 'begin_date', begin);
  const last = dayOf(api, 'end_date', end);
  const range = `${dayText(first)} to ${dayText(last)}`;
  if (last < first) {
    throw new RangeError(
      `${api}: end_date ${dayText(last)} is before begin_date ${dayText(first)}`,
    );
  }
  const days = last - first + 1;
  if (days > maxDays) {
    throw new RangeError(
      `${api}: ${range} is ${days} days; WeChat gives at most ${maxDays} day${maxDays === 1 ? '' : 's'} a call`,
    );
  }
  const yesterday = beijingDay(now) - 1;
  if (last > yesterday) {
    throw new RangeError(
      `${api}: end_date ${dayText(last)} is after yesterday (${dayText(yesterday)}, Beijing time); WeChat has data up to yesterday only`,
    );
  }
  return { begin_date: dayText(first), end_date: dayText(last) };
}
