/**
 * Images as model inputs: decoded (PNG with pngjs, JPEG with jpeg-js, BMP here: it is a few
 * header fields), resized to the model's H×W with bilinear sampling on pixel centers, reduced
 * to grayscale or kept RGB to match the input's channels, then normalized.
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from './inputError';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, rows top to bottom. */
  readonly data: Uint8Array;
}

export type Normalization =
  | { readonly kind: 'unit' }
  | { readonly kind: 'signed' }
  | { readonly kind: 'raw' }
  | { readonly kind: 'meanStd'; readonly mean: readonly number[]; readonly std: readonly number[] };

export const NORMALIZATIONS: Readonly<Record<string, Normalization>> = {
  '[0,1]': { kind: 'unit' },
  '[-1,1]': { kind: 'signed' },
  '[0,255]': { kind: 'raw' },
  imagenet: { kind: 'meanStd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
};

export function describeNormalization(n: Normalization): string {
  switch (n.kind) {
    case 'unit':
      return 'pixels / 255 → [0, 1]';
    case 'signed':
      return 'pixels / 127.5 − 1 → [−1, 1]';
    case 'raw':
      return 'pixels as they are, [0, 255]';
    case 'meanStd':
      return `(pixels / 255 − mean [${n.mean.join(', ')}]) / std [${n.std.join(', ')}]`;
  }
}

/** Largest image decoded (pixels): 256 MB of RGBA. A model input is far smaller; a bigger file is a mistake or an attack. */
export const MAX_IMAGE_PIXELS = 64e6;

function checkPixels(width: number, height: number, name: string): void {
  if (width * height > MAX_IMAGE_PIXELS)
    throw new InputError(`${name} is ${width}×${height} pixels; images over ${MAX_IMAGE_PIXELS / 1e6} megapixels are refused`);
}

export function decodeImage(bytes: Uint8Array, name: string): RgbaImage {
  const lower = name.toLowerCase();
  try {
    if (lower.endsWith('.png')) {
      // The size is in the IHDR chunk, which PNG requires first: check it before decoding allocates.
      if (bytes.length >= 24) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        checkPixels(view.getUint32(16), view.getUint32(20), name);
      }
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
      return { width: img.width, height: img.height, data: img.data };
    }
    if (lower.endsWith('.bmp')) return decodeBmp(bytes, name);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${name} could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
  }
  throw new InputError(`${name}: images must be .png, .jpg or .bmp`);
}

/** Uncompressed BMP: 8-bit palette, 24-bit or 32-bit, bottom-up or top-down. */
function decodeBmp(bytes: Uint8Array, name: string): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new InputError(`${name} is not a BMP file`);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  if (compression !== 0 && compression !== 3) throw new InputError(`${name}: compressed BMP (method ${compression}) is not supported`);
  if (![8, 24, 32].includes(bits)) throw new InputError(`${name}: ${bits}-bit BMP is not supported (8, 24 or 32)`);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width * height > MAX_IMAGE_PIXELS) throw new InputError(`${name}: bad BMP size ${width}×${height}`);
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw new InputError(`${name}: the BMP pixel data runs past the end of the file`);
  const colors = bits === 8 ? view.getUint32(46, true) || 256 : 0;
  const palette = 14 + headerSize;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (rawHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (bits === 8) {
        const index = bytes[row + x]!;
        const p = palette + 4 * Math.min(index, colors - 1);
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else {
        const p = row + x * (bits / 8);
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/**
 * Resizes to height×width and returns channels-last float pixels in [0, 255]: bilinear with
 * half-pixel centers, grayscale by BT.601 luma when `channels` is 1.
 */
export function resizeToTensor(img: RgbaImage, height: number, width: number, channels: number): Float32Array {
  if (channels !== 1 && channels !== 3) throw new InputError(`images can fill inputs with 1 or 3 channels, not ${channels}`);
  const out = new Float32Array(height * width * channels);
  const sy = img.height / height;
  const sx = img.width / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      const rgb = [0, 0, 0];
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number): number => img.data[(yy * img.width + xx) * 4 + c]!;
        rgb[c] = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
      }
      const o = (y * width + x) * channels;
      if (channels === 1) out[o] = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
      else out.set(rgb, o);
    }
  }
  return out;
}

export function normalize(pixels: Float32Array, channels: number, n: Normalization): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    switch (n.kind) {
      case 'unit':
        out[i] = p / 255;
        break;
      case 'signed':
        out[i] = p / 127.5 - 1;
        break;
      case 'raw':
        out[i] = p;
        break;
      case 'meanStd': {
        const c = i % channels;
        out[i] = (p / 255 - (n.mean[c] ?? n.mean[0] ?? 0)) / (n.std[c] ?? n.std[0] ?? 1);
        break;
      }
    }
  }
  return out;
}
