import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';

/** An OpenAPI 3.1 document, as the API serves it. */
export type ContractDocument = Readonly<Record<string, unknown>>;

/** What is wrong with an integration's answer to a route, by the contract; undefined when nothing is. */
export type AnswerCheck = (routeKey: string, answer: APIGatewayProxyStructuredResultV2) => string | undefined;

const DOC = 'contract';

/** JSON Pointer escaping (RFC 6901), for a path like `/v1/downloads/{cookie}`. */
const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

const responseSchema = z.object({
  content: z.optional(z.record(z.string(), z.object({ schema: z.optional(z.unknown()) }))),
});
type ResponseJson = z.infer<typeof responseSchema>;

/** The parts of the document the check reads: each operation's responses, by path and method. */
const pathsSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
const operationSchema = z.object({ responses: z.record(z.string(), responseSchema) });

/**
 * Checks each answer against the OpenAPI document's response for its route and status: the status
 * must be one the operation lists, a JSON body must match its schema, and a response without
 * content must have no body. The local HTTP API runs it on every integration answer, so a
 * handler that drifts from the contract fails the very test that made it answer.
 */
export function answerContract(document: ContractDocument): AnswerCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, DOC);
  const paths = pathsSchema.parse(document.paths ?? {});
  const validators = new Map<string, ValidateFunction | null>();

  const validatorFor = (path: string, method: string, status: string, response: ResponseJson) => {
    const id = `${method} ${path} ${status}`;
    let v = validators.get(id);
    if (v === undefined) {
      v = response.content?.['application/json']?.schema
        ? ajv.compile({
            $ref: `${DOC}#/paths/${pointer(path)}/${method}/responses/${status}/content/application~1json/schema`,
          })
        : null;
      validators.set(id, v);
    }
    return v;
  };

  return (routeKey, answer) => {
    const [method, path] = routeKey.split(' ');
    if (method === undefined || path === undefined) return undefined; // $default: no operation to hold it to
    const operation = operationSchema.safeParse(paths[path]?.[method.toLowerCase()]);
    if (!operation.success) return `${routeKey} is not in the contract`;
    const status = String(answer.statusCode ?? 200);
    const response = operation.data.responses[status];
    if (!response) return `${routeKey} answered ${status}, which the contract does not list`;
    const validate = validatorFor(path, method.toLowerCase(), status, response);
    const body = answer.isBase64Encoded ? Buffer.from(answer.body ?? '', 'base64').toString('utf8') : answer.body;
    if (!validate) return body ? `${routeKey} ${status} has a body the contract says it has not` : undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      return `${routeKey} ${status}: the body is not JSON`;
    }
    if (validate(parsed)) return undefined;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is wrong'}`);
    return `${routeKey} ${status}: ${problems.slice(0, 5).join('; ')}`;
  };
}
