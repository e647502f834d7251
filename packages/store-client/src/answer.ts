import { StoreApiError } from './storeApiError.js';

/** What an openapi-fetch call resolves to: the success body, or the error body, with the response. */
type Answer<Data, Failure> =
  | { readonly data: Data; readonly error?: never; readonly response: Response }
  | { readonly data?: never; readonly error: Failure; readonly response: Response };

/** The success body of an answer; any other answer (or one without a body) throws a StoreApiError. */
export function dataOf<Data, Failure>(answer: Answer<Data, Failure>): NonNullable<Data> {
  const { data, error, response } = answer;
  if (error !== undefined || !response.ok || data === undefined || data === null)
    throw new StoreApiError(response.status, error, response.headers);
  return data;
}

/** Checks an answer that has no body (204); any other throws a StoreApiError. */
export function noContent<Data, Failure>(answer: Answer<Data, Failure>): void {
  const { error, response } = answer;
  if (error !== undefined || response.status !== 204) throw new StoreApiError(response.status, error, response.headers);
}
