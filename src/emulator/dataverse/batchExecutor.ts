import { randomUUID } from 'node:crypto';
import type { BatchOperation, BatchPart } from './batchRequest';
import type { DataverseStore } from './dataverseStore';
import { ODataError } from './odataErrors';
import { parsePrefer } from './preferHeader';
import type { WebApi, WebApiResponse } from './webApi';

/**
 * Runs a parsed `$batch` and writes the multipart response as the service does (docs/dynamics-apis.md): parts in
 * order; a change set is atomic (one SQLite transaction) and, when it fails, answers with only the
 * failing operation; without `Prefer: odata.continue-on-error` processing stops at the first failure
 * and the top-level status is the failing one.
 */
export interface BatchResult {
  status: number;
  contentType: string;
  body: string;
  preferenceApplied?: string;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function executeBatch(
  api: WebApi,
  store: DataverseStore,
  parts: BatchPart[],
  prefer: string | undefined,
): BatchResult {
  const continueOnError = parsePrefer(prefer).continueOnError;
  const boundary = `batchresponse_${randomUUID()}`;
  const out: string[] = [];
  let failedStatus: number | undefined;

  for (const part of parts) {
    if (part.kind === 'operation') {
      const response = runOperation(api, part.operation, new Map());
      out.push(httpPart(response, part.operation.contentId));
      if (response.status >= 400) {
        failedStatus ??= response.status;
        if (!continueOnError) break;
      }
      continue;
    }
    const references = new Map<string, string>();
    const responses: Array<{ response: WebApiResponse; contentId?: string }> = [];
    let failure: { response: WebApiResponse; contentId?: string } | undefined;
    try {
      store.transaction(() => {
        for (const operation of part.operations) {
          const response = runOperation(api, operation, references);
          if (response.status >= 400) {
            failure = { response, contentId: operation.contentId };
            throw new RollBack();
          }
          if (operation.contentId && response.headers['OData-EntityId']) {
            references.set(operation.contentId, response.headers['OData-EntityId']);
          }
          responses.push({ response, contentId: operation.contentId });
        }
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
    }
    if (failure) {
      out.push(httpPart(failure.response, failure.contentId));
      failedStatus ??= failure.response.status;
      if (!continueOnError) break;
      continue;
    }
    const changeSetBoundary = `changesetresponse_${randomUUID()}`;
    const inner = responses.map(
      ({ response, contentId }) => `--${changeSetBoundary}\r\n${httpPart(response, contentId)}`,
    );
    out.push(
      `Content-Type: multipart/mixed; boundary=${changeSetBoundary}\r\n\r\n${inner.join('')}--${changeSetBoundary}--\r\n`,
    );
  }

  const body = out.map((part) => `--${boundary}\r\n${part}`).join('') + `--${boundary}--\r\n`;
  return {
    status: failedStatus !== undefined && !continueOnError ? failedStatus : 200,
    contentType: `multipart/mixed; boundary=${boundary}`,
    body,
    preferenceApplied: continueOnError ? 'odata.continue-on-error' : undefined,
  };
}

class RollBack extends Error {}

/** One operation; OData errors become error responses (they are data in a batch, not exceptions). */
function runOperation(
  api: WebApi,
  operation: BatchOperation,
  references: Map<string, string>,
): WebApiResponse {
  try {
    const target = resolveTarget(api, operation.url, references);
    const body = operation.body?.replace(/"\$(\d+)"/g, (whole, id: string) =>
      references.has(id) ? JSON.stringify(references.get(id)) : whole,
    );
    return api.execute({
      method: operation.method,
      resource: target.resource,
      query: target.query,
      headers: operation.headers,
      body,
    });
  } catch (error) {
    if (error instanceof ODataError)
      return { status: error.status, headers: error.headers, body: error.toBody() };
    throw error;
  }
}

/** Absolute URL, absolute path, path below the service root, or `$n` (a Content-ID reference). */
function resolveTarget(
  api: WebApi,
  url: string,
  references: Map<string, string>,
): { resource: string; query: URLSearchParams } {
  let target = url;
  const reference = /^\$(\d+)(.*)$/.exec(url);
  if (reference) {
    const resolved = references.get(reference[1]);
    if (!resolved)
      throw new ODataError(400, '0x80060888', `Content-ID reference '$${reference[1]}' is not defined.`);
    target = resolved + reference[2];
  }
  const marker = '/api/data/v9.2/';
  const at = target.indexOf(marker);
  const relative = at >= 0 ? target.slice(at + marker.length) : target.replace(/^\//, '');
  const question = relative.indexOf('?');
  return question === -1
    ? { resource: relative, query: new URLSearchParams() }
    : { resource: relative.slice(0, question), query: new URLSearchParams(relative.slice(question + 1)) };
}

function httpPart(response: WebApiResponse, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`.trimEnd());
  const headers: Record<string, string> = { ...response.headers };
  if (response.body !== undefined) headers['Content-Type'] = 'application/json; odata.metadata=minimal';
  headers['OData-Version'] = '4.0';
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('', response.body === undefined ? '' : JSON.stringify(response.body), '');
  return lines.join('\r\n');
}
