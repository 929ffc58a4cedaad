// Node has the WebAssembly global, but TypeScript types it only in the DOM and WebWorker libs,
// which the Node config leaves out. These are the parts simd.ts uses, as the JS API defines them.
declare namespace WebAssembly {
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
