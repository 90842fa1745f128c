/**
 * Make's mapping language (IML): a tokenizer and a recursive-descent grammar.
 *
 *   template   := ( text | "{{" expr "}}" )*
 *   expr       := comparison
 *   comparison := additive ( ("=" | "!=" | "<" | ">" | "<=" | ">=") additive )?
 *   additive   := term ( ("+" | "-") term )*
 *   term       := postfix ( ("*" | "/") postfix )*
 *   postfix    := primary ( "." name | "[" expr "]" )*
 *   primary    := number | string | keyword | reference | call | "(" expr ")"
 *   reference  := moduleId ( "." name | "[" expr "]" )+      (1.email, 3.items[1].sku, 1.`Customer Name`)
 *   call       := identifier "(" ( arg ( ";" arg )* )? ")"     (arguments separated by semicolons)
 *   arg        := expr | unquoted text up to the next ";" or ")"  (formatDate(now; DD.MM.YYYY), ifempty(1.a; Kundin))
 *   name       := identifier | `backticked key`
 *   keyword    := null | true | false | emptystring | now
 *
 * Indexes stay 1-based in the tree (as written); the translators make them 0-based.
 */

export class ImlError extends Error {
  constructor(
    readonly reason: string,
    /** 0-based offset in the mapping text. */
    readonly offset: number,
  ) {
    super(`${reason} at character ${offset + 1}`);
    this.name = 'ImlError';
  }
}

export type PathStep = { kind: 'key'; name: string } | { kind: 'index'; index: Expr };

export type Expr =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'keyword'; value: 'null' | 'true' | 'false' | 'emptystring' | 'now' }
  | { kind: 'ref'; module: number; path: PathStep[] }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'member'; target: Expr; path: PathStep[] }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr };

export type BinaryOp = '=' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/';

export type Part = { kind: 'text'; value: string } | { kind: 'expr'; expr: Expr; source: string };

export interface Template {
  parts: Part[];
}

type TokenKind = 'number' | 'string' | 'regex' | 'ident' | 'backtick' | 'punct' | 'char' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  /** For numbers: the value; for strings and backticks: the content. */
  value?: string | number;
  offset: number;
}

const KEYWORDS = new Set(['null', 'true', 'false', 'emptystring', 'now']);
const PUNCT2 = ['!=', '<=', '>='];
const PUNCT1 = new Set(['.', '[', ']', '(', ')', ';', '=', '<', '>', '+', '-', '*', '/']);

/** Splits the inside of one `{{ ... }}` into tokens; `base` is its offset in the whole mapping. */
export function tokenize(source: string, base = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      while (/[0-9]/.test(source[i] ?? '')) i++;
      // A decimal point only when digits follow and the number does not start a reference (`1.email`).
      if (source[i] === '.' && /[0-9]/.test(source[i + 1] ?? '') && !isReferenceStart(tokens)) {
        i++;
        while (/[0-9]/.test(source[i] ?? '')) i++;
      }
      tokens.push({ kind: 'number', text: source.slice(start, i), value: Number(source.slice(start, i)), offset: base + start });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      while (/[A-Za-z0-9_$]/.test(source[i] ?? '')) i++;
      tokens.push({ kind: 'ident', text: source.slice(start, i), offset: base + start });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let value = '';
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\' && i + 1 < source.length) {
          const e = source[i + 1];
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else value += source[i++];
      }
      if (i >= source.length) throw new ImlError(`a text in quotes that is never closed`, base + start);
      i++;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, offset: base + start });
      continue;
    }
    if (c === '`') {
      const close = source.indexOf('`', i + 1);
      if (close < 0) throw new ImlError('a `backticked` name that is never closed', base + start);
      tokens.push({ kind: 'backtick', text: source.slice(start, close + 1), value: source.slice(i + 1, close), offset: base + start });
      i = close + 1;
      continue;
    }
    if (c === '/' && valueExpected(tokens)) {
      // A regular expression where a value is expected (replace(1.text; /[^0-9]/g; "")).
      i++;
      let pattern = '';
      while (i < source.length && source[i] !== '/') {
        if (source[i] === '\\' && i + 1 < source.length) pattern += source[i++];
        pattern += source[i++];
      }
      if (i >= source.length || pattern === '') throw new ImlError('a /regular expression/ that is never closed', base + start);
      i++;
      const flagsStart = i;
      while (/[gimsu]/.test(source[i] ?? '')) i++;
      tokens.push({ kind: 'regex', text: source.slice(start, i), value: pattern + '/' + source.slice(flagsStart, i), offset: base + start });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      tokens.push({ kind: 'punct', text: two, offset: base + start });
      i += 2;
      continue;
    }
    if (PUNCT1.has(c)) {
      tokens.push({ kind: 'punct', text: c, offset: base + start });
      i++;
      continue;
    }
    // Any other character: an error where the grammar meets it, but part of an unquoted text argument (HH:mm).
    tokens.push({ kind: 'char', text: c, offset: base + start });
    i++;
  }
  tokens.push({ kind: 'end', text: '', offset: base + source.length });
  return tokens;
}

/** At the start, after "(" or ";" a "/" opens a regular expression rather than dividing. */
function valueExpected(tokens: Token[]): boolean {
  const prev = tokens[tokens.length - 1];
  return prev === undefined || (prev.kind === 'punct' && (prev.text === '(' || prev.text === ';'));
}

/** After a `.` or `[` a number is a key or an index, never a decimal's start of a reference. */
function isReferenceStart(tokens: Token[]): boolean {
  const prev = tokens[tokens.length - 1];
  return prev !== undefined && prev.kind === 'punct' && prev.text === '.';
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    /** The mapping text and the offset of the tokens' source in it, for unquoted text arguments. */
    private readonly text: string,
  ) {}

  private peek(): Token {
    const t = this.tokens[this.pos];
    if (t.kind === 'char' && !this.raw) throw new ImlError(`an unexpected character ${JSON.stringify(t.text)}`, t.offset);
    return t;
  }
  /** True while an unquoted text argument is read: any character belongs to it. */
  private raw = false;
  private next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }

  /**
   * One function argument: an expression that ends at ";" or ")", or else, as Make takes it, the unquoted
   * text up to the next ";" or ")" outside parentheses, trimmed (formatDate(now; DD.MM.YYYY HH:mm)).
   */
  private argument(): Expr {
    const start = this.pos;
    try {
      const e = this.expr();
      if (this.isPunct(';') || this.isPunct(')')) return e;
    } catch (error) {
      if (!(error instanceof ImlError)) throw error;
    }
    this.pos = start;
    this.raw = true;
    try {
      let depth = 0;
      for (;;) {
        const t = this.peek();
        if (t.kind === 'end') break;
        if (t.kind === 'punct' && t.text === '(') depth++;
        if (t.kind === 'punct' && t.text === ')') {
          if (depth === 0) break;
          depth--;
        }
        if (t.kind === 'punct' && t.text === ';' && depth === 0) break;
        this.pos++;
      }
    } finally {
      this.raw = false;
    }
    const from = this.tokens[start].offset;
    const to = this.tokens[this.pos].offset;
    return { kind: 'string', value: this.text.slice(from, to).trim() };
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }
  private expect(text: string, what: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) throw new ImlError(`expected ${what} where there is ${describe(t)}`, t.offset);
    return this.next();
  }

  parseAll(): Expr {
    const expr = this.expr();
    const t = this.peek();
    if (t.kind !== 'end') throw new ImlError(`expected "}}" where there is ${describe(t)}`, t.offset);
    return expr;
  }

  private expr(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'punct' && ['=', '!=', '<', '>', '<=', '>='].includes(t.text)) {
      this.next();
      return { kind: 'binary', op: t.text as BinaryOp, left, right: this.additive() };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.term();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next().text as BinaryOp;
      left = { kind: 'binary', op, left, right: this.term() };
    }
    return left;
  }

  private term(): Expr {
    let left = this.postfix();
    while (this.isPunct('*') || this.isPunct('/')) {
      const op = this.next().text as BinaryOp;
      left = { kind: 'binary', op, left, right: this.postfix() };
    }
    return left;
  }

  private steps(): PathStep[] {
    const path: PathStep[] = [];
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const t = this.next();
        if (t.kind === 'ident' || t.kind === 'number') path.push({ kind: 'key', name: t.text });
        else if (t.kind === 'backtick') path.push({ kind: 'key', name: String(t.value) });
        else throw new ImlError(`expected a name after "." where there is ${describe(t)}`, t.offset);
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.expr();
        this.expect(']', '"]"');
        path.push({ kind: 'index', index });
      } else return path;
    }
  }

  private postfix(): Expr {
    const primary = this.primary();
    const path = this.steps();
    if (path.length === 0) return primary;
    if (primary.kind === 'ref') return { ...primary, path: [...primary.path, ...path] };
    return { kind: 'member', target: primary, path };
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number': {
        // A module id followed by a path is a reference: 1.email, 3.items[1], 1.`Customer Name`.
        if (/^[0-9]+$/.test(t.text) && (this.isPunct('.') || this.isPunct('['))) {
          const path = this.steps();
          return { kind: 'ref', module: Number(t.value), path };
        }
        return { kind: 'number', value: Number(t.value) };
      }
      case 'string':
        return { kind: 'string', value: String(t.value) };
      case 'regex': {
        const v = String(t.value);
        const slash = v.lastIndexOf('/');
        return { kind: 'regex', pattern: v.slice(0, slash), flags: v.slice(slash + 1) };
      }
      case 'ident': {
        if (this.isPunct('(')) {
          this.next();
          const args: Expr[] = [];
          if (!this.isPunct(')')) {
            args.push(this.argument());
            while (this.isPunct(';')) {
              this.next();
              args.push(this.argument());
            }
          }
          this.expect(')', `";" or ")" in ${t.text}(...)`);
          return { kind: 'call', name: t.text, args };
        }
        if (KEYWORDS.has(t.text)) return { kind: 'keyword', value: t.text as 'null' | 'true' | 'false' | 'emptystring' | 'now' };
        throw new ImlError(`"${t.text}" is neither a keyword nor a function call (a reference starts with the module's number, e.g. 1.${t.text})`, t.offset);
      }
      case 'punct':
        if (t.text === '(') {
          const inner = this.expr();
          this.expect(')', '")"');
          return inner;
        }
        if (t.text === '-' && this.peek().kind === 'number') {
          const n = this.next();
          return { kind: 'number', value: -Number(n.value) };
        }
        throw new ImlError(`expected a value where there is ${describe(t)}`, t.offset);
      default:
        throw new ImlError(`expected a value where there is ${describe(t)}`, t.offset);
    }
  }
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : JSON.stringify(t.text);
}

/** Parses one mapping (literal text mixed with any number of `{{ ... }}`). */
export function parseTemplate(text: string): Template {
  const parts: Part[] = [];
  let i = 0;
  let literal = '';
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, open);
    const close = findClose(text, open + 2);
    if (close < 0) throw new ImlError('a "{{" that is never closed with "}}"', open);
    const source = text.slice(open + 2, close);
    if (source.trim() === '') throw new ImlError('an empty "{{ }}"', open);
    if (literal !== '') parts.push({ kind: 'text', value: literal });
    literal = '';
    const expr = new Parser(tokenize(source, open + 2), text).parseAll();
    parts.push({ kind: 'expr', expr, source: text.slice(open, close + 2) });
    i = close + 2;
  }
  if (literal !== '') parts.push({ kind: 'text', value: literal });
  return { parts };
}

/** The `}}` that closes the `{{` before `from`, skipping quoted texts and backticked names. */
function findClose(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '}' && text[i + 1] === '}') return i;
  }
  // An unclosed quote: the first "}}" then, so that the tokenizer names the quote that is not closed.
  return text.indexOf('}}', from);
}

/** Every module id a mapping refers to. */
export function referencedModules(template: Template): number[] {
  const ids = new Set<number>();
  const walk = (e: Expr): void => {
    if (e.kind === 'ref') {
      ids.add(e.module);
      e.path.forEach((s) => s.kind === 'index' && walk(s.index));
    } else if (e.kind === 'call') e.args.forEach(walk);
    else if (e.kind === 'member') {
      walk(e.target);
      e.path.forEach((s) => s.kind === 'index' && walk(s.index));
    } else if (e.kind === 'binary') {
      walk(e.left);
      walk(e.right);
    }
  };
  for (const p of template.parts) if (p.kind === 'expr') walk(p.expr);
  return [...ids];
}
