import express from 'express';
import axios from 'axios';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '../../src/log';

/**
 * An axios error carries the request's Authorization header twice (config.headers and the raw
 * request text). Logging one with `{ err }` must write neither.
 */
describe('error logging keeps bearer tokens out', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    const app = express();
    app.get('/fail', (_req, res) => res.status(503).send('unavailable'));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fail`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('logs the failure but not the token, under err, error or as the first argument', async () => {
    const token = 'emulator.TOKEN-THAT-MUST-NOT-BE-LOGGED';
    const error = await axios.get(url, { headers: { Authorization: `Bearer ${token}` } }).catch((e) => e);
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    logger.error({ err: error }, 'with err');
    logger.warn({ error }, 'with error');
    logger.error(error as Error, 'as the object');
    logger.debug({ headers: { Authorization: `Bearer ${token}` } }, 'headers');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain('TOKEN-THAT-MUST-NOT-BE-LOGGED');
    expect(lines[0]).toContain('Request failed with status code 503');
    expect(JSON.parse(lines[0]).err.status).toBe(503);
  });
});
