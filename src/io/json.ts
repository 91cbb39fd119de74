// A strict JSON parser for safetensors headers (RFC 8259, as serde_json reads it).
// Unlike JSON.parse it rejects duplicate keys, keeps keys such as "__proto__" as
// plain data (objects become Maps), keeps each number's text so that `1.0` or
// `1e2` can be refused where an integer is required, and bounds the nesting depth.
import { SafetensorsError } from './errors.js';

/** A number, kept as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

const MAX_DEPTH = 128;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as one JSON value surrounded by optional whitespace. */
export function parseJson(text: string): JsonValue {
  let pos = 0;

  const fail = (what: string): never => {
    const near = JSON.stringify(text.slice(pos, pos + 20));
    throw new SafetensorsError(`io: invalid JSON in header at character ${pos}: ${what} (near ${near})`);
  };

  const skipWs = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };

  const parseString = (): string => {
    pos++; // opening quote
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos++);
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text[pos + 1];
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        pos += 2;
      } else {
        fail('bad escape');
      }
      start = pos;
    }
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skipWs();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj = new Map<string, JsonValue>();
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail('expected a string key');
        const keyAt = pos;
        const key = parseString();
        if (obj.has(key)) {
          pos = keyAt;
          fail(`duplicate key ${JSON.stringify(key)}`);
        }
        skipWs();
        if (text[pos++] !== ':') fail("expected ':'");
        obj.set(key, parseValue(depth + 1));
        skipWs();
        const sep = text[pos++];
        if (sep === '}') return obj;
        if (sep !== ',') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipWs();
        const sep = text[pos++];
        if (sep === ']') return arr;
        if (sep !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('expected a value');
    pos += m[0].length;
    return new JsonNumber(m[0]);
  };

  const value = parseValue(0);
  skipWs();
  if (pos !== text.length) fail('trailing characters after the header object');
  return value;
}
