import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import { type BigId, toBigIdNumber } from './json.js';

/** 一条留言。A comment on an article. */
export interface ArticleComment {
  /** 留言 id，精选、删除、回复时用。The comment's id, to elect, delete or reply to it. */
  user_comment_id: number;
  openid: string;
  /** UNIX 秒。UNIX seconds. */
  create_time: number;
  content: string;
  /** 1 精选，0 普通。1 elected (精选), 0 not. */
  comment_type: number;
  /** 作者的回复。The author's reply. */
  reply?: { content: string; create_time: number };
}

/** What `getComments` returns. */
export interface CommentListResult extends WeChatResult {
  /** 留言总数。How many comments the article has. */
  total: number;
  comment: ArticleComment[];
}

/** 要列出的留言。Which comments `getComments` lists. */
export interface CommentListQuery {
  /** 起始位置，从 0 开始。Where to begin, from 0. */
  begin?: number;
  /** 条数，最多 50。How many (50 at most). */
  count?: number;
  /** 0 全部，1 普通，2 精选。0 all, 1 not elected, 2 elected. */
  type?: 0 | 1 | 2;
}

/**
 * 图文留言管理。`msgDataId` 是群发或发布返回的 `msg_data_id`，`index` 是多图文中的第几篇（从 0 开始，
 * 默认第一篇）。
 *
 * Comments on articles. `msgDataId` is the `msg_data_id` mass sending or publishing returned;
 * `index` which article of it (from 0; the first by default).
 */
export class CommentApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  #post(path: string, body: Record<string, unknown>, options: CallOptions | undefined) {
    return this.#api.call<WeChatResult>({ method: 'POST', path, body, ...options });
  }

  /**
   * 打开文章的留言。`POST /cgi-bin/comment/open`。
   *
   * Open an article for comments.
   *
   * @example
   * ```ts
   * await client.openComment(sent.msg_data_id, 0);
   * ```
   */
  openComment(msgDataId: BigId, index = 0, options?: CallOptions): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/open',
      { msg_data_id: toBigIdNumber(msgDataId), index },
      options,
    );
  }

  /**
   * 关闭文章的留言。`POST /cgi-bin/comment/close`。
   *
   * Close an article for comments.
   *
   * @example
   * ```ts
   * await client.closeComment(sent.msg_data_id, 0);
   * ```
   */
  closeComment(msgDataId: BigId, index = 0, options?: CallOptions): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/close',
      { msg_data_id: toBigIdNumber(msgDataId), index },
      options,
    );
  }

  /**
   * 查看文章的留言。`POST /cgi-bin/comment/list`。
   *
   * List an article's comments, a page at a time.
   *
   * @example
   * ```ts
   * const { total, comment } = await client.getComments(sent.msg_data_id, 0, { begin: 0, count: 50, type: 0 });
   * ```
   */
  getComments(
    msgDataId: BigId,
    index = 0,
    query: CommentListQuery = {},
    options?: CallOptions,
  ): Promise<CommentListResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/comment/list',
      body: {
        msg_data_id: toBigIdNumber(msgDataId),
        index,
        begin: query.begin ?? 0,
        count: query.count ?? 50,
        type: query.type ?? 0,
      },
      ...options,
    });
  }

  /**
   * 将留言标为精选。`POST /cgi-bin/comment/markelect`。
   *
   * Elect a comment (精选): shown to every reader.
   *
   * @example
   * ```ts
   * await client.markCommentElect(sent.msg_data_id, 0, comment.user_comment_id);
   * ```
   */
  markCommentElect(
    msgDataId: BigId,
    index: number,
    userCommentId: number,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/markelect',
      { msg_data_id: toBigIdNumber(msgDataId), index, user_comment_id: userCommentId },
      options,
    );
  }

  /**
   * 取消精选。`POST /cgi-bin/comment/unmarkelect`。
   *
   * Un-elect a comment.
   *
   * @example
   * ```ts
   * await client.unmarkCommentElect(sent.msg_data_id, 0, comment.user_comment_id);
   * ```
   */
  unmarkCommentElect(
    msgDataId: BigId,
    index: number,
    userCommentId: number,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/unmarkelect',
      { msg_data_id: toBigIdNumber(msgDataId), index, user_comment_id: userCommentId },
      options,
    );
  }

  /**
   * 删除留言。`POST /cgi-bin/comment/delete`。
   *
   * Delete a comment.
   *
   * @example
   * ```ts
   * await client.deleteComment(sent.msg_data_id, 0, comment.user_comment_id);
   * ```
   */
  deleteComment(
    msgDataId: BigId,
    index: number,
    userCommentId: number,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/delete',
      { msg_data_id: toBigIdNumber(msgDataId), index, user_comment_id: userCommentId },
      options,
    );
  }

  /**
   * 回复留言。`POST /cgi-bin/comment/reply/add`。
   *
   * Reply to a comment as the author.
   *
   * @example
   * ```ts
   * await client.replyComment(sent.msg_data_id, 0, comment.user_comment_id, '谢谢支持');
   * ```
   */
  replyComment(
    msgDataId: BigId,
    index: number,
    userCommentId: number,
    content: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/reply/add',
      { msg_data_id: toBigIdNumber(msgDataId), index, user_comment_id: userCommentId, content },
      options,
    );
  }

  /**
   * 删除作者的回复。`POST /cgi-bin/comment/reply/delete`。
   *
   * Delete the author's reply to a comment.
   *
   * @example
   * ```ts
   * await client.deleteCommentReply(sent.msg_data_id, 0, comment.user_comment_id);
   * ```
   */
  deleteCommentReply(
    msgDataId: BigId,
    index: number,
    userCommentId: number,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#post(
      '/cgi-bin/comment/reply/delete',
      { msg_data_id: toBigIdNumber(msgDataId), index, user_comment_id: userCommentId },
      options,
    );
  }
}
