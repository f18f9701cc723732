import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { followableNextLink } from '../http/nextLink';
import { DataverseError, toDataverseError } from './dataverseError';

/**
 * Reads a Dataverse collection page by page, following `@odata.nextLink` as the service wrote it
 * (the `$skiptoken` paging cookie is opaque) but only inside the client's service root (nextLink.ts),
 * with `Prefer: odata.maxpagesize`.
 */
const page = z.object({
  value: z.array(z.record(z.unknown())),
  '@odata.nextLink': z.string().optional(),
  '@odata.count': z.number().optional(),
});

export const MAX_PAGE_SIZE = 5000;

/** Yields each page's records. `path` is relative to the service root, query included. */
export async function* queryPages(
  http: AxiosInstance,
  path: string,
  options: { maxPageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Array<Record<string, unknown>>> {
  let url: string | undefined = path;
  const prefer = `odata.maxpagesize=${Math.min(options.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)}`;
  while (url) {
    let data: unknown;
    try {
      ({ data } = await http.get(url, { headers: { Prefer: prefer }, signal: options.signal }));
    } catch (error) {
      throw toDataverseError(error, `GET ${path.split('?')[0]}`);
    }
    const parsed = page.safeParse(data);
    if (!parsed.success)
      throw toDataverseError(new Error('unexpected collection shape'), `GET ${path.split('?')[0]}`);
    yield parsed.data.value;
    const next = parsed.data['@odata.nextLink'];
    url = next === undefined ? undefined : withinServiceRoot(http, next, path);
  }
}

/** Every record of a query, all pages. */
export async function queryAll(
  http: AxiosInstance,
  path: string,
  options: { maxPageSize?: number; signal?: AbortSignal } = {},
): Promise<Array<Record<string, unknown>>> {
  const all: Array<Record<string, unknown>> = [];
  for await (const records of queryPages(http, path, options)) all.push(...records);
  return all;
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A nextLink as a path under the client's service root; refused (not retried) when it leaves it. */
function withinServiceRoot(http: AxiosInstance, nextLink: string, path: string): string {
  try {
    return followableNextLink(String(http.defaults.baseURL), nextLink);
  } catch (error) {
    throw new DataverseError(`GET ${path.split('?')[0]}: ${(error as Error).message}`, 'next_link_refused');
  }
}
