import type { components, operations, webhooks } from './openapi.js';

/** The JSON body an operation takes. */
type BodyOf<Op extends keyof operations> =
  NonNullable<operations[Op]['requestBody']> extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body an operation answers with a status. */
type AnswerOf<
  Op extends keyof operations,
  Status extends keyof operations[Op]['responses'],
> = operations[Op]['responses'][Status] extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body trackdrop POSTs for a webhook. */
type WebhookBody<Name extends keyof webhooks> = webhooks[Name]['post']['requestBody']['content']['application/json'];

/** The named shapes of the store API, each read from the generated types (openapi.ts). */
export type LicenseBody = BodyOf<'putLicense'>;
export type LicenseAnswer = AnswerOf<'putLicense', 201>;
export type LicenseBatchItem = BodyOf<'putLicenseBatch'>['licenses'][number];
export type LicenseBatchResult = AnswerOf<'putLicenseBatch', 200>['results'][number];
export type SessionBody = BodyOf<'openSession'>;
export type Container = NonNullable<SessionBody['containers']>[number];
export type SessionOpened = AnswerOf<'openSession', 201>;
export type DownloadTrackBody = BodyOf<'downloadTrack'>;
export type TrackAnswer = AnswerOf<'downloadTrack', 202>;
export type TrackBatchResult = AnswerOf<'downloadTrackBatch', 200>['results'][number];
export type SessionStatus = AnswerOf<'getSession', 200>;
export type SessionTrack = SessionStatus['tracks'][number];
export type TrackState = SessionTrack['state'];
export type CancelAnswer = AnswerOf<'cancelSession', 202>;
export type LibraryPage = AnswerOf<'getLibrary', 200>;
export type LibraryItem = LibraryPage['items'][number];
export type ContentIdsPage = AnswerOf<'getContentIds', 200>;
export type EventsPage = AnswerOf<'listEvents', 200>;
export type EventEntry = EventsPage['events'][number];
export type EventType = EventEntry['type'];
export type RedeliveryAnswer = AnswerOf<'redeliverEvent', 202>;
/** An error answer's body: `{error: {code, message, hresult?, requestId?}}`. */
export type ErrorBody = components['schemas']['Error'];
/** One item's refusal inside a batch answer. */
export type ItemError = Extract<LicenseBatchResult, { error: unknown }>['error'];

/** The webhooks a store receives at its callback URL. */
export type DownloadEvent = WebhookBody<'Download'>;
export type DownloadTrackCompleteEvent = WebhookBody<'DownloadTrackComplete'>;
export type CallbackEvent = DownloadEvent | DownloadTrackCompleteEvent;
