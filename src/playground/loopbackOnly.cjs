/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
/**
 * Preloaded (`node --require`) into the Agents Playground process. The Playground calls
 * `server.listen(port)` without a host, which binds every interface; it speaks for the signed-in
 * user without any authentication, so it must only ever be reachable from this machine. This adds
 * 127.0.0.1 to every listen() that names no host.
 */
const net = require('node:net');

const HOST = '127.0.0.1';
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (first.path === undefined && first.handle === undefined && first.fd === undefined && !first.host) {
      args[0] = { ...first, host: HOST };
    }
  } else if (
    typeof first === 'number' ||
    (typeof first === 'string' && /^\d+$/.test(first)) ||
    first === undefined
  ) {
    if (args.length < 2 || typeof args[1] === 'function' || typeof args[1] === 'number')
      args.splice(1, 0, HOST);
    else if (args[1] === undefined || args[1] === null) args[1] = HOST;
    if (args[0] === undefined) args[0] = 0;
  }
  return original.apply(this, args);
};

/**
 * The Playground answers for the signed-in user without authentication, so a browser page that
 * rebinds its DNS name to 127.0.0.1 must not reach it: every HTTP request and WebSocket upgrade whose
 * `Host` is not 127.0.0.1, localhost or [::1] (any port) is refused before the Playground sees it.
 * The same rule as src/loopbackHost.ts, written out here because this preload runs in a plain Node
 * process that cannot load TypeScript.
 */
const http = require('node:http');

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLoopbackHost(host) {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(String(host ?? '').trim().toLowerCase());
  return match !== null && LOOPBACK_NAMES.has(match[1]);
}

const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitLoopbackOnly(event, ...args) {
  if (event === 'request' && !isLoopbackHost(args[0].headers.host)) {
    const res = args[1];
    res.writeHead(403, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'forbidden host' }));
    return true;
  }
  if (event === 'upgrade' && !isLoopbackHost(args[0].headers.host)) {
    args[1].end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return true;
  }
  return originalEmit.call(this, event, ...args);
};
