import { MetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { installTelemetry } from '../../src/composition/telemetry';

/** Metrics read on demand (no timer): what the run moved so far. */
class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface TelemetryKit {
  spans(): ReadableSpan[];
  /** Data points of one metric, by name, with their attributes. */
  points(name: string): Promise<Array<DataPoint<unknown>>>;
  close(): Promise<void>;
}

/** The real SDK wiring of src/composition/telemetry.ts, exporting to memory. */
export async function startTelemetryKit(): Promise<TelemetryKit> {
  const exporter = new InMemorySpanExporter();
  const reader = new CollectingReader();
  const installed = await installTelemetry({
    serviceName: 'test',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    metricReaders: [reader],
  });
  return {
    spans: () => exporter.getFinishedSpans(),
    async points(name) {
      const { resourceMetrics }: { resourceMetrics: ResourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .filter((metric) => metric.descriptor.name === name)
        .flatMap((metric) => metric.dataPoints as Array<DataPoint<unknown>>);
    },
    close: () => installed.shutdown(),
  };
}

export const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
