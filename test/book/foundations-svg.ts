// Checks for the plots of chapters 2 to 5, 13 and 14: the file was written, is
// one <svg> document whose tags balance, and how many elements of a name it holds.
import { existsSync, readFileSync } from 'node:fs';

/** The file's text, after checking it is one well-nested <svg> document. */
export function readSvgText(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} was not written`);
  const text = readFileSync(path, 'utf8').trim();
  if (!text.startsWith('<svg ') || !text.endsWith('</svg>')) throw new Error(`${path}: not an <svg> document`);
  const stack: string[] = [];
  for (const [, close, name, selfClose] of text.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (close) {
      if (stack.pop() !== name) throw new Error(`${path}: </${name}> does not close the open element`);
    } else if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new Error(`${path}: unclosed <${stack.at(-1)}>`);
  if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`${path}: unescaped '&'`);
  return text;
}

/** How many `<name` elements the SVG at `path` holds. */
export const countTags = (path: string, name: string): number => (readSvgText(path).match(new RegExp(`<${name}[\\s/>]`, 'g')) ?? []).length;
