import { randomUUID } from 'node:crypto';
import { DataverseError, parseODataError } from './dataverseError';

/**
 * The OData 4.0 multipart `$batch` format of the Dataverse Web API (the only one it has): building
 * a request from operations and change sets, and reading the multipart response back into one
 * result per operation. Written against Microsoft's documented examples, not the emulator.
 */
export interface BatchOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Absolute URL of the operation (the documented form). */
  url: string;
  headers?: Record<string, string>;
  /** JSON body; sent with `Content-Type: application/json`. */
  body?: unknown;
  /** Content-ID, inside change sets (referenced later as `$<id>`). */
  contentId?: string;
}

export type BatchEntry = BatchOperation | { changeSet: BatchOperation[] };

export interface BatchOperationResult {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body, when there is one. */
  body?: unknown;
  contentId?: string;
  /** The OData error of a failed operation. */
  error?: { code: string; message: string };
}

const CRLF = '\r\n';

export function buildBatchRequest(entries: BatchEntry[]): { contentType: string; body: string } {
  const boundary = `batch_${randomUUID()}`;
  const parts = entries.map((entry) => {
    if (!('changeSet' in entry)) return operationPart(entry);
    const changeSet = `changeset_${randomUUID()}`;
    const inner = entry.changeSet.map((operation, index) =>
      operationPart({ ...operation, contentId: operation.contentId ?? String(index + 1) }, changeSet),
    );
    return `Content-Type: multipart/mixed; boundary=${changeSet}${CRLF}${CRLF}${inner
      .map((part) => `--${changeSet}${CRLF}${part}`)
      .join('')}--${changeSet}--${CRLF}`;
  });
  const body = parts.map((part) => `--${boundary}${CRLF}${part}`).join('') + `--${boundary}--${CRLF}`;
  return { contentType: `multipart/mixed; boundary=${boundary}`, body };
}

function operationPart(operation: BatchOperation, _changeSet?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (operation.contentId !== undefined) lines.push(`Content-ID: ${operation.contentId}`);
  lines.push('', `${operation.method} ${operation.url} HTTP/1.1`);
  const headers: Record<string, string> = { ...operation.headers };
  if (operation.body !== undefined) headers['Content-Type'] = 'application/json';
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('', operation.body === undefined ? '' : JSON.stringify(operation.body), '');
  return lines.join(CRLF);
}

/** The boundary of a multipart Content-Type (quoted or not). */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed/i.test(contentType)) return undefined;
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** One result per operation, in order; a failed change set yields only its failing operation. */
export function parseBatchResponse(contentType: string | undefined, body: string): BatchOperationResult[] {
  const boundary = multipartBoundary(contentType);
  if (!boundary)
    throw new DataverseError(`$batch answered with '${contentType ?? 'no content type'}'`, 'batch_format');
  const results: BatchOperationResult[] = [];
  for (const part of splitParts(body, boundary)) {
    const { headers, content } = splitHead(part);
    const nested = multipartBoundary(headers['content-type']);
    if (nested) {
      for (const inner of splitParts(content, nested)) {
        const innerPart = splitHead(inner);
        results.push(readHttpResponse(innerPart.content, innerPart.headers['content-id']));
      }
    } else {
      results.push(readHttpResponse(content, headers['content-id']));
    }
  }
  return results;
}

function splitParts(body: string, boundary: string): string[] {
  const text = body.replace(/\r\n/g, '\n');
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let index = text.indexOf(delimiter);
  while (index !== -1) {
    const start = index + delimiter.length;
    if (text.startsWith('--', start)) return parts;
    const next = text.indexOf(`\n${delimiter}`, start);
    const end = next === -1 ? text.length : next;
    parts.push(text.slice(start, end).replace(/^[ \t]*\n/, ''));
    index = next === -1 ? -1 : next + 1;
  }
  throw new DataverseError(
    `$batch response is missing its closing boundary '${delimiter}--'`,
    'batch_format',
  );
}

function splitHead(part: string): { headers: Record<string, string>; content: string } {
  const end = part.indexOf('\n\n');
  const head = end === -1 ? part : part.slice(0, end);
  const headers: Record<string, string> = {};
  for (const line of head.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, content: end === -1 ? '' : part.slice(end + 2) };
}

function readHttpResponse(content: string, contentId: string | undefined): BatchOperationResult {
  const text = content.replace(/^\n+/, '');
  const lineEnd = text.indexOf('\n');
  const statusLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  const match = /^HTTP\/1\.[01]\s+(\d{3})/.exec(statusLine.trim());
  if (!match)
    throw new DataverseError(`Unreadable $batch part status line '${statusLine.trim()}'`, 'batch_format');
  const rest = lineEnd === -1 ? '' : text.slice(lineEnd + 1);
  const { headers, content: rawBody } = rest.startsWith('\n')
    ? { headers: {}, content: rest.slice(1) }
    : splitHead(rest);
  const bodyText = rawBody.trim();
  let body: unknown;
  if (bodyText !== '') {
    try {
      body = JSON.parse(bodyText);
    } catch {
      body = bodyText;
    }
  }
  const status = Number(match[1]);
  return {
    status,
    headers,
    body,
    contentId,
    error:
      status >= 400 ? (parseODataError(body) ?? { code: `http_${status}`, message: bodyText }) : undefined,
  };
}
