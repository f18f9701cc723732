import type { IncomingMessage, ServerResponse } from 'node:http';

// What runs without authentication on this machine (the bot in local mode, the emulator) answers
// only requests addressed to a loopback name. Binding to 127.0.0.1 keeps other machines out, but not
// a web page: a DNS-rebinding page makes the browser send its requests to 127.0.0.1 with the page's
// own host name in `Host`, and would then read and post as a same-origin page. The Agents Playground's
// preload (src/playground/loopbackOnly.cjs) applies the same rule in its own process.

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A `Host` header naming this machine: 127.0.0.1, localhost or [::1], with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec((host ?? '').trim().toLowerCase());
  return match !== null && LOOPBACK_NAMES.has(match[1]);
}

/** A URL on this machine (what a local-mode activity's `serviceUrl` must be). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) && isLoopbackHost(parsed.host);
  } catch {
    return false;
  }
}

/** Middleware (express or plain Node): a request with another `Host` gets 403 and goes no further. */
export function loopbackHostsOnly() {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (isLoopbackHost(req.headers.host)) return next();
    res.writeHead(403, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'forbidden host' }));
  };
}
