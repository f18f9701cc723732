import { context, metrics, trace } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config';
import type { Logger } from '../log';
import { resetBotMetrics } from '../bot/botTelemetry';
import { resetForegroundMetrics } from '../foreground';
import { resetEngineMetrics } from '../engine/engineMetrics';
import { resetHttpMetrics } from '../platform/http/httpTracing';
import { AsyncLocalContextManager } from './asyncContext';

// Where traces and metrics go (docs/operations.md). The engine, platform and bot speak only
// @opentelemetry/api; this is the one place an SDK is set up. Nothing is exported, and no SDK module
// is even loaded, unless APPLICATIONINSIGHTS_CONNECTION_STRING (the Azure Monitor distro:
// https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-enable?tabs=nodejs) or an
// OTEL_EXPORTER_OTLP_* endpoint is set.

export type TelemetryConfig = Pick<
  Config,
  | 'APPLICATIONINSIGHTS_CONNECTION_STRING'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_HEADERS'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_METRIC_EXPORT_INTERVAL'
>;

export interface Telemetry {
  exporting: 'none' | 'azure-monitor' | 'otlp';
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export async function startTelemetry(config: TelemetryConfig, logger?: Logger): Promise<Telemetry> {
  if (config.APPLICATIONINSIGHTS_CONNECTION_STRING) return startAzureMonitor(config, logger);
  const traces = otlpUrl(
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    config.OTEL_EXPORTER_OTLP_ENDPOINT,
    'traces',
  );
  const metricsUrl = otlpUrl(
    config.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
    config.OTEL_EXPORTER_OTLP_ENDPOINT,
    'metrics',
  );
  if (!traces && !metricsUrl) return { exporting: 'none', shutdown: async () => {} };
  const headers = config.OTEL_EXPORTER_OTLP_HEADERS;
  const spanProcessors: SpanProcessor[] = [];
  const metricReaders: MetricReader[] = [];
  if (traces) {
    const [{ BatchSpanProcessor }, { OTLPTraceExporter }] = await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
    ]);
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: traces, headers })));
  }
  if (metricsUrl) {
    const [{ PeriodicExportingMetricReader }, { OTLPMetricExporter }] = await Promise.all([
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
    ]);
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: metricsUrl, headers }),
        exportIntervalMillis: config.OTEL_METRIC_EXPORT_INTERVAL,
      }),
    );
  }
  const installed = await installTelemetry({
    serviceName: config.OTEL_SERVICE_NAME,
    spanProcessors,
    metricReaders,
  });
  logger?.info({ traces, metrics: metricsUrl }, 'exporting telemetry over OTLP');
  return { exporting: 'otlp', shutdown: installed.shutdown };
}

/** The Azure Monitor distro: its own tracer and meter providers and context manager, set globally. */
async function startAzureMonitor(config: TelemetryConfig, logger?: Logger): Promise<Telemetry> {
  const [{ useAzureMonitor, shutdownAzureMonitor }, { resourceFromAttributes }] = await Promise.all([
    import('@azure/monitor-opentelemetry'),
    import('@opentelemetry/resources'),
  ]);
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING },
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME }),
    // Runs are few and long: every trace is kept, whole (the default keeps 5 traces a second).
    samplingRatio: 1,
    tracesPerSecond: 0,
    // Our spans describe each Dynamics call without its query (filters can name customer data);
    // the generic HTTP and database instrumentations would record full URLs and statements.
    instrumentationOptions: {
      http: { enabled: false },
      azureSdk: { enabled: false },
      postgreSql: { enabled: false },
    },
  });
  logger?.info('exporting telemetry to Application Insights');
  return { exporting: 'azure-monitor', shutdown: () => shutdownAzureMonitor() };
}

/**
 * Sets the global tracer and meter providers and the context manager (OTLP, and the tests' in-memory
 * exporters). Returns what stops them again.
 */
export async function installTelemetry(options: {
  serviceName: string;
  spanProcessors: SpanProcessor[];
  metricReaders: MetricReader[];
}): Promise<{ shutdown(): Promise<void> }> {
  const [{ BasicTracerProvider }, { MeterProvider }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/resources'),
  ]);
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });
  const manager = new AsyncLocalContextManager();
  context.setGlobalContextManager(manager);
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: options.spanProcessors });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({ resource, readers: options.metricReaders });
  metrics.setGlobalMeterProvider(meterProvider);
  // Instruments made before (with no provider) were no-ops: made again on next use.
  resetEngineMetrics();
  resetHttpMetrics();
  resetBotMetrics();
  resetForegroundMetrics();
  return {
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      context.disable();
      manager.disable();
      resetEngineMetrics();
      resetHttpMetrics();
      resetBotMetrics();
      resetForegroundMetrics();
    },
  };
}

/** The standard rule: a signal's own endpoint as is, else the base endpoint plus `/v1/<signal>`. */
function otlpUrl(own: string | undefined, base: string | undefined, signal: string): string | undefined {
  if (own) return own;
  return base ? `${base.replace(/\/+$/, '')}/v1/${signal}` : undefined;
}
