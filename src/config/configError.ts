// How a bad configuration is reported: one line naming the variable, its value shown only with
// passwords and secret-looking parts masked.

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Variables never echoed in an error, not even in part. */
const SECRET_VARIABLES = new Set(['BOT_PASSWORD', 'AZURE_CLIENT_SECRET']);

/** The value as an error may show it: a URL's password and secret-looking query values masked. */
export function redactedValue(name: string, value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (SECRET_VARIABLES.has(name)) return '***';
  return value
    .replace(/(^|\/\/)([^/@\s:]*):[^/\s]*@/g, '$1$2:***@')
    .replace(/((?:^|[?&;\s])(?:password|pwd|secret|sig|token|key|code)=)[^&;\s]*/gi, '$1***');
}
