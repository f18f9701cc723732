import type { Run } from '../../engine/engineApi';
import { elapsed } from './stepClock';
import { escapeMarkdown } from '../../engine/engineApi';

// The one completion message of a run: the requester @mentioned and the outcome in one sentence, and
// only the figures this run produced (rows stamped only where a bootstrap ran, rows synced only where
// an initial sync ran). The steps themselves stay on the run card, which the message links to.

export interface CompletionFact {
  title: string;
  value: string;
}

const count = (n: number) => n.toLocaleString('en-US');

function sumOf(run: Run, key: string): number {
  return run.steps.reduce((total, step) => {
    const value = step.output?.[key];
    return total + (typeof value === 'number' ? value : 0);
  }, 0);
}

function ran(run: Run, kind: string): boolean {
  return run.steps.some((step) => step.kind === kind && step.status === 'succeeded');
}

/** "Alex Admin, the dual-write setup completed (...)" with the mention text Teams highlights. */
export function completionSentence(run: Run, mention: string, scenarioTitle: string): string {
  if (run.status === 'succeeded')
    return `${mention}, the dual-write setup completed (${scenarioTitle}): the maps run live.`;
  if (run.status === 'cancelled') {
    const by = run.cancelRequested?.by.name;
    return `${mention}, the setup (${scenarioTitle}) was cancelled${by ? ` by ${escapeMarkdown(by)}` : ''}. Nothing more will run.`;
  }
  const failed = run.steps.find((step) => step.status === 'failed');
  return `${mention}, the setup (${scenarioTitle}) failed${failed ? ` at "${escapeMarkdown(failed.title)}"` : ''}. The run card has Retry and Cancel.`;
}

export function completionFacts(run: Run): CompletionFact[] {
  const end = run.finishedAt ?? run.updatedAt;
  const facts: CompletionFact[] = [
    { title: 'Run', value: run.id.slice(0, 8) },
    { title: 'Took', value: elapsed(Math.max(0, Date.parse(end) - Date.parse(run.createdAt))) },
  ];
  if (ran(run, 'bootstrapCompanyData'))
    facts.push({ title: 'Rows stamped', value: count(sumOf(run, 'rowsStamped')) });
  if (ran(run, 'initialSync')) facts.push({ title: 'Rows synced', value: count(sumOf(run, 'rowsSynced')) });
  const maps = mapsRunning(run);
  if (maps.length > 0) facts.push({ title: 'Maps running', value: String(maps.length) });
  return facts;
}

export function mapsRunning(run: Run): string[] {
  return [
    ...new Set(
      run.steps.flatMap((step) => {
        const maps = step.output?.mapsRunning;
        return Array.isArray(maps) ? maps.filter((m): m is string => typeof m === 'string') : [];
      }),
    ),
  ];
}
