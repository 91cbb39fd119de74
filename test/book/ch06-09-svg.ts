// Checks for the SVG plots of chapters 6 to 9: the file is well-formed XML
// with an <svg> root (every tag closed in order, attributes quoted, text
// escaped), and counts of its elements, so tests can check how many series,
// nodes or images a plot holds.
import { existsSync, readFileSync } from 'node:fs';

export interface SvgInfo {
  /** How many elements of each name the document holds (nested charts included). */
  count: Record<string, number>;
  text: string;
}

const TAG = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/;

/** Parses `path` and throws (failing the test) unless it is a well-formed SVG document. */
export function readSvg(path: string): SvgInfo {
  if (!existsSync(path)) throw new Error(`${path} was not written`);
  const text = readFileSync(path, 'utf8');
  const count: Record<string, number> = {};
  const stack: string[] = [];
  let root = '';
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(chunk)) throw new Error(`${path}: unescaped '&' in text near offset ${i}`);
    if (stack.length === 0 && chunk.trim() !== '') throw new Error(`${path}: text outside the root element near offset ${i}`);
    if (lt < 0) break;
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new Error(`${path}: unterminated tag at offset ${lt}`);
    const tag = text.slice(lt, gt + 1);
    const m = TAG.exec(tag);
    if (!m) throw new Error(`${path}: malformed tag ${tag.slice(0, 80)}`);
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`${path}: </${name}> closes <${open}>`);
    } else {
      if (stack.length === 0) {
        if (root) throw new Error(`${path}: more than one root element`);
        root = name;
      }
      count[name] = (count[name] ?? 0) + 1;
      if (!selfClosing) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length) throw new Error(`${path}: <${stack.at(-1)}> is never closed`);
  if (root !== 'svg' || !text.includes('xmlns="http://www.w3.org/2000/svg"')) throw new Error(`${path}: the root is not an <svg> element`);
  return { count, text };
}

/** The number of data lines lineChart draws (one path per series). */
export const lineSeries = (svg: SvgInfo) => (svg.text.match(/<path d="M[^"]*" fill="none" stroke="[^"]*" stroke-width="2"/g) ?? []).length;
