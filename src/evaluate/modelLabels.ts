/**
 * A model's own class names: TFLite models with metadata (the TFLite Support metadata writer)
 * carry their label file as a zip archive appended to the flatbuffer. This reads that archive's
 * central directory and the label file's bytes (stored or deflated), bounded, and never fails on
 * a model without one: no labels is an answer.
 */
import { inflateRawSync } from 'node:zlib';

/** Label files larger than this are not read: thousands of class names fit in far less. */
const MAX_LABELS_BYTES = 4 * 1024 * 1024;
/** The end-of-central-directory record sits in the last 22 bytes plus a comment of at most 64 KB. */
const EOCD_SEARCH = 22 + 0xffff;

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressed: number;
  readonly size: number;
  readonly local: number;
}

function entries(bytes: Uint8Array): Entry[] {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - EOCD_SEARCH); i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = u16(bytes, eocd + 10);
  const cdSize = u32(bytes, eocd + 12);
  const cdOffset = u32(bytes, eocd + 16);
  // An archive appended to another file may store offsets from its own start: shift them.
  const shift = eocd - cdSize - cdOffset;
  const out: Entry[] = [];
  let at = cdOffset + shift;
  for (let k = 0; k < count && at >= 0 && at + 46 <= bytes.length && u32(bytes, at) === 0x02014b50; k++) {
    const nameLength = u16(bytes, at + 28);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    out.push({ name, method: u16(bytes, at + 10), compressed: u32(bytes, at + 20), size: u32(bytes, at + 24), local: u32(bytes, at + 42) + shift });
    at += 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32);
  }
  return out;
}

/** The class names of the label file a model carries (one per line), or undefined. */
export function modelLabels(bytes: Uint8Array): string[] | undefined {
  const files = entries(bytes).filter((e) => /\.txt$/i.test(e.name));
  const entry = files.find((e) => /label/i.test(e.name)) ?? files[0];
  if (!entry || entry.size > MAX_LABELS_BYTES || entry.compressed > MAX_LABELS_BYTES) return undefined;
  const at = entry.local;
  if (at < 0 || at + 30 > bytes.length || u32(bytes, at) !== 0x04034b50) return undefined;
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const data = bytes.subarray(start, start + entry.compressed);
  let text: Uint8Array;
  try {
    text = entry.method === 0 ? data : entry.method === 8 ? inflateRawSync(data, { maxOutputLength: MAX_LABELS_BYTES }) : new Uint8Array();
  } catch {
    return undefined;
  }
  const labels = new TextDecoder()
    .decode(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return labels.length > 0 ? labels : undefined;
}
