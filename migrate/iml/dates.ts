/**
 * Make's date formats (Moment.js tokens: `YYYY-MM-DD`, `DD.MM.YYYY HH:mm`, `[Uhr]`) in the hosts' own
 * terms: Luxon's `toFormat` / `fromFormat` tokens for n8n, and XPath picture strings for JSONata's
 * `$fromMillis` / `$toMillis` in Node-RED. A token with no faithful counterpart (Moment's `Do`, `a`, `d`, ...)
 * is Untranslatable, never approximated.
 */
import { Untranslatable } from './translate-error';

type Piece = { kind: 'literal'; text: string } | { kind: 'token'; token: string };

/** Moment's tokens, longest first so that `YYYY` wins over `YY`. */
const TOKENS = [
  'YYYY', 'MMMM', 'DDDD', 'dddd', 'SSS', 'YY', 'MMM', 'DDD', 'ddd', 'Do', 'MM', 'DD', 'HH', 'hh', 'mm', 'ss', 'WW', 'ZZ', 'SS',
  'Q', 'M', 'D', 'd', 'E', 'H', 'h', 'm', 's', 'S', 'W', 'A', 'a', 'Z', 'X', 'x',
];

/** Moment token → Luxon token. */
const LUXON: Record<string, string> = {
  YYYY: 'yyyy', YY: 'yy', Q: 'q', MMMM: 'MMMM', MMM: 'MMM', MM: 'MM', M: 'M', DDDD: 'ooo', DDD: 'o', DD: 'dd', D: 'd',
  dddd: 'cccc', ddd: 'ccc', E: 'c', HH: 'HH', H: 'H', hh: 'hh', h: 'h', mm: 'mm', m: 'm', ss: 'ss', s: 's', SSS: 'SSS',
  WW: 'WW', W: 'W', A: 'a', Z: 'ZZ', ZZ: 'ZZZ', X: 'X', x: 'x',
};

/** Moment token → XPath picture component (JSONata). */
const PICTURE: Record<string, string> = {
  YYYY: '[Y0001]', YY: '[Y01]', MMMM: '[MNn]', MMM: '[MNn,*-3]', MM: '[M01]', M: '[M1]', DDDD: '[d001]', DDD: '[d1]', DD: '[D01]',
  D: '[D1]', dddd: '[FNn]', ddd: '[FNn,*-3]', E: '[F1]', HH: '[H01]', H: '[H1]', hh: '[h01]', h: '[h1]', mm: '[m01]', m: '[m1]',
  ss: '[s01]', s: '[s1]', SSS: '[f001]', WW: '[W01]', W: '[W1]', A: '[PN]', Z: '[Z01:01]', ZZ: '[Z0101]',
};

/** Splits a Moment format into tokens and literal text (`[...]` and every character that is no token). */
export function momentPieces(format: string): Piece[] {
  const pieces: Piece[] = [];
  const literal = (text: string) => {
    const last = pieces[pieces.length - 1];
    if (last?.kind === 'literal') last.text += text;
    else pieces.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < format.length) {
    if (format[i] === '[') {
      const close = format.indexOf(']', i + 1);
      if (close < 0) throw new Untranslatable(`the date format ${JSON.stringify(format)} opens "[" and never closes it`);
      literal(format.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    const token = TOKENS.find((t) => format.startsWith(t, i));
    if (token) {
      pieces.push({ kind: 'token', token });
      i += token.length;
    } else literal(format[i++]);
  }
  return pieces;
}

function unknown(token: string, format: string, host: string): never {
  throw new Untranslatable(`the date format ${JSON.stringify(format)}: its token "${token}" has no counterpart in ${host}`);
}

/** A Moment format as a Luxon format (literal text quoted). */
export function luxonFormat(format: string): string {
  return momentPieces(format)
    .map((p) => {
      if (p.kind === 'literal') return /^[^A-Za-z']*$/.test(p.text) ? p.text : `'${p.text.replace(/'/g, "''")}'`;
      return LUXON[p.token] ?? unknown(p.token, format, 'Luxon (n8n)');
    })
    .join('');
}

/** A Moment format as an XPath picture string for JSONata (`[` and `]` in text doubled). */
export function jsonataPicture(format: string): string {
  return momentPieces(format)
    .map((p) => {
      if (p.kind === 'literal') return p.text.replace(/\[/g, '[[').replace(/\]/g, ']]');
      return PICTURE[p.token] ?? unknown(p.token, format, 'JSONata (Node-RED)');
    })
    .join('');
}
