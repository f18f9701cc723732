import {
  DATA_FAILURE_TEXTS,
  DOCUMENTED_FAILURES,
  failureText,
} from '../../src/emulator/microsoft/documentedFailures';
import { matchKnownError } from '../../src/engine/knownErrors/knownErrorCatalog';

/**
 * The emulator keeps its own list of documented failures (it imports nothing of the engine); the
 * engine's catalog must recognise each text the emulator answers as the same error, from the same page.
 */
const pageOf = (source: string) => /([\w-]+?)(?:\.md)?(?:#.*)?$/.exec(source)?.[1];

const DATA_TEXTS: Record<keyof typeof DATA_FAILURE_TEXTS, string> = {
  sameKey: 'same-key-company-names',
  partitions: 'partitions-exceeded',
  dw9003: 'dw9003-connect-failed',
  appVersion: 'health-check-app-version',
  coreSolution: 'health-check-core-solution',
  prospectToCash: 'prospect-to-cash-installed',
};

describe("the emulator's documented failures and the known-errors catalog", () => {
  it.each(DOCUMENTED_FAILURES.map((failure) => [failure.name, failure] as const))(
    'the catalog knows %s by its text, from the same page',
    (name, failure) => {
      const text = failureText(failure, {
        financeOpsHost: 'contoso.operations.dynamics.com',
        dataverseUrl: 'https://contoso.crm.dynamics.com',
      });
      const entry = matchKnownError({ status: failure.status, code: failure.code, message: text });
      expect(entry).toBeDefined();
      expect(name === entry!.id || name.startsWith(`${entry!.id}-`)).toBe(true);
      expect(pageOf(entry!.source)).toBe(pageOf(failure.source));
    },
  );

  it.each(Object.entries(DATA_TEXTS))('the catalog knows the data failure %s as %s', (key, id) => {
    const { text, source } = DATA_FAILURE_TEXTS[key as keyof typeof DATA_FAILURE_TEXTS];
    const entry = matchKnownError(text.replaceAll('{project}', 'DWM-1-2'));
    expect(entry?.id).toBe(id);
    expect(pageOf(entry!.source)).toBe(pageOf(source));
  });
});
