/**
 * Checks that a screenshot is a real picture of a page: PNG signature, IHDR dimensions, more than 10 kB, and pixels
 * that are not all one colour. The last check is the one that matters: a blank white 1280×2000 page from Chromium
 * already weighs about 11 kB, so the size alone does not tell a rendered page from an empty one.
 */
import { readFileSync } from 'node:fs';
import { unzlibSync } from 'fflate';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const MIN_BYTES = 10 * 1024;
/** A page with text, borders and a coloured header has hundreds of colours (anti-aliasing); a blank one has one. */
const MIN_COLOURS = 16;
/** Counting stops there: enough to tell a page from a blank, without decoding the whole image every time. */
export const COLOUR_COUNT_LIMIT = 400;

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  /** Distinct colours, counted up to COLOUR_COUNT_LIMIT; null when the PNG's pixel format is not one we decode. */
  readonly colours: number | null;
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a); const pb = Math.abs(p - b); const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * Counts the distinct colours of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes), undoing the
 * per-row filters of PNG §9.2. Other formats return null: the check is then skipped, not failed.
 */
function countColours(data: Buffer, width: number, height: number, limit: number): number | null {
  const bitDepth = data[24]; const colourType = data[25]; const interlace = data[28];
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6) || interlace !== 0) return null;
  const chunks: Buffer[] = [];
  for (let at = 8; at + 8 <= data.length;) {
    const length = data.readUInt32BE(at);
    if (data.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(data.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = unzlibSync(new Uint8Array(Buffer.concat(chunks)));
  const bpp = colourType === 6 ? 4 : 3;
  const stride = width * bpp;
  let prev = new Uint8Array(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.slice(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp]! : 0; const b = prev[i]!; const c = i >= bpp ? prev[i - bpp]! : 0;
      const add = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      row[i] = (row[i]! + add) & 0xff;
    }
    for (let i = 0; i < stride; i += bpp) colours.add((row[i]! << 16) | (row[i + 1]! << 8) | row[i + 2]!);
    if (colours.size >= limit) return limit;
    prev = row;
  }
  return colours.size;
}

/** Reads the PNG's header (the IHDR chunk comes first, PNG §5.3) and pixels; returns what it found and the problems. */
export function checkPng(file: string, expected: { width: number; height: number }): { info: PngInfo | null; problems: string[] } {
  const data = readFileSync(file);
  if (data.length < 33 || !data.subarray(0, 8).equals(SIGNATURE)) return { info: null, problems: [`${file} is not a PNG (no PNG signature)`] };
  if (data.toString('latin1', 12, 16) !== 'IHDR') return { info: null, problems: [`${file}: the first chunk is not IHDR`] };
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  const info: PngInfo = { width, height, bytes: data.length, colours: countColours(data, width, height, COLOUR_COUNT_LIMIT) };
  const problems: string[] = [];
  if (width !== expected.width || height !== expected.height) problems.push(`${file} is ${width}×${height}, expected ${expected.width}×${expected.height}`);
  if (info.bytes <= MIN_BYTES) problems.push(`${file} is ${info.bytes} bytes: too small to show a rendered page (more than ${MIN_BYTES} expected)`);
  if (info.colours !== null && info.colours < MIN_COLOURS) problems.push(`${file} has ${info.colours} colour(s): the page rendered blank`);
  return { info, problems };
}
