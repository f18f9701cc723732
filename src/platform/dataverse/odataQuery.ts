import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { pagedRead } from '../http/pagedRead';
import { PlatformError } from '../platformError';
import { DataverseError, toDataverseError } from './dataverseError';

/**
 * Reads a Dataverse collection page by page, following `@odata.nextLink` as the service wrote it
 * (the `$skiptoken` paging cookie is opaque) but only inside the client's service root, never a link
 * twice (pagedRead.ts), with `Prefer: odata.maxpagesize`.
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
  const prefer = `odata.maxpagesize=${Math.min(options.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)}`;
  const what = `GET ${path.split('?')[0]}`;
  const readPage = async (url: string) => {
    let data: unknown;
    try {
      ({ data } = await http.get(url, { headers: { Prefer: prefer }, signal: options.signal }));
    } catch (error) {
      throw toDataverseError(error, what);
    }
    const parsed = page.safeParse(data);
    if (!parsed.success) throw toDataverseError(new Error('unexpected collection shape'), what);
    return { value: parsed.data.value, nextLink: parsed.data['@odata.nextLink'] };
  };
  try {
    yield* pagedRead(path, readPage, { serviceRoot: String(http.defaults.baseURL) });
  } catch (error) {
    // A link refused by pagedRead (outside the root, seen before, too many pages): not retried.
    if (error instanceof PlatformError)
      throw new DataverseError(`${what}: ${error.message}`, 'next_link_refused');
    throw error;
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
