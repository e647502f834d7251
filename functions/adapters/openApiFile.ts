import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';

/** The OpenAPI document as the listener serves it: built once, read on the first request. */
export type OpenApiDocument = Readonly<Record<string, unknown>>;
export type OpenApiSource = () => Promise<OpenApiDocument>;

/** Written beside the listener's bundle by the CDK app's bundling (infra/cdk/bundleOpenApi.ts). */
export const openApiFile = 'openapi.json';

const documentSchema = z.record(z.string(), z.unknown());

/**
 * The document the bundling wrote beside `moduleUrl`. Generating it takes zod's JSON Schema
 * code and every route's docs, which would make the listener's bundle and cold start larger for
 * a document that only changes with the deployment; a source run generates it instead.
 */
export function bundledOpenApi(moduleUrl: string): OpenApiSource {
  return onceOpenApi(async () =>
    documentSchema.parse(JSON.parse(await readFile(new URL(openApiFile, moduleUrl), 'utf8'))),
  );
}

/** A source that makes the document on its first read and answers the same one after. */
export function onceOpenApi(make: () => Promise<OpenApiDocument>): OpenApiSource {
  let document: Promise<OpenApiDocument> | undefined;
  return () => {
    document ??= make();
    return document;
  };
}
