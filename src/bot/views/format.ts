// How numbers, times and run ids are written on every card (one format for all of them).

export const formatNumber = (value: number): string => value.toLocaleString('en-US');

export function shortId(runId: string): string {
  return runId.slice(0, 8);
}

export function formatTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
