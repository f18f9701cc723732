import { PlatformError } from '../platformError';
import { followableNextLink } from './nextLink';

// Every OData collection the clients read (Dataverse, F&O, the dual-write tables, Microsoft Graph)
// pages the same way: `value` and an absolute `@odata.nextLink` until the last page. A service that
// answers a link it gave before (or pages without end) must not keep a client busy for ever: a link
// seen twice stops the read, and so does a page count no real collection reaches.

/** Pages one read may follow (at Dataverse's 5,000 records a page: five million records). */
export const MAX_PAGES = 1000;

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

export interface PagedReadOptions {
  /** Where the service's links must stay (followableNextLink); the first path is relative to it. */
  serviceRoot: string;
  maxPages?: number;
}

/**
 * Yields each page's records, from `firstPath` (relative to the service root) on, following each
 * nextLink as a path inside the service root. Throws a PlatformError for a link outside the root, a
 * link seen before, or more than `maxPages` pages.
 */
export async function* pagedRead<T>(
  firstPath: string,
  readPage: (path: string) => Promise<Page<T>>,
  options: PagedReadOptions,
): AsyncGenerator<T[]> {
  const maxPages = options.maxPages ?? MAX_PAGES;
  const seen = new Set<string>([firstPath.replace(/^\//, '')]);
  let path: string | undefined = firstPath;
  for (let pages = 1; path !== undefined; pages += 1) {
    const page = await readPage(path);
    yield page.value;
    if (page.nextLink === undefined) return;
    path = followableNextLink(options.serviceRoot, page.nextLink);
    if (seen.has(path)) {
      throw new PlatformError(
        'invalid',
        'The service answered a page link it had given before; paging stopped.',
      );
    }
    if (pages >= maxPages) {
      throw new PlatformError('invalid', `The service answered more than ${maxPages} pages; paging stopped.`);
    }
    seen.add(path);
  }
}

/** Every record of a paged read. */
export async function readAllPages<T>(
  firstPath: string,
  readPage: (path: string) => Promise<Page<T>>,
  options: PagedReadOptions,
): Promise<T[]> {
  const all: T[] = [];
  for await (const rows of pagedRead(firstPath, readPage, options)) all.push(...rows);
  return all;
}
