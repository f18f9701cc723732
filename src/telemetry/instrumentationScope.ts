import { metrics, trace } from '@opentelemetry/api';

// The one instrumentation scope of the bot's own spans and instruments, whichever layer makes them:
// the engine's runs and steps, the Teams layer and the platform clients (docs/operations.md). Only
// @opentelemetry/api, so any layer may import it (.dependency-cruiser.cjs); every call is a no-op
// unless src/composition/telemetry.ts set an SDK up. Tracer and meter are asked for on each use, so a
// provider registered after import is the one they report to.

export const INSTRUMENTATION_SCOPE_NAME = 'dualwrite-setup-bot';

export const tracer = () => trace.getTracer(INSTRUMENTATION_SCOPE_NAME);
export const meter = () => metrics.getMeter(INSTRUMENTATION_SCOPE_NAME);
