import { PlatformError } from '../platformError';

// OData services page with `@odata.nextLink`, an absolute URL the service writes (Dataverse and F&O
// both do). The client follows it with the same bearer token as the first page, so a link to another
// origin, planted by a compromised or impersonated service, would hand that token to whoever it
// names. A link is followed only inside the client's own service root, and as a path relative to it
// (the HTTP clients also refuse absolute URLs: see httpPolicy.ts). The same holds for other links a
// service writes for the client to follow (the `Location` of a Power Platform lifecycle operation).

/**
 * The path of `nextLink` relative to `serviceRoot` (what the client's `get` takes), or a
 * PlatformError when the link leaves the service root's origin or path.
 */
export function followableNextLink(serviceRoot: string, nextLink: string): string {
  const root = new URL(serviceRoot.endsWith('/') ? serviceRoot : `${serviceRoot}/`);
  let next: URL;
  try {
    next = new URL(nextLink, root);
  } catch {
    throw new PlatformError('invalid', 'The service answered a link that is not a URL.');
  }
  if (next.origin !== root.origin || !next.pathname.startsWith(root.pathname) || next.username) {
    throw new PlatformError(
      'invalid',
      `The service answered a link outside ${root.origin}${root.pathname}; it was not followed.`,
    );
  }
  return `${next.pathname.slice(root.pathname.length)}${next.search}`;
}
