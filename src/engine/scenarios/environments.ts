import type { SetupInput } from './scenarioInput';

// The two environments a setup input names: new ones by the name the bot will create, existing ones
// by URL. Also the key of the one-active-run-per-pair lock.

export type EnvironmentRef = { kind: 'new'; name: string } | { kind: 'existing'; url: string };

export interface EnvironmentPair {
  financeOps: EnvironmentRef;
  dataverse: EnvironmentRef;
}

export function environmentsOf(input: SetupInput): EnvironmentPair {
  switch (input.scenario) {
    case 'new-new':
    case 'new-demo-new':
      return {
        financeOps: { kind: 'new', name: input.financeOpsName },
        dataverse: { kind: 'new', name: input.dataverseName },
      };
    case 'new-existing':
    case 'new-demo-existing':
      return {
        financeOps: { kind: 'new', name: input.financeOpsName },
        dataverse: { kind: 'existing', url: input.dataverseUrl },
      };
    case 'existing-existing':
      return {
        financeOps: { kind: 'existing', url: input.financeOpsUrl },
        dataverse: input.dataverseUrl
          ? { kind: 'existing', url: input.dataverseUrl }
          : { kind: 'new', name: input.dataverseName as string },
      };
  }
}

/** Case-insensitive key of an environment pair (names and URLs compared in lower case). */
export function lockKeyOf(input: SetupInput): string {
  const { financeOps, dataverse } = environmentsOf(input);
  const part = (ref: EnvironmentRef) =>
    (ref.kind === 'new' ? `name:${ref.name}` : `url:${ref.url}`).toLowerCase();
  return `fo=${part(financeOps)}|dv=${part(dataverse)}`;
}

export function describeEnvironment(ref: EnvironmentRef): string {
  return ref.kind === 'new' ? `new environment "${ref.name}"` : ref.url;
}

/**
 * The name an existing environment most likely has, from its URL: the first host label of a real
 * org (`contoso.crm.dynamics.com` -> `contoso`), or the last path segment on the emulator
 * (`http://127.0.0.1:3979/orgs/contoso` -> `contoso`). Used only to look it up, then checked by URL.
 */
export function nameFromUrl(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter(Boolean);
  if (segments.length) return decodeURIComponent(segments[segments.length - 1]);
  return parsed.hostname.split('.')[0];
}

export function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}
