/**
 * Operators as the rest of the code sees them: names instead of enum codes, options as plain
 * typed objects (every builtin's, derived from the schema in tflite/options.ts), the
 * subgraphs an op calls, and its tensors by slot. Outside src/model this module, not the
 * flatc-generated code, is how an op is read.
 */
import type { Graph, Operator, Subgraph, Tensor } from './graph';
import { BuiltinOperator } from './tflite/generated/tflite/builtin-operator';
import { defaultOptions, OPTIONS2_KINDS, OPTIONS_KINDS, type AnyOptionsKind, type Options } from './tflite/options';

export type { AnyOptionsKind, EnumMember, OpOptions, OpOptions2, Options, Options2Kind, OptionsKind } from './tflite/options';

/** A builtin operator by its schema name: 'CONV_2D', 'FULLY_CONNECTED', … */
export type BuiltinName = keyof typeof BuiltinOperator;

/** SAME or VALID. */
export type Padding = Options<'Conv2DOptions'>['padding'];
/** A fused activation as the schema names it: 'NONE', 'RELU', 'RELU6', … */
export type ActivationFunction = Options<'Conv2DOptions'>['fusedActivationFunction'];

/**
 * A table keyed by builtin name. The per-op tables (kernels, arena facts, quantizer
 * properties) are written `{ … } satisfies ByBuiltin<T>`, so a misspelt op is a compile error.
 */
export type ByBuiltin<T> = { readonly [N in BuiltinName]?: T };

/** The number stored in the file for a builtin. */
export function builtinCode(name: BuiltinName): number {
  return BuiltinOperator[name];
}

/** The builtin a code stands for; undefined for a code the schema does not know. */
export function builtinName(code: number): BuiltinName | undefined {
  const name: unknown = (BuiltinOperator as unknown as Readonly<Record<number, unknown>>)[code];
  return typeof name === 'string' ? (name as BuiltinName) : undefined;
}

/** The operator's name: the builtin's schema name, or the custom code for CUSTOM ops. */
export function opName(graph: Graph, op: Operator): string {
  const code = graph.operatorCodes[op.opcodeIndex]!;
  if (code.builtin === BuiltinOperator.CUSTOM) return code.customCode ?? 'CUSTOM';
  return builtinName(code.builtin) ?? `BUILTIN_${code.builtin}`;
}

/** True when the operator is that builtin: one number comparison, no name built. */
export function isBuiltin(graph: Graph, op: Operator, name: BuiltinName): boolean {
  return graph.operatorCodes[op.opcodeIndex]?.builtin === BuiltinOperator[name];
}

/** The operator's options when they are of `kind` (in either options union), else undefined. */
export function optionsOf<N extends AnyOptionsKind>(op: Operator, kind: N): Options<N> | undefined {
  if (op.options?.kind === kind) return op.options as unknown as Options<N>;
  if (op.options2?.kind === kind) return op.options2 as unknown as Options<N>;
  return undefined;
}

/**
 * The operator's options of `kind`, or the schema's defaults when it has none (what TFLite's
 * parser assumes for an op written without options).
 */
export function optionsOrDefault<N extends AnyOptionsKind>(op: Operator, kind: N): Options<N> {
  return optionsOf(op, kind) ?? defaultOptions(kind);
}

type Fields<N extends AnyOptionsKind> = { readonly [K in Exclude<keyof Options<N>, 'kind'>]?: Options<N>[K] };

/** Options of `kind`: the schema's defaults with `fields` over them. */
export function makeOptions<N extends AnyOptionsKind>(kind: N, fields: Fields<N> = {}): Options<N> {
  return { ...defaultOptions(kind), ...fields } as Options<N>;
}

export { defaultOptions, OPTIONS2_KINDS, OPTIONS_KINDS };

/** Subgraph indices an operator runs (WHILE, IF, CALL_ONCE); empty for ordinary ops. */
export function calledSubgraphs(op: Operator): number[] {
  const o = op.options;
  switch (o?.kind) {
    case 'WhileOptions':
      return [o.condSubgraphIndex, o.bodySubgraphIndex];
    case 'IfOptions':
      return [o.thenSubgraphIndex, o.elseSubgraphIndex];
    case 'CallOnceOptions':
      return [o.initSubgraphIndex];
    default:
      return [];
  }
}

/**
 * One operator where it stands: what analysis tables and runtime kernels are handed. The
 * runtime's KernelContext extends it with live tensors.
 */
export interface OpSite {
  readonly graph: Graph;
  readonly subgraph: Subgraph;
  readonly op: Operator;
  /** Index of the operator in its subgraph. */
  readonly opIndex: number;
  /** `opName(graph, op)`, worked out once. */
  readonly name: string;
}

export function opSite(graph: Graph, subgraph: Subgraph, opIndex: number): OpSite {
  const op = subgraph.operators[opIndex]!;
  return { graph, subgraph, op, opIndex, name: opName(graph, op) };
}

/** The tensor in an operator's input slot; undefined past the end or for an absent optional input (-1). */
export function inputTensor(site: Pick<OpSite, 'subgraph' | 'op'>, slot: number): Tensor | undefined {
  const t = site.op.inputs[slot];
  return t === undefined || t < 0 ? undefined : site.subgraph.tensors[t];
}

export function outputTensor(site: Pick<OpSite, 'subgraph' | 'op'>, slot = 0): Tensor | undefined {
  const t = site.op.outputs[slot];
  return t === undefined || t < 0 ? undefined : site.subgraph.tensors[t];
}
