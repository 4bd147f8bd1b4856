/**
 * The request and result types of the client areas of issue 11: subscription messages (订阅通知),
 * template management, customer-service sessions and the typing status, the blacklist, short
 * keys, data analysis (数据统计) and article comments. Re-exported by `zgrobot/client`.
 * @module
 */
export type { BlacklistResult } from './blacklist.js';
export type {
  ArticleComment,
  CommentListQuery,
  CommentListResult,
} from './comment.js';
export type {
  ArticleStats,
  ArticleSummaryItem,
  ArticleTotalItem,
  DataCubeResult,
  InterfaceSummaryItem,
  UpstreamMsgDistItem,
  UpstreamMsgItem,
  UserCumulateItem,
  UserReadItem,
  UserShareItem,
  UserSummaryItem,
} from './datacube.js';
export type { DataCubeDate } from './date-range.js';
export type {
  KfMessageRecord,
  KfMessageRecordsQuery,
  KfMessageRecordsResult,
  KfSessionListResult,
  KfSessionResult,
  KfWaitCaseResult,
  TypingCommand,
} from './kf-session.js';
export type { ShortKeyDataResult, ShortKeyResult } from './short-key.js';
export type {
  AddSubscribeTemplateResult,
  PubTemplateKeyword,
  PubTemplateKeywordsResult,
  PubTemplateTitle,
  PubTemplateTitlesResult,
  SubscribeCategoriesResult,
  SubscribeCategory,
  SubscribeDataItem,
  SubscribeMessage,
  SubscribeTemplate,
  SubscribeTemplatesResult,
} from './subscribe-message.js';
export type {
  AddTemplateResult,
  PrivateTemplate,
  PrivateTemplatesResult,
  TemplateIndustry,
  TemplateIndustryResult,
} from './template.js';
