// Lines that fit a terminal's width: wrapped at spaces, long paths broken after `/`, the words that must stay whole kept whole.

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/** East Asian wide and fullwidth ranges and the emoji blocks: two columns each (as terminals draw them). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Columns a string takes on a terminal, colour escapes not counted. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(SGR, '')) w += charWidth(ch);
  return w;
}

/** One part of a line. `keep`: never broken (a verdict, an image ref, a package); `style` is applied after wrapping. */
export interface Seg {
  text: string;
  keep?: boolean;
  style?: (s: string) => string;
}

interface Word {
  space: string;
  text: string;
  keep: boolean;
  style: ((s: string) => string) | undefined;
}

function wordsOf(segs: readonly Seg[]): Word[] {
  const words: Word[] = [];
  let pending = '';
  for (const seg of segs) {
    if (seg.keep) {
      words.push({ space: pending, text: seg.text, keep: true, style: seg.style });
      pending = '';
      continue;
    }
    for (const m of seg.text.matchAll(/(\s*)(\S+)|(\s+)$/g)) {
      if (m[3] !== undefined) pending += m[3];
      else {
        words.push({ space: pending + m[1], text: m[2]!, keep: false, style: seg.style });
        pending = '';
      }
    }
  }
  return words;
}

/** The longest head of `word` that fits `room` columns, cut after a `/`, `,`, `;`, `=` or `&` when there is one. */
function headThatFits(word: string, room: number): [string, string] {
  const chars = [...word];
  let w = 0;
  let end = 0;
  while (end < chars.length && w + charWidth(chars[end]!) <= room) w += charWidth(chars[end++]!);
  if (end >= chars.length) return [word, ''];
  if (end === 0) return ['', word];
  const head = chars.slice(0, end).join('');
  const cut = Math.max(...['/', ',', ';', '=', '&'].map((c) => head.lastIndexOf(c)));
  const at = cut > 0 ? [...head.slice(0, cut + 1)].length : end;
  return [chars.slice(0, at).join(''), chars.slice(at).join('')];
}

/**
 * Lays `segs` out in lines of at most `width` columns: the first starts with `indent`, the rest with `hang`.
 * A kept word longer than a line gets a line of its own rather than being cut. No width: one line, as given.
 */
export function fitLine(segs: readonly Seg[], width: number | undefined, indent = '', hang = indent): string[] {
  const paint = (w: Word, s: string) => (w.style ? w.style(s) : s);
  if (width === undefined) return [indent + wordsOf(segs).map((w) => w.space + paint(w, w.text)).join('')];
  const lines: string[] = [];
  let line = indent;
  let col = displayWidth(indent);
  let empty = true;
  const newLine = () => {
    lines.push(line.trimEnd());
    [line, col, empty] = [hang, displayWidth(hang), true];
  };
  for (const word of wordsOf(segs)) {
    let text = word.text;
    const space = empty ? '' : word.space;
    // A breakable word too long for any line starts where it is; anything else that does not fit starts a line.
    const tooLong = !word.keep && displayWidth(text) > width - displayWidth(hang);
    if (!empty && !tooLong && col + displayWidth(space) + displayWidth(text) > width) newLine();
    else if (!empty) [line, col] = [line + space, col + displayWidth(space)];
    // A breakable word longer than the room left: cut it, at a path separator when it has one.
    while (!word.keep && col + displayWidth(text) > width) {
      const [head, rest] = headThatFits(text, width - col);
      if (head === '' && !empty) {
        newLine();
        continue;
      }
      // Not even one character fits a fresh line (a hang as wide as the width): take one, or it never ends.
      const [take, left] = head === '' ? [[...text][0]!, [...text].slice(1).join('')] : [head, rest];
      [line, col] = [line + paint(word, take), col + displayWidth(take)];
      text = left;
      newLine();
      if (text === '') break;
    }
    if (text === '') continue;
    [line, col, empty] = [line + paint(word, text), col + displayWidth(text), false];
  }
  if (!empty || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** Plain text, wrapped: for the prose lines (reasons, notes, scan problems). */
export function fitText(text: string, width: number | undefined, indent = '', hang = indent): string[] {
  return fitLine([{ text }], width, indent, hang);
}
