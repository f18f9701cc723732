import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { startTeamsSendSpan } from '../../src/bot/botTelemetry';
import { createLogger } from '../../src/log';
import { createHttpClient } from '../../src/platform/http/httpPolicy';
import { startTelemetryKit, type TelemetryKit } from './telemetryKit';

const ROOT = path.join(__dirname, '..', '..');

describe('telemetry setup', () => {
  it('exports nothing and loads no SDK without configuration', async () => {
    // A fresh process, as `npm start` has: what src/composition/telemetry.ts loaded is in require.cache.
    const script = `
      const { startTelemetry } = require('./src/composition/telemetry');
      const { loadConfig } = require('./src/config');
      const { trace } = require('@opentelemetry/api');
      startTelemetry(loadConfig({})).then((t) => {
        const loaded = Object.keys(require.cache).filter((k) =>
          /@opentelemetry[\\\\/](sdk-|exporter-)|monitor-opentelemetry/.test(k));
        const span = trace.getTracer('t').startSpan('x');
        console.log(JSON.stringify({ exporting: t.exporting, loaded, recording: span.isRecording() }));
      });`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), '-e', script],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({
      exporting: 'none',
      loaded: [],
      recording: false,
    });
  });

  describe('with an SDK', () => {
    let kit: TelemetryKit;
    beforeEach(async () => {
      kit = await startTelemetryKit();
    });
    afterEach(async () => {
      await kit.close();
    });

    it('puts the trace and span ids on every log line written inside a span', () => {
      const lines: string[] = [];
      const logger = createLogger(
        'info',
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      );
      const span = trace.getTracer('test').startSpan('work');
      context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
      span.end();
      logger.info('outside');
      const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(inside).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
      expect(outside.trace_id).toBeUndefined();
    });

    it('counts a throttled answer by service and puts one span on the call, its retry and request id included', async () => {
      let calls = 0;
      const server = http.createServer((_req, res) => {
        calls += 1;
        if (calls === 1) {
          res.writeHead(429, { 'Retry-After': '0', 'x-ms-service-request-id': 'svc-1' }).end();
          return;
        }
        res
          .writeHead(200, { 'Content-Type': 'application/json', 'x-ms-service-request-id': 'svc-2' })
          .end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const client = createHttpClient({ baseURL, service: 'dataverse' });
        await client.get("/api/data/v9.2/accounts?$filter=name eq 'Contoso'");
      } finally {
        server.close();
      }
      const spans = kit.spans().filter((s) => s.kind === SpanKind.CLIENT);
      expect(spans).toHaveLength(1);
      expect(spans[0].name).toBe('GET dataverse');
      expect(spans[0].attributes).toEqual({
        'http.request.method': 'GET',
        'server.address': new URL(baseURL).host,
        'dynamics.service': 'dataverse',
        'http.response.status_code': 200,
        'http.request.resend_count': 1,
        'dynamics.request_id': 'svc-2',
        'dynamics.request_id_header': 'x-ms-service-request-id',
      });
      expect(await kit.points('dualwrite.http.throttled')).toEqual([
        expect.objectContaining({
          attributes: { 'dynamics.service': 'dataverse', 'http.retry_after': true },
          value: 1,
        }),
      ]);
    });

    it('puts one client span on each Teams send, an error with its status when it failed', () => {
      startTeamsSendSpan('update').end('failed', 3, 429);
      startTeamsSendSpan('send').end('sent', 1);
      const spans = kit.spans().filter((s) => s.kind === SpanKind.CLIENT);
      expect(spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status }))).toEqual([
        {
          name: 'teams update',
          attributes: {
            'teams.send.kind': 'update',
            'teams.send.outcome': 'failed',
            'http.request.resend_count': 2,
            'http.response.status_code': 429,
          },
          status: { code: SpanStatusCode.ERROR, message: 'HTTP 429' },
        },
        {
          name: 'teams send',
          attributes: {
            'teams.send.kind': 'send',
            'teams.send.outcome': 'sent',
            'http.request.resend_count': 0,
          },
          status: { code: SpanStatusCode.UNSET },
        },
      ]);
    });
  });
});
