/**
 * The `Prefer` request header: one comma-joined header or several (Express joins repeated headers
 * with ", "), values possibly quoted (`odata.include-annotations="*"`).
 */
export interface Preferences {
  returnRepresentation: boolean;
  maxPageSize?: number;
  continueOnError: boolean;
  includeAnnotations?: string;
}

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const preferences: Preferences = { returnRepresentation: false, continueOnError: false };
  for (const part of text.match(/(?:[^,"]+|"[^"]*")+/g) ?? []) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'return' && value === 'representation') preferences.returnRepresentation = true;
    else if (name === 'odata.maxpagesize' && /^\d+$/.test(value) && Number(value) > 0) {
      preferences.maxPageSize = Number(value);
    } else if (name === 'odata.continue-on-error') preferences.continueOnError = true;
    else if (name === 'odata.include-annotations') preferences.includeAnnotations = value;
  }
  return preferences;
}
