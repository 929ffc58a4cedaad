/**
 * What the checks found, as data: a code, a severity, the layer responsible and the numbers
 * behind it. No sentence is built here; each surface (CLI text, JSON, the editor in the
 * user's language) renders a finding from its code and parameters (render.ts).
 */

export type Severity = 'error' | 'warning' | 'info';

/** A layer named in a finding: its index in subgraph 0 and its op. */
export interface LayerRef {
  readonly index: number;
  readonly op: string;
}

/** The SRAM budget as a finding reports it. */
interface SramParams {
  readonly arenaBytes: number;
  /** SRAM the application reserves besides the arena (0: none). */
  readonly reservedBytes: number;
  readonly sramBytes: number;
  readonly target: string;
  /** The layer where the arena peaks, when known. */
  readonly peak: LayerRef | null;
}

interface FlashParams {
  readonly modelBytes: number;
  /** Flash the application reserves besides the model (0: none). */
  readonly reservedBytes: number;
  readonly flashBytes: number;
  readonly target: string;
}

/** A layer whose tensors' types TFLM's kernel refuses (analysis/opSupport/check.ts OpRefusal). */
interface OpRefusedParams {
  readonly op: string;
  /**
   * 'float16': FLOAT16 tensors; 'dtype': another combination of types ('hybrid' layers are
   * `hybrid-op`); the others: a constraint beyond types (opSupport/signatures.ts Constraint).
   */
  readonly reason:
    | 'float16'
    | 'dtype'
    | 'fixed-output'
    | 'int16-zero-point'
    | 'same-quantization'
    | 'no-fused-activation'
    | 'bias-required'
    | 'per-tensor-weights';
  /** What the layer has: its types (`int16, int16 → int16`), or the constraint's values (`scale, zero point`, the activation). */
  readonly got: string;
  /** What the kernel takes: signatures separated by `; `, or the constraint's values. */
  readonly accepted: string;
  /** The TFLM kernel source the rule comes from. */
  readonly source: string;
}

interface Whole<C extends string, S extends Severity, P> {
  readonly code: C;
  readonly severity: S;
  /** The responsible layer in `subgraph`, or null when the finding is about the whole model. */
  readonly layer: number | null;
  readonly subgraph: number;
  readonly params: P;
}

interface OnLayer<C extends string, P, S extends Severity = 'warning'> {
  readonly code: C;
  readonly severity: S;
  readonly layer: number;
  readonly subgraph: number;
  readonly params: P;
}

/** Every finding, discriminated by `code`; `params` is typed per code. */
export type FitFinding =
  | Whole<'sram-over', 'error', SramParams>
  | Whole<'sram-near', 'warning', SramParams & { readonly usedBytes: number }>
  | Whole<'sram-not-contiguous', 'error', Omit<SramParams, 'reservedBytes' | 'sramBytes'> & { readonly contiguousBytes: number }>
  | Whole<'flash-over', 'error', FlashParams>
  | Whole<'flash-near', 'warning', FlashParams & { readonly usedBytes: number }>
  | OnLayer<'op-unsupported', { readonly op: string }>
  | OnLayer<'hybrid-op', { readonly op: string }, 'error'>
  | OnLayer<'op-refused', OpRefusedParams, 'error'>
  | OnLayer<'float-in-int8', { readonly op: string }>
  | Whole<
      'latency-over',
      'warning',
      {
        readonly ms: number;
        readonly bandMs: { readonly low: number; readonly high: number };
        readonly budgetMs: number;
        readonly target: string;
        readonly slowest: (LayerRef & { readonly ms: number }) | null;
      }
    >;

export type FindingCode = FitFinding['code'];
export type FindingOf<C extends FindingCode> = Extract<FitFinding, { readonly code: C }>;
