import type { EmulatorContext } from '../shell/emulatorContext';

// The LCS Environment API's documented rate limit: "6 calls for each project per 1 minute"; beyond
// it "HTTP 429 Too Many Requests" with a retry-after header in seconds (reference-environment-metadata.md).
// The window and the Retry-After (whole modelled seconds, at least 1) are scaled like every other
// emulated duration, so scaled runs are not slowed by real minutes or seconds.

export const LCS_CALLS_PER_MINUTE = 6;
const WINDOW_SECONDS = 60;

export class LcsRateLimit {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly ctx: EmulatorContext) {}

  /** Records a call; returns the (scaled) seconds to wait when the project is over its limit. */
  take(projectId: string): number | undefined {
    const scale = this.ctx.settings.timeScale;
    const window = WINDOW_SECONDS * 1000 * scale;
    const now = this.ctx.now();
    const recent = (this.calls.get(projectId) ?? []).filter((at) => now - at < window);
    if (recent.length >= LCS_CALLS_PER_MINUTE) {
      this.calls.set(projectId, recent);
      const modelledSeconds = Math.max(1, Math.ceil((recent[0] + window - now) / scale / 1000));
      return Math.round(modelledSeconds * scale * 1000) / 1000;
    }
    recent.push(now);
    this.calls.set(projectId, recent);
    return undefined;
  }
}
