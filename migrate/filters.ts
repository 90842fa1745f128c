/**
 * Make filters (OR of AND groups of `{ a, o, b }`) as one boolean expression per host: JavaScript for an
 * n8n If node, JSONata for a Node-RED switch rule. An operator we do not know is Untranslatable: the
 * caller makes the gate closed (never a pass) and marks it for review.
 */
import type { Condition, Filter } from './blueprint';
import { parseTemplate, type Template } from './iml/parser';
import { jsonataExpr, n8nExpr, Untranslatable, type Resolver } from './iml/translate';

/** A mapping as one n8n JavaScript operand (text mixed with expressions becomes a concatenation). */
export function n8nOperand(t: Template, resolve: Resolver): string {
  if (t.parts.length === 0) return "''";
  const pieces = t.parts.map((p) => (p.kind === 'text' ? JSON.stringify(p.value) : t.parts.length === 1 ? n8nExpr(p.expr, resolve) : `String(${n8nExpr(p.expr, resolve)} ?? '')`));
  return pieces.length === 1 ? pieces[0] : `(${pieces.join(' + ')})`;
}

/** A mapping as one JSONata operand. */
export function jsonataOperand(t: Template, resolve: Resolver): string {
  if (t.parts.length === 0) return '""';
  const pieces = t.parts.map((p) => (p.kind === 'text' ? JSON.stringify(p.value) : t.parts.length === 1 ? jsonataExpr(p.expr, resolve) : `$string(${jsonataExpr(p.expr, resolve)})`));
  return pieces.length === 1 ? pieces[0] : `(${pieces.join(' & ')})`;
}

/** Make's spellings and ours: `text:startswith` (the documentation) is `text:startwith` (the blueprints). */
function canonical(o: string): string {
  return o.trim().toLowerCase().replace(/startswith/, 'startwith').replace(/endswith/, 'endwith').replace(/contains/, 'contain');
}

const NUMBER_OPS: Record<string, string> = { equal: '==', notequal: '!=', greater: '>', less: '<', greaterorequal: '>=', lessorequal: '<=' };
const JSONATA_CMP: Record<string, string> = { equal: '=', notequal: '!=', greater: '>', less: '<', greaterorequal: '>=', lessorequal: '<=' };

/** The operators both hosts translate (canonical spelling). */
export const SUPPORTED_OPERATORS = [
  'text:equal', 'text:equal:ci', 'text:notequal', 'text:notequal:ci', 'text:contain', 'text:contain:ci', 'text:notcontain',
  'text:notcontain:ci', 'text:startwith', 'text:startwith:ci', 'text:notstartwith', 'text:notstartwith:ci', 'text:endwith',
  'text:endwith:ci', 'text:notendwith', 'text:notendwith:ci', 'text:pattern', 'text:pattern:ci', 'text:notpattern',
  'text:notpattern:ci', ...Object.keys(NUMBER_OPS).map((k) => `number:${k}`), ...Object.keys(NUMBER_OPS).map((k) => `date:${k}`),
  'boolean:equal', 'boolean:notequal', 'array:contain', 'array:notcontain', 'exist', 'notexist',
];

function parts(o: string): { family: string; op: string; ci: boolean; negate: boolean } {
  const [family, rawOp = '', flag] = canonical(o).split(':');
  const negate = rawOp.startsWith('not') && rawOp !== 'notequal';
  const op = negate ? rawOp.slice(3) : rawOp;
  return { family, op, ci: flag === 'ci', negate };
}

function read(iml: string | undefined, side: string): Template {
  try {
    return parseTemplate(iml ?? '');
  } catch (error) {
    throw new Untranslatable(`the filter's ${side} side ${JSON.stringify(iml)} cannot be read: ${(error as Error).message}`);
  }
}

function known(c: Condition): void {
  if (!SUPPORTED_OPERATORS.includes(canonical(c.o))) throw new Untranslatable(`the filter operator "${c.o}" is not one we know`);
}

export function n8nCondition(c: Condition, resolve: Resolver): string {
  known(c);
  const { family, op, ci, negate } = parts(c.o);
  const A = n8nOperand(read(c.a, 'left'), resolve);
  if (family === 'exist') return `((${A}) !== undefined && (${A}) !== null)`;
  if (family === 'notexist') return `((${A}) === undefined || (${A}) === null)`;
  const B = n8nOperand(read(c.b, 'right'), resolve);
  const text = (x: string): string => (ci ? `String(${x} ?? '').toLowerCase()` : `String(${x} ?? '')`);
  let expr: string;
  if (family === 'text') {
    if (op === 'equal') expr = `${text(A)} === ${text(B)}`;
    else if (op === 'notequal') expr = `${text(A)} !== ${text(B)}`;
    else if (op === 'contain') expr = `${text(A)}.includes(${text(B)})`;
    else if (op === 'startwith') expr = `${text(A)}.startsWith(${text(B)})`;
    else if (op === 'endwith') expr = `${text(A)}.endsWith(${text(B)})`;
    else expr = `new RegExp(String(${B} ?? ''), ${ci ? "'i'" : "''"}).test(String(${A} ?? ''))`; // pattern
  } else if (family === 'number') expr = `Number(${A}) ${NUMBER_OPS[op]} Number(${B})`;
  else if (family === 'date') expr = `new Date(${A}).getTime() ${NUMBER_OPS[op]} new Date(${B}).getTime()`;
  else if (family === 'boolean') expr = `['true', '1'].includes(String(${A})) ${op === 'equal' ? '===' : '!=='} ['true', '1'].includes(String(${B}))`;
  else expr = `(Array.isArray(${A}) ? ${A} : []).includes(${B})`; // array:contain
  return negate ? `!(${expr})` : `(${expr})`;
}

export function jsonataCondition(c: Condition, resolve: Resolver): string {
  known(c);
  const { family, op, ci, negate } = parts(c.o);
  const A = jsonataOperand(read(c.a, 'left'), resolve);
  if (family === 'exist') return `($exists(${A}) and (${A}) != null)`;
  if (family === 'notexist') return `($not($exists(${A})) or (${A}) = null)`;
  const bTemplate = read(c.b, 'right');
  const B = jsonataOperand(bTemplate, resolve);
  const text = (x: string): string => {
    const s = `($exists(${x}) ? $string(${x}) : "")`;
    return ci ? `$lowercase(${s})` : s;
  };
  let expr: string;
  if (family === 'text') {
    if (op === 'equal') expr = `${text(A)} = ${text(B)}`;
    else if (op === 'notequal') expr = `${text(A)} != ${text(B)}`;
    else if (op === 'contain') expr = `$contains(${text(A)}, ${text(B)})`;
    else if (op === 'startwith') expr = `$substring(${text(A)}, 0, $length(${text(B)})) = ${text(B)}`;
    else if (op === 'endwith') expr = `($a := ${text(A)}; $b := ${text(B)}; $length($b) = 0 or $substring($a, $length($a) - $length($b)) = $b)`;
    else {
      // JSONata takes regular expressions as literals only: a pattern must be literal text.
      const literal = bTemplate.parts.length === 1 && bTemplate.parts[0].kind === 'text' ? bTemplate.parts[0].value : null;
      if (literal === null || literal.includes('/')) throw new Untranslatable('a text:pattern filter whose pattern is not literal text without "/" (JSONata needs it written out)');
      expr = `$contains(${text(A)}, /${literal}/${ci ? 'i' : ''})`;
    }
  } else if (family === 'number') expr = `$number(${A}) ${JSONATA_CMP[op]} $number(${B})`;
  else if (family === 'date') expr = `$toMillis(${A}) ${JSONATA_CMP[op]} $toMillis(${B})`;
  else if (family === 'boolean') expr = `($string(${A}) in ["true", "1"]) ${op === 'equal' ? '=' : '!='} ($string(${B}) in ["true", "1"])`;
  else expr = `(${B}) in (${A})`;
  return negate ? `$not(${expr})` : `(${expr})`;
}

/** A whole filter: OR of AND groups. An empty filter passes. */
export function n8nFilter(f: Filter, resolve: Resolver): string {
  const groups = f.conditions.filter((g) => g.length > 0);
  if (groups.length === 0) return 'true';
  return groups.map((g) => `(${g.map((c) => n8nCondition(c, resolve)).join(' && ')})`).join(' || ');
}

export function jsonataFilter(f: Filter, resolve: Resolver): string {
  const groups = f.conditions.filter((g) => g.length > 0);
  if (groups.length === 0) return 'true';
  return groups.map((g) => `(${g.map((c) => jsonataCondition(c, resolve)).join(' and ')})`).join(' or ');
}
