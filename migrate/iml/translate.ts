/**
 * IML → host expressions: n8n (JavaScript inside `={{ ... }}`) and JSONata for Node-RED. What has no
 * faithful translation throws Untranslatable: the caller keeps the mapping verbatim and marks the module
 * for review. Nothing is guessed.
 */
import { jsonataPicture, luxonFormat } from './dates';
import type { Expr, PathStep, Template } from './parser';
import { Untranslatable } from './translate-error';

export { Untranslatable };

/** Where a module's output is in the host: an n8n expression (`$json`) or a JSONata path on msg (`make.m1`). */
export type Resolver = ((moduleId: number) => string) & {
  /** A module's output under other names in this host (n8n's HTTP Request: Make's `data` is `body`). */
  rewrite?: (moduleId: number, path: PathStep[]) => PathStep[];
};

/** The functions both translators know (the rest are reported). */
export const SUPPORTED_FUNCTIONS = [
  'ifempty', 'if', 'lower', 'upper', 'trim', 'replace', 'split', 'join', 'length', 'toString', 'parseNumber',
  'substring', 'contains', 'get', 'first', 'last', 'encodeURL', 'formatDate', 'parseDate', 'addDays', 'addHours',
  'addMinutes', 'addSeconds',
] as const;

/** The date functions whose result is a date (a Luxon DateTime in n8n, an ISO text in JSONata). */
const DATE_RESULT = new Set(['parseDate', 'addDays', 'addHours', 'addMinutes', 'addSeconds']);
const ADD_UNITS: Record<string, { luxon: string; ms: number }> = {
  addDays: { luxon: 'days', ms: 86_400_000 },
  addHours: { luxon: 'hours', ms: 3_600_000 },
  addMinutes: { luxon: 'minutes', ms: 60_000 },
  addSeconds: { luxon: 'seconds', ms: 1000 },
};

/** A format or time zone argument: literal text (quoted or, as Make allows, unquoted). */
function literalText(name: string, what: string, e: Expr | undefined): string {
  if (e?.kind === 'string') return e.value;
  throw new Untranslatable(`${name}() with a ${what} that is not literal text`);
}

/** A value as a Luxon DateTime in n8n: \`now\` and our date results are one; text is read as ISO 8601. */
function n8nDate(e: Expr, resolve: Resolver): string {
  if (e.kind === 'keyword' && e.value === 'now') return '$now';
  if (e.kind === 'call' && DATE_RESULT.has(e.name)) return n8nExpr(e, resolve);
  return `DateTime.fromISO(String(${n8nExpr(e, resolve)}))`;
}

/** A value as milliseconds in JSONata: \`now\` is $millis(); text (ISO 8601, our date results) through $toMillis. */
function jsonataMillis(e: Expr, resolve: Resolver): string {
  if (e.kind === 'keyword' && e.value === 'now') return '$millis()';
  return `$toMillis(${jsonataExpr(e, resolve)})`;
}

function arity(name: string, args: Expr[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new Untranslatable(`${name}() takes ${want} argument${max === 1 ? '' : 's'}, not ${args.length}`);
  }
}

/** A regular expression literal (`/pattern/flags`). */
function regexLiteral(e: Expr): { pattern: string; flags: string } | null {
  return e.kind === 'regex' ? { pattern: e.pattern, flags: e.flags } : null;
}

function literalNumber(e: Expr): number | null {
  return e.kind === 'number' ? e.value : null;
}

// ---------------------------------------------------------------------------------------------- n8n

const JS_IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function n8nPath(base: string, path: PathStep[], resolve: Resolver): string {
  let out = base;
  for (const step of path) {
    if (step.kind === 'key') out += JS_IDENT.test(step.name) ? `.${step.name}` : `[${JSON.stringify(step.name)}]`;
    else {
      const n = literalNumber(step.index);
      out += n !== null ? `[${n - 1}]` : `[(${n8nExpr(step.index, resolve)}) - 1]`;
    }
  }
  return out;
}

/** One IML expression as JavaScript for an n8n expression. */
export function n8nExpr(e: Expr, resolve: Resolver): string {
  switch (e.kind) {
    case 'string':
      return JSON.stringify(e.value);
    case 'number':
      return String(e.value);
    case 'regex':
      return `new RegExp(${JSON.stringify(e.pattern)}, ${JSON.stringify(e.flags)})`;
    case 'keyword':
      return { null: 'null', true: 'true', false: 'false', emptystring: "''", now: '$now' }[e.value];
    case 'ref':
      return n8nPath(resolve(e.module), resolve.rewrite ? resolve.rewrite(e.module, e.path) : e.path, resolve);
    case 'member':
      return n8nPath(`(${n8nExpr(e.target, resolve)})`, e.path, resolve);
    case 'binary': {
      const op = e.op === '=' ? '==' : e.op;
      return `(${n8nExpr(e.left, resolve)} ${op} ${n8nExpr(e.right, resolve)})`;
    }
    case 'call':
      return n8nCall(e.name, e.args, resolve);
  }
}

function n8nCall(name: string, args: Expr[], resolve: Resolver): string {
  const a = (k: number): string => n8nExpr(args[k], resolve);
  switch (name) {
    case 'ifempty':
      arity(name, args, 2);
      return `(((${a(0)}) ?? '') === '' ? (${a(1)}) : (${a(0)}))`;
    case 'if':
      arity(name, args, 3);
      return `(${a(0)} ? ${a(1)} : ${a(2)})`;
    case 'lower':
      arity(name, args, 1);
      return `String(${a(0)} ?? '').toLowerCase()`;
    case 'upper':
      arity(name, args, 1);
      return `String(${a(0)} ?? '').toUpperCase()`;
    case 'trim':
      arity(name, args, 1);
      return `String(${a(0)} ?? '').trim()`;
    case 'replace': {
      arity(name, args, 3);
      const re = regexLiteral(args[1]);
      if (re) return `String(${a(0)} ?? '').replace(new RegExp(${JSON.stringify(re.pattern)}, ${JSON.stringify(re.flags)}), ${a(2)})`;
      return `String(${a(0)} ?? '').replaceAll(${a(1)}, ${a(2)})`;
    }
    case 'split':
      arity(name, args, 2);
      return `String(${a(0)} ?? '').split(${a(1)})`;
    case 'join':
      arity(name, args, 2);
      return `(${a(0)} ?? []).join(${a(1)})`;
    case 'length':
      arity(name, args, 1);
      return `(${a(0)} ?? '').length`;
    case 'toString':
      arity(name, args, 1);
      return `String(${a(0)} ?? '')`;
    case 'parseNumber': {
      arity(name, args, 1, 2);
      if (args.length === 1) return `Number(${a(0)})`;
      const sep = args[1].kind === 'string' ? args[1].value : null;
      if (sep === ',') return `Number(String(${a(0)}).replaceAll('.', '').replace(',', '.'))`;
      if (sep === '.') return `Number(String(${a(0)}).replaceAll(',', ''))`;
      throw new Untranslatable('parseNumber() with a decimal separator other than "," or "." as literal text');
    }
    case 'substring':
      arity(name, args, 2, 3);
      return `String(${a(0)} ?? '').substring(${a(1)}${args.length === 3 ? `, ${a(2)}` : ''})`;
    case 'contains':
      arity(name, args, 2);
      return `(${a(0)} ?? '').includes(${a(1)})`;
    case 'get': {
      arity(name, args, 2);
      const n = literalNumber(args[1]);
      if (n !== null) return `(${a(0)})?.[${n - 1}]`;
      if (args[1].kind === 'string' && args[1].value.split('.').every((s) => s !== '')) {
        return `(${a(0)})` + args[1].value.split('.').map((s) => (/^[0-9]+$/.test(s) ? `?.[${Number(s) - 1}]` : `?.[${JSON.stringify(s)}]`)).join('');
      }
      throw new Untranslatable('get() with a path that is not literal text or a number');
    }
    case 'first':
      arity(name, args, 1);
      return `(${a(0)})?.[0]`;
    case 'last':
      arity(name, args, 1);
      return `(${a(0)})?.at(-1)`;
    case 'encodeURL':
      arity(name, args, 1);
      return `encodeURIComponent(${a(0)} ?? '')`;
    case 'formatDate': {
      arity(name, args, 2, 3);
      const format = luxonFormat(literalText(name, 'format', args[1]));
      const zone = args.length === 3 ? `.setZone(${JSON.stringify(literalText(name, 'time zone', args[2]))})` : '';
      return `${n8nDate(args[0], resolve)}${zone}.toFormat(${JSON.stringify(format)})`;
    }
    case 'parseDate': {
      arity(name, args, 2, 3);
      const format = luxonFormat(literalText(name, 'format', args[1]));
      const zone = args.length === 3 ? `, { zone: ${JSON.stringify(literalText(name, 'time zone', args[2]))} }` : '';
      return `DateTime.fromFormat(String(${a(0)} ?? ''), ${JSON.stringify(format)}${zone})`;
    }
    case 'addDays':
    case 'addHours':
    case 'addMinutes':
    case 'addSeconds':
      arity(name, args, 2);
      return `${n8nDate(args[0], resolve)}.plus({ ${ADD_UNITS[name].luxon}: Number(${a(1)}) })`;
    default:
      throw new Untranslatable(`the function ${name}() has no translation yet`);
  }
}

/**
 * A whole mapping as an n8n parameter value: plain text stays text; `{{1.email}}` becomes
 * `={{ $json.email }}`; text mixed with expressions becomes an n8n template (`=DS24-{{ ... }}`).
 */
export function toN8n(template: Template, resolve: Resolver): string {
  const { parts } = template;
  if (parts.every((p) => p.kind === 'text')) return parts.map((p) => (p.kind === 'text' ? p.value : '')).join('');
  return '=' + parts.map((p) => (p.kind === 'text' ? p.value : `{{ ${n8nExpr(p.expr, resolve)} }}`)).join('');
}

// ------------------------------------------------------------------------------------------- JSONata

const JSONATA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JSONATA_RESERVED = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

function jsonataPath(base: string, path: PathStep[], resolve: Resolver): string {
  let out = base;
  for (const step of path) {
    if (step.kind === 'key') {
      const plain = JSONATA_NAME.test(step.name) && !JSONATA_RESERVED.has(step.name);
      if (step.name.includes('`')) throw new Untranslatable(`the name ${JSON.stringify(step.name)} holds a backtick`);
      out += plain ? `.${step.name}` : `.\`${step.name}\``;
    } else {
      const n = literalNumber(step.index);
      out += n !== null ? `[${n - 1}]` : `[(${jsonataExpr(step.index, resolve)}) - 1]`;
    }
  }
  return out;
}

const jsonataString = (s: string): string => JSON.stringify(s);

/** One IML expression as JSONata (evaluated on msg in Node-RED). */
export function jsonataExpr(e: Expr, resolve: Resolver): string {
  switch (e.kind) {
    case 'string':
      return jsonataString(e.value);
    case 'number':
      return String(e.value);
    case 'regex':
      if (/[su]/.test(e.flags) || e.pattern.includes('/')) throw new Untranslatable(`the regular expression /${e.pattern}/${e.flags} in JSONata`);
      return `/${e.pattern}/${e.flags.replace(/g/g, '')}`;
    case 'keyword':
      return { null: 'null', true: 'true', false: 'false', emptystring: '""', now: '$now()' }[e.value];
    case 'ref':
      return jsonataPath(resolve(e.module), resolve.rewrite ? resolve.rewrite(e.module, e.path) : e.path, resolve);
    case 'member':
      return jsonataPath(`(${jsonataExpr(e.target, resolve)})`, e.path, resolve);
    case 'binary':
      return `(${jsonataExpr(e.left, resolve)} ${e.op} ${jsonataExpr(e.right, resolve)})`;
    case 'call':
      return jsonataCall(e.name, e.args, resolve);
  }
}

function jsonataCall(name: string, args: Expr[], resolve: Resolver): string {
  const a = (k: number): string => jsonataExpr(args[k], resolve);
  switch (name) {
    case 'ifempty':
      arity(name, args, 2);
      return `($v := ${a(0)}; $exists($v) and $v != null and $v != "" ? $v : ${a(1)})`;
    case 'if':
      arity(name, args, 3);
      return `(${a(0)} ? ${a(1)} : ${a(2)})`;
    case 'lower':
      arity(name, args, 1);
      return `$lowercase(${a(0)})`;
    case 'upper':
      arity(name, args, 1);
      return `$uppercase(${a(0)})`;
    case 'trim':
      arity(name, args, 1);
      return `$trim(${a(0)})`;
    case 'replace': {
      arity(name, args, 3);
      const re = regexLiteral(args[1]);
      if (re) {
        if (/[su]/.test(re.flags)) throw new Untranslatable(`replace() with the regular expression flags "${re.flags}" (JSONata knows i and m)`);
        if (re.pattern.includes('/')) throw new Untranslatable('replace() with a regular expression that holds "/"');
        // JSONata replaces every match, as the g flag does; without g only the first one.
        const limit = re.flags.includes('g') ? '' : ', 1';
        return `$replace(${a(0)}, /${re.pattern}/${re.flags.replace(/g/g, '')}, ${a(2)}${limit})`;
      }
      return `$replace(${a(0)}, ${a(1)}, ${a(2)})`;
    }
    case 'split':
      arity(name, args, 2);
      return `$split(${a(0)}, ${a(1)})`;
    case 'join':
      arity(name, args, 2);
      return `$join(${a(0)}, ${a(1)})`;
    case 'length':
      arity(name, args, 1);
      return `($v := ${a(0)}; $type($v) = "string" ? $length($v) : $count($v))`;
    case 'toString':
      arity(name, args, 1);
      return `$string(${a(0)})`;
    case 'parseNumber': {
      arity(name, args, 1, 2);
      if (args.length === 1) return `$number(${a(0)})`;
      const sep = args[1].kind === 'string' ? args[1].value : null;
      if (sep === ',') return `$number($replace($replace($string(${a(0)}), ".", ""), ",", "."))`;
      if (sep === '.') return `$number($replace($string(${a(0)}), ",", ""))`;
      throw new Untranslatable('parseNumber() with a decimal separator other than "," or "." as literal text');
    }
    case 'substring':
      arity(name, args, 2, 3);
      if (args.length === 2) return `$substring(${a(0)}, ${a(1)})`;
      return `$substring(${a(0)}, ${a(1)}, (${a(2)}) - (${a(1)}))`;
    case 'contains':
      arity(name, args, 2);
      return `($v := ${a(0)}; $type($v) = "string" ? $contains($v, ${a(1)}) : (${a(1)}) in $v)`;
    case 'get': {
      arity(name, args, 2);
      const n = literalNumber(args[1]);
      if (n !== null) return `(${a(0)})[${n - 1}]`;
      if (args[1].kind === 'string' && args[1].value.split('.').every((s) => s !== '')) {
        const steps: PathStep[] = args[1].value
          .split('.')
          .map((s) => (/^[0-9]+$/.test(s) ? { kind: 'index', index: { kind: 'number', value: Number(s) } } : { kind: 'key', name: s }));
        return jsonataPath(`(${a(0)})`, steps, resolve);
      }
      throw new Untranslatable('get() with a path that is not literal text or a number');
    }
    case 'first':
      arity(name, args, 1);
      return `(${a(0)})[0]`;
    case 'last':
      arity(name, args, 1);
      return `(${a(0)})[-1]`;
    case 'encodeURL':
      arity(name, args, 1);
      return `$encodeUrlComponent(${a(0)})`;
    case 'formatDate': {
      arity(name, args, 2, 3);
      const picture = jsonataPicture(literalText(name, 'format', args[1]));
      let zone = '';
      if (args.length === 3) {
        const tz = literalText(name, 'time zone', args[2]);
        // JSONata takes a fixed offset only (+0100), not a zone name such as Europe/Berlin.
        if (!/^[+-]\d{4}$/.test(tz)) throw new Untranslatable(`formatDate() with the time zone ${JSON.stringify(tz)} (JSONata takes a fixed offset such as "+0100")`);
        zone = `, ${JSON.stringify(tz)}`;
      }
      return `$fromMillis(${jsonataMillis(args[0], resolve)}, ${JSON.stringify(picture)}${zone})`;
    }
    case 'parseDate': {
      arity(name, args, 2, 3);
      if (args.length === 3) throw new Untranslatable('parseDate() with a time zone (JSONata reads dates in UTC or with their own offset)');
      const picture = jsonataPicture(literalText(name, 'format', args[1]));
      return `$fromMillis($toMillis($string(${a(0)}), ${JSON.stringify(picture)}))`;
    }
    case 'addDays':
    case 'addHours':
    case 'addMinutes':
    case 'addSeconds':
      arity(name, args, 2);
      return `$fromMillis(${jsonataMillis(args[0], resolve)} + $number(${a(1)}) * ${ADD_UNITS[name].ms})`;
    default:
      throw new Untranslatable(`the function ${name}() has no translation yet`);
  }
}

/** A Node-RED typed value: `str` for plain text, `msg` for a plain path, `jsonata` for the rest. */
export interface NodeRedValue {
  value: string;
  type: 'str' | 'msg' | 'jsonata';
}

export function toNodeRed(template: Template, resolve: Resolver): NodeRedValue {
  const { parts } = template;
  if (parts.every((p) => p.kind === 'text')) return { value: parts.map((p) => (p.kind === 'text' ? p.value : '')).join(''), type: 'str' };
  if (parts.length === 1 && parts[0].kind === 'expr') {
    const e = parts[0].expr;
    const expr = jsonataExpr(e, resolve);
    // A plain reference with keys only is a msg path (what the editor shows as msg.make.m1.email).
    if (e.kind === 'ref' && e.path.every((s) => s.kind === 'key' && JSONATA_NAME.test(s.name) && !JSONATA_RESERVED.has(s.name))) {
      return { value: expr, type: 'msg' };
    }
    return { value: expr, type: 'jsonata' };
  }
  // Text mixed with expressions: concatenation; $string() keeps numbers and missing values as Make writes them.
  const pieces = parts.map((p) => (p.kind === 'text' ? jsonataString(p.value) : `$string(${jsonataExpr(p.expr, resolve)})`));
  return { value: pieces.join(' & '), type: 'jsonata' };
}
