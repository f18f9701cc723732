import { isKnownProperty, type EntitySetDefinition } from './entitySets';
import { sqlColumn, type SqlCondition } from './dataverseStore';
import { errors } from './odataErrors';

/**
 * `$filter` as far as the emulator needs it: comparisons (eq ne gt ge lt le) of a property with a
 * literal (string, number, GUID, null, true/false), `and`/`or`/`not`, parentheses, and
 * contains/startswith/endswith. Parsed to an AST, checked against the table's properties, compiled
 * to SQL over the stored JSON. Anything else is the real service's 400 0x80060888.
 */
export type Literal = string | number | boolean | null;

export type FilterNode =
  | { kind: 'compare'; property: string; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; value: Literal }
  | { kind: 'function'; name: 'contains' | 'startswith' | 'endswith'; property: string; value: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode };

type Token =
  | { type: 'ident'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; value: number }
  | { type: 'guid'; text: string }
  | { type: 'punct'; text: '(' | ')' | ',' };

const GUID_TOKEN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch });
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw errors.badQuery('Syntax error: unterminated string literal in $filter.');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', text: value });
    } else if (GUID_TOKEN.test(rest)) {
      tokens.push({ type: 'guid', text: rest.slice(0, 36).toLowerCase() });
      i += 36;
    } else if (/^-?\d/.test(rest)) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/.exec(rest)!;
      tokens.push({ type: 'number', value: parseFloat(match[0]) });
      i += match[0].length;
    } else if (/^[A-Za-z_]/.test(rest)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)!;
      tokens.push({ type: 'ident', text: match[0] });
      i += match[0].length;
    } else {
      throw errors.badQuery(`Syntax error at position ${i} in '${text}'.`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.position < this.tokens.length) this.fail();
    return node;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): FilterNode {
    if (this.keyword('not')) return { kind: 'not', operand: this.unary() };
    if (this.punct('(')) {
      const inner = this.or();
      if (!this.punct(')')) this.fail();
      return inner;
    }
    const name = this.next();
    if (name?.type !== 'ident') this.fail();
    if (FUNCTIONS.has(name.text.toLowerCase()) && this.punct('(')) {
      const property = this.next();
      if (property?.type !== 'ident' || !this.punct(',')) this.fail();
      const value = this.next();
      if (value?.type !== 'string' || !this.punct(')')) this.fail();
      return {
        kind: 'function',
        name: name.text.toLowerCase() as 'contains' | 'startswith' | 'endswith',
        property: property.text,
        value: value.text,
      };
    }
    const op = this.next();
    if (op?.type !== 'ident' || !COMPARISONS.has(op.text)) this.fail();
    return { kind: 'compare', property: name.text, op: op.text as 'eq', value: this.literal() };
  }

  private literal(): Literal {
    const token = this.next();
    if (!token) this.fail();
    switch (token.type) {
      case 'string':
      case 'guid':
        return token.text;
      case 'number':
        return token.value;
      case 'ident':
        if (token.text === 'null') return null;
        if (token.text === 'true') return true;
        if (token.text === 'false') return false;
    }
    this.fail();
  }

  private keyword(word: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type === 'ident' && token.text === word) {
      this.position++;
      return true;
    }
    return false;
  }

  private punct(text: '(' | ')' | ','): boolean {
    const token = this.tokens[this.position];
    if (token?.type === 'punct' && token.text === text) {
      this.position++;
      return true;
    }
    return false;
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private fail(): never {
    throw errors.badQuery(`Syntax error in $filter '${this.source}' at token ${this.position}.`);
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(tokenize(text), text).parse();
}

const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** Compiles a parsed filter to SQL over the table; unknown properties are the real 400. */
export function compileFilter(definition: EntitySetDefinition, node: FilterNode): SqlCondition {
  const params: Array<string | number | null> = [];
  const column = (property: string) => {
    if (!isKnownProperty(definition, property))
      throw errors.unknownProperty(definition.logicalName, property);
    return sqlColumn(definition, property);
  };
  const walk = (n: FilterNode): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${walk(n.left)} ${n.kind.toUpperCase()} ${walk(n.right)})`;
      case 'not':
        return `(NOT COALESCE(${walk(n.operand)}, 0))`;
      case 'function': {
        const like = n.value.replace(/[\\%_]/g, (c) => `\\${c}`);
        params.push(n.name === 'startswith' ? `${like}%` : n.name === 'endswith' ? `%${like}` : `%${like}%`);
        return `(${column(n.property)} LIKE ? ESCAPE '\\')`;
      }
      case 'compare': {
        const expression = column(n.property);
        if (n.value === null) {
          if (n.op === 'eq') return `(${expression} IS NULL)`;
          if (n.op === 'ne') return `(${expression} IS NOT NULL)`;
          throw errors.badQuery(`The operator '${n.op}' cannot be used with null.`);
        }
        params.push(typeof n.value === 'boolean' ? (n.value ? 1 : 0) : n.value);
        const collate = typeof n.value === 'string' ? ' COLLATE NOCASE' : '';
        return `(${expression} ${SQL_OPS[n.op]} ?${collate})`;
      }
    }
  };
  return { sql: walk(node), params };
}
