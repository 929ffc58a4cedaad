/**
 * The WebAssembly SIMD kernels (kernels.wat, compiled into kernelsWasm.ts by
 * scripts/build-wasm.mjs: `npm run build-wasm`) and the memory they work in. An Interpreter
 * owns one WasmArena: one WebAssembly.Memory and one instance of the kernels over it. Kernels
 * allocate what they keep (packed weights, tables, requantization parameters) at prepare time
 * and share one scratch region for what lives only during their eval (the int8 input copied
 * in, the padded int16 image, the int32 accumulators, the int8 output to copy out), as large as
 * the largest any kernel asked for, which the interpreter allocates once all have prepared. The
 * memory only grows until then; evals still take their typed-array views from the arena (a
 * growth detaches the old ones), which returns cached views while the buffer is unchanged.
 *
 * The float32 kernels (floatKernels.wat) are a second instance over the same memory, in one of
 * two builds: separate multiplies and adds (TFLite's reference rounding), or relaxed SIMD's
 * fused multiply-adds where the platform validates them and the interpreter allows them.
 *
 * Where WebAssembly or its SIMD extension is missing, `WasmArena.create` returns undefined and
 * the kernels keep their JavaScript loops. Everything here is per JavaScript realm: each
 * worker thread compiles its own modules and each interpreter owns its arena, so threads never
 * share a memory.
 */
import { FLOAT_KERNELS_FMA_WASM_BASE64, FLOAT_KERNELS_WASM_BASE64, KERNELS_WASM_BASE64, RELAXED_SIMD_PROBE_BASE64 } from './kernelsWasm';

/** The exports of kernels.wat; pointers are byte offsets in the arena's memory. */
/** `n` rounded up to a multiple of 16: every buffer in the kernels' memory starts 16-byte aligned. */
export const align16 = (n: number): number => (n + 15) & ~15;

export interface WasmKernels {
  pad(src: number, rows: number, n: number, dst: number, top: number, bottom: number, left: number, right: number, off: number, rep: number): void;
  conv(
    x: number,
    pix: number,
    pixels: number,
    seg: number,
    segments: number,
    quads: number,
    w: number,
    blk: number,
    blocks: number,
    bias: number,
    acc: number,
    pitch: number,
  ): void;
  dw(x: number, pix: number, pixels: number, tap: number, taps: number, w: number, chunks: number, bias: number, acc: number): void;
  requant(
    acc: number,
    pitch: number,
    pixels: number,
    channels: number,
    prm: number,
    cp: number,
    out: number,
    mode: number,
    zp: number,
    lo: number,
    hi: number,
  ): void;
  add8(a: number, b: number, out: number, n: number, prm: number): void;
}

/** The exports of floatKernels.wat; pointers are byte offsets in the arena's memory. */
export interface WasmFloatKernels {
  fconv(
    x: number,
    pix: number,
    pixels: number,
    seg: number,
    segments: number,
    len: number,
    w: number,
    blocks: number,
    bias: number,
    out: number,
    row: number,
    outC: number,
    lo: number,
    hi: number,
  ): void;
  fdw(
    x: number,
    ind: number,
    pixels: number,
    taps: number,
    w: number,
    pitch: number,
    channels: number,
    bias: number,
    out: number,
    lo: number,
    hi: number,
  ): void;
  fbin(a: number, b: number, out: number, n: number, op: number, lo: number, hi: number): void;
  fbcast(x: number, v: number, out: number, rows: number, channels: number, op: number, lo: number, hi: number): void;
  fclamp(x: number, out: number, n: number, lo: number, hi: number): void;
  ftconv(
    x: number,
    inH: number,
    inW: number,
    inC: number,
    w: number,
    kH: number,
    kW: number,
    strideH: number,
    strideW: number,
    padTop: number,
    padLeft: number,
    acc: number,
    outH: number,
    outW: number,
    ocp: number,
  ): void;
  fbias(acc: number, pixels: number, ocp: number, bias: number, out: number, channels: number, lo: number, hi: number): void;
  fpool(x: number, ind: number, pixels: number, taps: number, channels: number, out: number, mode: number, counts: number, lo: number, hi: number): void;
}

export interface WasmArenaOptions {
  /**
   * Let the float32 kernels use fused multiply-adds where the platform has relaxed SIMD
   * (default true): faster, and the last bits of a sum differ from TFLite's reference kernels.
   */
  readonly fma?: boolean;
  /** Start from another arena's prepared memory (see ArenaImage): kernels then skip packing. */
  readonly image?: ArenaImage;
}

/**
 * An arena's memory as its interpreter left it once prepared (packed weights, index tables,
 * zeroed outputs and scratch), in shared memory where the platform has it: a second
 * interpreter of the same model on another thread starts from a copy of it instead of packing
 * the weights again. Allocation is deterministic (the same model, options and code allocate
 * the same offsets), and `top` lets the second interpreter check that it did.
 */
export interface ArenaImage {
  readonly bytes: Uint8Array;
  readonly top: number;
  readonly fma: boolean;
}

/** The SharedArrayBuffer constructor where the platform has one (see util/batch.ts sharedMemory). */
const Shared: typeof SharedArrayBuffer | undefined = globalThis.SharedArrayBuffer;

/** Bytes every allocation is followed by: vector loops read and write a little past their data. */
export const SLACK = 64;
const PAGE = 65536;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const value = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) value[alphabet.charCodeAt(i)] = i;
  const clean = s.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | value[clean.charCodeAt(i)]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

const compiled = new Map<string, WebAssembly.Module | null>();

/** A module compiled once per realm, or null where this platform cannot compile it. */
function moduleOf(base64: string): WebAssembly.Module | null {
  let m = compiled.get(base64);
  if (m === undefined) {
    try {
      m = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(base64)) : null;
    } catch {
      m = null;
    }
    compiled.set(base64, m);
  }
  return m;
}

/** The compiled int8 kernels, or null where WebAssembly SIMD is unavailable. */
function kernelModule(): WebAssembly.Module | null {
  return moduleOf(KERNELS_WASM_BASE64);
}

/** Whether this platform runs the WebAssembly SIMD kernels. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

let relaxed: boolean | undefined;

/** Whether this platform has relaxed SIMD (so f32x4.relaxed_madd, a fused multiply-add where the CPU has one). */
export function relaxedSimdAvailable(): boolean {
  relaxed ??= typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(RELAXED_SIMD_PROBE_BASE64));
  return relaxed;
}

/** The float32 kernels' module: fused multiply-adds when allowed and available. */
function floatModule(fma: boolean): WebAssembly.Module | null {
  if (fma && relaxedSimdAvailable()) {
    const m = moduleOf(FLOAT_KERNELS_FMA_WASM_BASE64);
    if (m) return m;
  }
  return moduleOf(FLOAT_KERNELS_WASM_BASE64);
}

export class WasmArena {
  private top = 1024;
  private scratchSize = 0;
  private scratchAt = -1;
  private scratchHas = 0;
  private buffer: ArrayBuffer;
  private views: { i8: Int8Array; i16: Int16Array; i32: Int32Array; f32: Float32Array; f64: Float64Array; i64: BigInt64Array };

  /**
   * True when the memory started as a prepared image: a kernel's prepare may then skip writing
   * what it would write there (the same bytes at the same offsets), and only allocate.
   */
  readonly prefilled: boolean;

  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly kernels: WasmKernels,
    /** The float32 kernels over the same memory. */
    readonly floatKernels: WasmFloatKernels,
    /** Whether floatKernels fuse multiply-adds. */
    readonly fma: boolean,
    image: ArenaImage | undefined,
  ) {
    this.prefilled = image !== undefined;
    if (image) new Uint8Array(memory.buffer).set(image.bytes);
    this.buffer = memory.buffer;
    this.views = WasmArena.viewsOf(this.buffer);
  }

  /** A new arena, or undefined where WebAssembly SIMD is unavailable. */
  static create(options: WasmArenaOptions = {}): WasmArena | undefined {
    const module = kernelModule();
    const fma = options.fma !== false && relaxedSimdAvailable();
    const floats = floatModule(fma);
    if (!module || !floats) return undefined;
    const image = options.image && options.image.fma === fma ? options.image : undefined;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((image?.bytes.length ?? 0) / PAGE)) });
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      const floatInstance = new WebAssembly.Instance(floats, { env: { memory } });
      return new WasmArena(
        memory,
        instance.exports as unknown as WasmKernels,
        floatInstance.exports as unknown as WasmFloatKernels,
        fma && floats === moduleOf(FLOAT_KERNELS_FMA_WASM_BASE64),
        image,
      );
    } catch {
      return undefined;
    }
  }

  /** Bytes allocated so far (the end of the last allocation). */
  get used(): number {
    return this.top;
  }

  /** This arena's memory up to `used`, copied into shared memory: call it once prepared, before any eval. */
  image(): ArenaImage {
    const bytes = new Uint8Array(Shared ? new Shared(this.top) : new ArrayBuffer(this.top));
    bytes.set(new Uint8Array(this.memory.buffer, 0, this.top));
    return { bytes, top: this.top, fma: this.fma };
  }

  private static viewsOf(b: ArrayBuffer): WasmArena['views'] {
    return {
      i8: new Int8Array(b),
      i16: new Int16Array(b),
      i32: new Int32Array(b),
      f32: new Float32Array(b),
      f64: new Float64Array(b),
      i64: new BigInt64Array(b),
    };
  }

  /** Grows the memory to `end` bytes; a RangeError when it cannot (past 4 GiB, or out of memory). */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > 2 ** 32) throw new RangeError('the WebAssembly memory cannot exceed 4 GiB');
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
  }

  /**
   * `bytes` of zeroed memory, 16-byte aligned and followed by SLACK bytes; returns its offset.
   * Throws a RangeError when the memory cannot grow (kernels then keep their JavaScript loops).
   */
  alloc(bytes: number): number {
    const at = align16(this.top);
    this.ensure(at + bytes + SLACK);
    this.top = at + bytes + SLACK;
    return at;
  }

  private readonly residents = new Map<Float32Array, number>();

  /**
   * The arena's own copy of a float32 tensor that a SIMD kernel writes (then copies out to
   * `data`): allocated once, at prepare, and kept so that later SIMD kernels can read the
   * tensor where it already is instead of copying it in. Returns its offset.
   */
  residentOutput(data: Float32Array): number {
    let at = this.residents.get(data);
    if (at === undefined) {
      at = this.alloc(data.byteLength);
      this.residents.set(data, at);
    }
    return at;
  }

  /**
   * Where a tensor's current values already sit in the arena: the copy its SIMD producer
   * writes, which a consumer (prepared after its producer, evaluated after it too) may read.
   */
  residentInput(data: Float32Array): number | undefined {
    const at = this.residents.get(data);
    if (at !== undefined) this.readers.set(data, (this.readers.get(data) ?? 0) + 1);
    return at;
  }

  private readonly readers = new Map<Float32Array, number>();
  private readonly unpublished = new Set<Float32Array>();
  /** Set by the interpreter while an invoke reports every layer's outputs: all are published. */
  publishAll = false;

  /**
   * Once every kernel is prepared: the resident tensors whose every read (`references`, by
   * data array, one per operator input slot) is a SIMD kernel's read of the resident copy, and
   * that are not in `keep` (model outputs, variables), need not be copied out after each eval.
   */
  settle(references: ReadonlyMap<unknown, number>, keep: ReadonlySet<unknown>): void {
    for (const data of this.residents.keys()) {
      if (!keep.has(data) && (this.readers.get(data) ?? 0) === (references.get(data) ?? 0)) this.unpublished.add(data);
    }
  }

  /** Whether an eval must copy its resident output out to the tensor's own array. */
  publishes(data: Float32Array): boolean {
    return this.publishAll || !this.unpublished.has(data);
  }

  /** Asks for at least `bytes` of the shared scratch region. */
  reserveScratch(bytes: number): void {
    this.scratchSize = Math.max(this.scratchSize, bytes);
  }

  /** The shared scratch region's offset (allocated, or enlarged, on first use). */
  scratch(): number {
    if (this.scratchHas < this.scratchSize) {
      this.scratchAt = this.alloc(this.scratchSize);
      this.scratchHas = this.scratchSize;
    }
    return this.scratchAt;
  }

  /** Typed views of the whole memory, current after any growth. */
  get i8(): Int8Array {
    return this.fresh().i8;
  }
  get i16(): Int16Array {
    return this.fresh().i16;
  }
  get i32(): Int32Array {
    return this.fresh().i32;
  }
  get f32(): Float32Array {
    return this.fresh().f32;
  }
  get f64(): Float64Array {
    return this.fresh().f64;
  }
  get i64(): BigInt64Array {
    return this.fresh().i64;
  }

  private fresh(): WasmArena['views'] {
    if (this.memory.buffer !== this.buffer) {
      this.buffer = this.memory.buffer;
      this.views = WasmArena.viewsOf(this.buffer);
    }
    return this.views;
  }
}
