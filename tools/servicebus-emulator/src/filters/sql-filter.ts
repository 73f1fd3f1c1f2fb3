import { FilterableMessage, systemProperty } from './filterable-message';

/**
 * A subset of the Service Bus SQL filter grammar: comparisons (=, <>, !=, <, <=, >, >=), AND, OR,
 * NOT, parentheses, IN (...), EXISTS(prop), IS [NOT] NULL, string/number/boolean literals, and
 * properties `sys.<Name>`, `user.<name>` or a bare `<name>` (application property).
 * Evaluation is three-valued: a comparison with a missing property is unknown, and a rule only
 * matches when the whole expression is true.
 */
export type SqlPredicate = (message: FilterableMessage) => boolean;

type Value = string | number | boolean | null;
type Truth = boolean | null;

type Node =
  | { kind: 'literal'; value: Value }
  | { kind: 'property'; scope: 'sys' | 'user'; name: string }
  | { kind: 'compare'; op: string; left: Node; right: Node }
  | { kind: 'in'; operand: Node; list: Node[]; negated: boolean }
  | { kind: 'exists'; property: Node & { kind: 'property' } }
  | { kind: 'isNull'; operand: Node; negated: boolean }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node };

interface Token {
  type: 'word' | 'string' | 'number' | 'symbol';
  text: string;
}

export class SqlFilterSyntaxError extends Error {}

export function compileSqlFilter(expression: string): SqlPredicate {
  const parser = new Parser(tokenize(expression));
  const tree = parser.parseExpression();
  parser.expectEnd();
  return (message) => truthOf(evaluate(tree, message)) === true;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new SqlFilterSyntaxError('Unterminated string literal');
        if (input[i] === "'" && input[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (input[i] === "'") {
          i++;
          break;
        } else {
          text += input[i++];
        }
      }
      tokens.push({ type: 'string', text });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(input[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(input.slice(i))!;
      tokens.push({ type: 'number', text: match[0] });
      i += match[0].length;
    } else if (c === '[') {
      const end = input.indexOf(']', i);
      if (end < 0) throw new SqlFilterSyntaxError('Unterminated [identifier]');
      tokens.push({ type: 'word', text: input.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)?/.exec(input.slice(i))!;
      tokens.push({ type: 'word', text: match[0] });
      i += match[0].length;
    } else {
      const two = input.slice(i, i + 2);
      if (two === '<>' || two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ type: 'symbol', text: two });
        i += 2;
      } else if ('=<>(),'.includes(c)) {
        tokens.push({ type: 'symbol', text: c });
        i++;
      } else {
        throw new SqlFilterSyntaxError(`Unexpected character '${c}'`);
      }
    }
  }
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parseExpression(): Node {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  expectEnd(): void {
    if (this.index < this.tokens.length) {
      throw new SqlFilterSyntaxError(`Unexpected '${this.tokens[this.index].text}'`);
    }
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Node {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.parseNot() };
    return this.parsePredicate();
  }

  private parsePredicate(): Node {
    if (this.acceptKeyword('EXISTS')) {
      this.expectSymbol('(');
      const property = this.parseOperand();
      this.expectSymbol(')');
      if (property.kind !== 'property') throw new SqlFilterSyntaxError('EXISTS needs a property name');
      return { kind: 'exists', property };
    }
    if (this.acceptSymbol('(')) {
      const inner = this.parseExpression();
      this.expectSymbol(')');
      return inner;
    }
    const left = this.parseOperand();
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      return { kind: 'isNull', operand: left, negated };
    }
    const negated = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.expectSymbol('(');
      const list = [this.parseOperand()];
      while (this.acceptSymbol(',')) list.push(this.parseOperand());
      this.expectSymbol(')');
      return { kind: 'in', operand: left, list, negated };
    }
    if (negated) throw new SqlFilterSyntaxError('Expected IN after NOT');
    const op = this.tokens[this.index];
    if (op?.type === 'symbol' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(op.text)) {
      this.index++;
      return { kind: 'compare', op: op.text === '!=' ? '<>' : op.text, left, right: this.parseOperand() };
    }
    if (left.kind === 'literal' && typeof left.value === 'boolean') return left;
    throw new SqlFilterSyntaxError(`Expected a comparison after '${describe(left)}'`);
  }

  private parseOperand(): Node {
    const token = this.tokens[this.index++];
    if (!token) throw new SqlFilterSyntaxError('Unexpected end of expression');
    if (token.type === 'string') return { kind: 'literal', value: token.text };
    if (token.type === 'number') return { kind: 'literal', value: Number(token.text) };
    if (token.type === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'TRUE') return { kind: 'literal', value: true };
      if (upper === 'FALSE') return { kind: 'literal', value: false };
      if (upper === 'NULL') return { kind: 'literal', value: null };
      const dot = token.text.indexOf('.');
      const prefix = dot > 0 ? token.text.slice(0, dot).toLowerCase() : '';
      if (prefix === 'sys') return { kind: 'property', scope: 'sys', name: token.text.slice(dot + 1).toLowerCase() };
      if (prefix === 'user') return { kind: 'property', scope: 'user', name: token.text.slice(dot + 1) };
      return { kind: 'property', scope: 'user', name: token.text };
    }
    throw new SqlFilterSyntaxError(`Unexpected '${token.text}'`);
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.tokens[this.index];
    if (token?.type === 'word' && token.text.toUpperCase() === keyword) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) throw new SqlFilterSyntaxError(`Expected ${keyword}`);
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.tokens[this.index];
    if (token?.type === 'symbol' && token.text === symbol) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw new SqlFilterSyntaxError(`Expected '${symbol}'`);
  }
}

function describe(node: Node): string {
  if (node.kind === 'property') return `${node.scope}.${node.name}`;
  if (node.kind === 'literal') return String(node.value);
  return node.kind;
}

function propertyValue(node: Node & { kind: 'property' }, message: FilterableMessage): Value | undefined {
  const raw =
    node.scope === 'sys' ? systemProperty(message, node.name) : userProperty(message.applicationProperties, node.name);
  if (raw === undefined || raw === null) return undefined;
  if (raw instanceof Date) return raw.getTime();
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  return String(raw);
}

function userProperty(properties: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in properties) return properties[name];
  const lower = name.toLowerCase();
  const key = Object.keys(properties).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : properties[key];
}

function valueOf(node: Node, message: FilterableMessage): Value {
  if (node.kind === 'literal') return node.value;
  if (node.kind === 'property') return propertyValue(node, message) ?? null;
  return evaluate(node, message);
}

function evaluate(node: Node, message: FilterableMessage): Truth {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'boolean' ? node.value : null;
    case 'property':
      return truthOf(valueOf(node, message));
    case 'exists':
      return propertyValue(node.property, message) !== undefined;
    case 'isNull': {
      const isNull = valueOf(node.operand, message) === null;
      return node.negated ? !isNull : isNull;
    }
    case 'compare':
      return compare(node.op, valueOf(node.left, message), valueOf(node.right, message));
    case 'in': {
      const value = valueOf(node.operand, message);
      if (value === null) return null;
      const found = node.list.some((item) => compare('=', value, valueOf(item, message)) === true);
      return node.negated ? !found : found;
    }
    case 'not': {
      const inner = evaluate(node.operand, message);
      return inner === null ? null : !inner;
    }
    case 'and': {
      const left = evaluate(node.left, message);
      if (left === false) return false;
      const right = evaluate(node.right, message);
      if (right === false) return false;
      return left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluate(node.left, message);
      if (left === true) return true;
      const right = evaluate(node.right, message);
      if (right === true) return true;
      return left === null || right === null ? null : false;
    }
  }
}

function truthOf(value: Value): Truth {
  return typeof value === 'boolean' ? value : null;
}

function compare(op: string, left: Value, right: Value): Truth {
  if (left === null || right === null) return null;
  if (typeof left !== typeof right) return op === '<>' ? true : false;
  switch (op) {
    case '=':
      return left === right;
    case '<>':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      return null;
  }
}
