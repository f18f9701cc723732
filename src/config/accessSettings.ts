import { z } from 'zod';
import { bool, duration, idList, wholeNumber } from './configValues';

// Who may start and approve setups, and how many unfinished ones each admin and tenant may have
// (docs/architecture.md). Part of the one configuration schema (configSchema.ts).

export const accessSettings = {
  // --- Who may do what ---
  /** Entra object ids (users or groups) allowed to start setups; empty means everyone in the conversation. */
  ADMINS: idList,
  /** Entra object ids (users or groups) allowed to approve risky steps; empty means any admin. */
  APPROVERS: idList,
  /** Microsoft Graph, asked which ADMINS/APPROVERS entries are groups and who is in them (live mode). */
  GRAPH_API_URL: z.string().url('must be a URL').default('https://graph.microsoft.com'),
  FOUR_EYES: bool(true),
  /** At most 30 days: a longer wait is a forgotten run. */
  APPROVAL_TIMEOUT_MINUTES: duration(24 * 60, 30 * 24 * 60, 'minutes'),
  APPROVAL_REMINDER_MINUTES: duration(60, 30 * 24 * 60, 'minutes'),
  /** Unfinished setups (running, waiting or failed) one admin may have at once: each provisions environments. */
  MAX_ACTIVE_RUNS_PER_ADMIN: wholeNumber(5, 1, 1000),
  /** Unfinished setups one Entra tenant may have at once, whoever started them. */
  MAX_ACTIVE_RUNS_PER_TENANT: wholeNumber(20, 1, 10000),
};
