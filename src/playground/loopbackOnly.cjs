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
