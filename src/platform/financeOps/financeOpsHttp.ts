import type { AxiosInstance } from 'axios';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../../log';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { defaultScope } from '../http/credentials';

/** An HTTP client for the OData service of one F&O host (`<host>/data/`), with its token scope. */
export function createFinanceOpsHttp(
  baseUrl: string,
  options: {
    credential: TokenCredential;
    logger?: Logger;
    retry?: Partial<RetryOptions>;
    timeoutMs?: number;
  },
): AxiosInstance {
  return createHttpClient({
    service: 'financeOps',
    baseURL: `${baseUrl}/data`,
    scope: defaultScope(baseUrl),
    credential: options.credential,
    logger: options.logger,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
    headers: { 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' },
  });
}
