import { describe, expectTypeOf, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import type { ReplyValue } from '../../src/core/replies/coerce.js';
import { Article } from '../../src/core/replies/replies.js';
import { ZgRoBot } from '../../src/robot.js';

describe('what a handler may return', () => {
  it('a list of Articles, the news style in TypeScript', () => {
    const robot = new ZgRoBot({ token: 't', sessionStorage: false });
    robot.text(() => [new Article({ title: 'a' }), new Article({ title: 'b', url: 'u' })]);
    new Router().subscribe(async () => [new Article({ title: 'welcome' })]);
    expectTypeOf<Article[]>().toExtend<ReplyValue>();
    expectTypeOf<readonly Article[]>().toExtend<ReplyValue>();
  });

  it("the seed's shorthands still type-check", () => {
    new Router()
      .text(() => [['title', 'description', 'img', 'url']])
      .text(() => [new Article({ title: 'mixed' }), ['t', 'd', 'i', 'u']])
      .text(() => ['title', 'description', 'music url'])
      .text(() => ['title', 'description', 'music url', 'hq url']);
  });

  it('other arrays do not', () => {
    expectTypeOf<number[]>().not.toExtend<ReplyValue>();
    // Partial articles are refused; a full one passes (Article is structural) and so does it at run time.
    expectTypeOf<{ title: string }[]>().not.toExtend<ReplyValue>();
    expectTypeOf<[string, string]>().not.toExtend<ReplyValue>();
  });
});
