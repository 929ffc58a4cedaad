import * as flatbuffers from 'flatbuffers';
import { ModelFormatError } from '../errors';

/**
 * A ByteBuffer that refuses to read outside the file and stops after a bounded amount of
 * work. The generated accessors trust every offset they meet; a hostile or truncated file
 * would otherwise read `undefined` as 0 and carry on silently, or loop over a vector that
 * claims two billion entries. Every multi-byte read in the runtime funnels through
 * readUint8, readUint16 or readInt32, so checking those three covers all of them.
 */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private reads = 0;

  constructor(
    bytes: Uint8Array,
    /** How many reads the whole parse may make: a budget proportional to the file size. */
    private readonly readBudget: number,
  ) {
    super(bytes);
  }

  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }

  override __vector_len(offset: number): number {
    const start = this.__indirect(offset);
    const length = this.readInt32(start);
    // No element is smaller than a byte, so a length past the end of the file is a lie.
    if (length < 0 || start + 4 + length > this.capacity()) {
      throw new ModelFormatError('out-of-range', `vector of ${length} elements runs past the end of the file`, start);
    }
    return length;
  }

  override __string(offset: number, encoding?: flatbuffers.Encoding): string | Uint8Array {
    const start = this.__indirect(offset);
    const length = this.readInt32(start);
    if (length < 0 || start + 4 + length > this.capacity()) {
      throw new ModelFormatError('out-of-range', `string of ${length} bytes runs past the end of the file`, start);
    }
    return super.__string(offset, encoding);
  }

  /** Checks that `count` elements of `elementBytes` each fit in the file from `start`. */
  checkSpan(start: number, count: number, elementBytes: number): void {
    if (count < 0 || start < 0 || start + count * elementBytes > this.capacity()) {
      throw new ModelFormatError('out-of-range', `${count} elements run past the end of the file`, start);
    }
  }

  private check(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity())) {
      throw new ModelFormatError('out-of-range', `read of ${size} bytes outside the ${this.capacity()}-byte file`, offset);
    }
    if (++this.reads > this.readBudget) {
      throw new ModelFormatError('too-large', 'the model structure is larger than its file could hold; refusing to read on');
    }
  }
}
