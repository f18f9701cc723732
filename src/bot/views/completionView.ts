import type { Run } from '../../engine/model';
import type { CompletionModel } from '../cards/cardModels';
import { SCENARIO_TEXT } from './scenarioView';
import { STEP_MARK, formatDuration, formatNumber, shortId } from './marks';

/** The completion notice: outcome, duration, per-step summary, maps running, rows stamped and synced. */
export function completionCardData(run: Run): CompletionModel {
  const ok = run.status === 'succeeded';
  const end = run.finishedAt ?? run.updatedAt;
  const duration = Date.parse(end) - Date.parse(run.createdAt);
  const outputs = run.steps.map((step) => step.output ?? {});
  const sum = (key: string) =>
    outputs.reduce((total, out) => total + (typeof out[key] === 'number' ? (out[key] as number) : 0), 0);
  const maps = [
    ...new Set(
      outputs.flatMap((out) => (Array.isArray(out.mapsRunning) ? (out.mapsRunning as string[]) : [])),
    ),
  ];
  const mentionText = `<at>${run.requestedBy.name}</at>`;
  return {
    headline: `${ok ? '✅ Dual-write setup completed' : run.status === 'cancelled' ? '⛔ Dual-write setup cancelled' : '❌ Dual-write setup failed'}: ${SCENARIO_TEXT[run.scenario].title}`,
    color: ok ? 'Good' : 'Attention',
    mentionText: ok
      ? `${mentionText}, your environments are linked and ready for live sync.`
      : `${mentionText}, the setup did not complete. The run card shows where it stopped.`,
    facts: [
      { title: 'Run', value: shortId(run.id) },
      { title: 'Outcome', value: run.status },
      { title: 'Duration', value: formatDuration(Math.max(0, duration)) },
      { title: 'Rows stamped', value: formatNumber(sum('rowsStamped')) },
      { title: 'Rows synced', value: formatNumber(sum('rowsSynced')) },
    ],
    steps: run.steps.map((step) => ({
      mark: STEP_MARK[step.status],
      title: step.title,
      suffix: step.error && step.status === 'failed' ? `: ${step.error.message}` : '',
    })),
    maps,
    mentions: [{ text: mentionText, id: run.requestedBy.id, name: run.requestedBy.name }],
  };
}
