import { randomUUID } from 'node:crypto';
import type { Service } from './requestActions.js';

export interface DeniedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** AWS's sentence: "User: <caller> is not authorized to perform: <action> on resource: <arn> <reason>". */
export function deniedMessage(caller: string, action: string, resource: string, reason: string): string {
  return `User: ${caller} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
}

/** The AccessDenied answer each service gives, in its own protocol's error format. */
export function accessDenied(service: Service, message: string, method: string): DeniedAnswer {
  const requestId = randomUUID();
  switch (service) {
    case 'dynamodb':
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }),
      };
    case 'sqs':
      return {
        status: 400,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': requestId,
          'x-amzn-query-error': 'AccessDenied;Sender',
        },
        body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }),
      };
    case 'kms':
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: 'AccessDeniedException', message }),
      };
    case 's3': {
      const xml =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`;
      // A HEAD answer has no body: the SDK sees only the status.
      return {
        status: 403,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: method === 'HEAD' ? '' : xml,
      };
    }
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
