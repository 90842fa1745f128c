/**
 * A tolerant JSON reader for hand-scrubbed Make exports: strict JSON plus what people leave in them
 * (numbers with leading zeros such as `"device": 000000`, a byte order mark, trailing commas). Anything
 * else is refused with the line and column where reading stopped.
 */

export class JsonReadError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'JsonReadError';
  }
}

export function readJsonTolerant(text: string): unknown {
  // Strict JSON (most exports) goes through the engine's parser, many times faster on a large file; only
  // what it refuses is read by hand, tolerantly, with the line and column of what is wrong.
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return readByHand(text);
  }
}

function readByHand(text: string): unknown {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let depth = 0;

  const fail = (message: string, at = i): never => {
    let line = 1;
    let column = 1;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text[k] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    throw new JsonReadError(message, line, column, at);
  };
  const describe = (): string => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));

  const space = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };

  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let run = i; // the start of the characters not yet copied to out
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code !== 0x22 && code !== 0x5c && code >= 0x20) {
        i++;
        continue;
      }
      out += text.slice(run, i);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('an invalid escape in a string');
        run = i;
        continue;
      }
      if (c !== '\t') fail('a line break inside a string');
      i++;
      run = i - 1; // the tab is copied with the next run
    }
    return fail('a string that is never closed', start);
  };

  const num = (): number => {
    const start = i;
    if (text[i] === '-') i++;
    if (!/[0-9]/.test(text[i] ?? '')) fail('a number without digits');
    while (/[0-9]/.test(text[i] ?? '')) i++; // leading zeros are accepted on purpose
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail('a number without digits after the decimal point');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail('a number without digits in its exponent');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    return Number(text.slice(start, i));
  };

  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (++depth > 500) fail('values nested more than 500 deep');
      const close = c === '{' ? '}' : ']';
      i++;
      const obj: Record<string, unknown> = {};
      const arr: unknown[] = [];
      space();
      while (text[i] !== close) {
        if (c === '{') {
          if (text[i] !== '"') fail(`expected a key in double quotes where there is ${describe()}`);
          const key = str();
          space();
          if (text[i] !== ':') fail(`expected ":" after the key "${key}" where there is ${describe()}`);
          i++;
          Object.defineProperty(obj, key, { value: value(), enumerable: true, writable: true, configurable: true });
        } else arr.push(value());
        space();
        if (text[i] === ',') {
          i++;
          space(); // a trailing comma before the closing bracket is tolerated
        } else if (text[i] !== close) fail(`expected "," or "${close}" where there is ${describe()}`);
      }
      i++;
      depth--;
      return c === '{' ? obj : arr;
    }
    if (c === '"') return str();
    if (c === '-' || /[0-9]/.test(c ?? '')) return num();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(`expected a value where there is ${describe()}`);
  };

  const result = value();
  space();
  if (i < text.length) fail(`expected the end of the file where there is ${describe()}`);
  return result;
}
