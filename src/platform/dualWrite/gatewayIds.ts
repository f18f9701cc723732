import { PlatformError, trimUrl } from '../platformError';

// How the gateway client names things: the F&O environment by its URL without the scheme (the
// `identifier` of `Environments`), and a connection by the port's id `<cid>:<cname>` (the gateway
// reads the connection set by name and everything else by cid).

/** `identifier` of `Environments`: the F&O URL without its scheme (the host, for a real F&O URL). */
export function financeOpsIdentifier(url: string): string {
  return trimUrl(url)
    .replace(/^https?:\/\//i, '')
    .toLowerCase();
}

export function parseConnectionId(id: string): { cid: string; cname: string } {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1)
    throw new PlatformError(
      'invalid',
      `${id} is not a dual-write connection id of the gateway (<cid>:<cname>).`,
    );
  return { cid: id.slice(0, at), cname: id.slice(at + 1) };
}
