import { errors } from './odataErrors';

/**
 * Parses an OData 4.0 multipart `$batch` request body (docs/dynamics-apis.md): top-level parts are single
 * `application/http` requests or `multipart/mixed` change sets, whose operations carry `Content-ID`.
 * Lenient on line endings (CRLF or LF) and on quoted boundaries, like the service.
 */
export interface BatchOperation {
  method: string;
  /** Request target as written: absolute URL, absolute path, path below the service root or `$n`. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  contentId?: string;
}

export type BatchPart =
  { kind: 'operation'; operation: BatchOperation } | { kind: 'changeSet'; operations: BatchOperation[] };

export const MAX_BATCH_OPERATIONS = 1000;

/** The boundary parameter of a multipart Content-Type, quoted or not. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed/i.test(contentType)) return undefined;
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

export function parseBatchRequest(contentType: string | undefined, body: string): BatchPart[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw errors.badQuery("The $batch request must be 'multipart/mixed' with a boundary.");
  const parts: BatchPart[] = [];
  for (const raw of splitMultipart(body, boundary)) {
    const { headers, content } = splitHeaders(raw);
    const nested = boundaryOf(headers['content-type']);
    if (nested) {
      const operations = splitMultipart(content, nested).map((inner) => {
        const part = splitHeaders(inner);
        const operation = parseHttpPart(part.content);
        if (operation.method === 'GET')
          throw errors.badQuery('A GET request is not allowed inside a change set.');
        operation.contentId = part.headers['content-id'];
        return operation;
      });
      parts.push({ kind: 'changeSet', operations });
    } else {
      const operation = parseHttpPart(content);
      operation.contentId = headers['content-id'];
      parts.push({ kind: 'operation', operation });
    }
  }
  const count = parts.reduce(
    (sum, part) => sum + (part.kind === 'changeSet' ? part.operations.length : 1),
    0,
  );
  if (count > MAX_BATCH_OPERATIONS) {
    throw errors.badQuery(
      `The number of requests in the batch (${count}) exceeds the limit of ${MAX_BATCH_OPERATIONS}.`,
    );
  }
  if (count === 0) throw errors.badQuery('The $batch request holds no operations.');
  return parts;
}

/** Operations in a parsed batch (what execution time is charged for). */
export function operationCount(parts: BatchPart[]): number {
  return parts.reduce((sum, part) => sum + (part.kind === 'changeSet' ? part.operations.length : 1), 0);
}

/** The parts between `--boundary` delimiters, up to `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const text = body.replace(/\r\n/g, '\n');
  const delimiter = `--${boundary}`;
  const segments = text.split(new RegExp(`(?:^|\\n)${escapeRegExp(delimiter)}`));
  const parts: string[] = [];
  let closed = false;
  // segments[0] is the preamble.
  for (const segment of segments.slice(1)) {
    if (segment.startsWith('--')) {
      closed = true;
      break;
    }
    parts.push(segment.replace(/^[ \t]*\n/, ''));
  }
  if (!closed) throw errors.badQuery(`The multipart body is missing its closing delimiter '${delimiter}--'.`);
  return parts;
}

function splitHeaders(part: string): { headers: Record<string, string>; content: string } {
  const end = part.indexOf('\n\n');
  const head = end === -1 ? part : part.slice(0, end);
  const content = end === -1 ? '' : part.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, content };
}

function parseHttpPart(content: string): BatchOperation {
  const text = content.replace(/^\n+/, '');
  const lineEnd = text.indexOf('\n');
  const requestLine = (lineEnd === -1 ? text : text.slice(0, lineEnd)).trim();
  const match = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/1\.1)?$/.exec(requestLine);
  if (!match) throw errors.badQuery(`Invalid request line in $batch part: '${requestLine}'.`);
  const rest = lineEnd === -1 ? '' : text.slice(lineEnd + 1);
  // No headers at all: the blank line follows the request line directly.
  const { headers, content: body } = rest.startsWith('\n')
    ? { headers: {}, content: rest.slice(1) }
    : splitHeaders(rest);
  const trimmed = body.replace(/\n+$/, '');
  return { method: match[1], url: match[2], headers, body: trimmed === '' ? undefined : trimmed };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
