/** 16-bit PCM .wav files: sample rate, channel count and the first channel's samples. */
import { InputError } from './inputError';

export interface Pcm16 {
  readonly sampleRate: number;
  readonly channels: number;
  /** The first channel. */
  readonly samples: Int16Array;
}

export function parseWav(bytes: Uint8Array, name: string): Pcm16 {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number): string => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new InputError(`${name} is not a RIFF/WAVE file`);
  let format: { channels: number; sampleRate: number; bits: number; code: number } | undefined;
  for (let o = 12; o + 8 <= bytes.length; ) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    if (body + size > bytes.length && id !== 'data') throw new InputError(`${name}: chunk "${id}" runs past the end of the file`);
    if (id === 'fmt ') {
      if (size < 16) throw new InputError(`${name}: the format chunk is ${size} bytes; a PCM format chunk has at least 16`);
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new InputError(`${name}: the data chunk comes before the format chunk`);
      if (format.channels === 0) throw new InputError(`${name}: the format chunk says 0 channels`);
      if (format.code !== 1 || format.bits !== 16)
        throw new InputError(`${name} is ${format.bits}-bit (format ${format.code}); only 16-bit PCM .wav is supported`);
      const frames = Math.floor(Math.min(size, bytes.length - body) / (2 * format.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = view.getInt16(body + i * 2 * format.channels, true);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    o = body + size + (size % 2);
  }
  throw new InputError(`${name} has no data chunk`);
}
