/**
 * The small OData subset the F&O emulator understands: `$filter` with `eq` joined by `and` (string,
 * number, boolean and null literals), and key predicates such as
 * `(dataAreaId='usmf',CustomerGroupId='10')` or `('USMF')`. String comparison ignores case, as
 * F&O's SQL collation does.
 */
export type Literal = string | number | boolean | null;
export interface EqualityClause {
  field: string;
  value: Literal;
}

export class ODataSyntaxError extends Error {}

const CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+eq\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)\s*$/;

export function parseFilter(filter: string | undefined): EqualityClause[] {
  if (!filter || !filter.trim()) return [];
  return splitOutsideQuotes(filter, / and /i).map((part) => {
    const match = CLAUSE.exec(stripParens(part));
    if (!match)
      throw new ODataSyntaxError(
        `The query specified in the URI is not valid: cannot parse '${part.trim()}'.`,
      );
    return { field: match[1], value: parseLiteral(match[2]) };
  });
}

export function parseKeyPredicate(text: string): Record<string, Literal> | Literal {
  const parts = splitOutsideQuotes(text, /,/);
  if (parts.length === 1 && !/^\s*[A-Za-z_]\w*\s*=/.test(parts[0])) return parseLiteral(parts[0].trim());
  const key: Record<string, Literal> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new ODataSyntaxError(`Bad key segment '${part}'.`);
    key[part.slice(0, eq).trim()] = parseLiteral(part.slice(eq + 1).trim());
  }
  return key;
}

export function matches(row: Record<string, unknown>, clauses: EqualityClause[]): boolean {
  return clauses.every(({ field, value }) => {
    const actual = row[field];
    if (value === null) return actual === null || actual === undefined;
    if (typeof value === 'string')
      return typeof actual === 'string' && actual.toLowerCase() === value.toLowerCase();
    return actual === value;
  });
}

function parseLiteral(text: string): Literal {
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new ODataSyntaxError(`Unterminated string ${text}.`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  const n = Number(text);
  if (Number.isNaN(n)) throw new ODataSyntaxError(`Bad literal ${text}.`);
  return n;
}

function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  return t;
}

function splitOutsideQuotes(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") inQuote = !inQuote;
    if (inQuote) continue;
    const rest = text.slice(i);
    const match = rest.match(separator);
    if (match && match.index === 0) {
      parts.push(text.slice(start, i));
      i += match[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
