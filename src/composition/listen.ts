import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Config } from '../config';

// Starts the HTTP server on PORT and the configured host, and says the URL it answers on.

const KEEP_ALIVE_MS = 240_000 + 5_000;

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(app: express.Express, config: Config): Promise<Listening> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.PORT, config.listenHost, () => resolve(listening));
    listening.once('error', reject);
  });
  // Node closes an idle kept-alive connection after 5 s by default; a client (the Bot Connector, a
  // load balancer) reusing it at that moment sees "socket hang up". Keep idle connections longer than
  // Azure's load balancers do (4 minutes), and let headers wait a little longer than that.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
