/**
 * Operator options as plain typed objects, derived from the flatc object-API classes so that
 * every table of the BuiltinOptions and BuiltinOptions2 unions is covered without a line per
 * op: `{ kind: 'Conv2DOptions', padding: 'SAME', strideW: 1, … }`. Enum fields become their
 * schema names; everything else keeps the generated field's value. The reader turns unpacked
 * tables into these objects and the writer turns them back, field for field, so a round trip
 * loses nothing.
 */
import { ModelFormatError } from '../errors';
import * as generated from './generated/tflite';
import { BuiltinOptions } from './generated/tflite/builtin-options';
import { BuiltinOptions2 } from './generated/tflite/builtin-options2';

/** Every enum an option field holds, by its schema name. */
const ENUMS = {
  ActivationFunctionType: generated.ActivationFunctionType,
  CombinerType: generated.CombinerType,
  CustomOptionsFormat: generated.CustomOptionsFormat,
  FullyConnectedOptionsWeightsFormat: generated.FullyConnectedOptionsWeightsFormat,
  LSHProjectionType: generated.LSHProjectionType,
  LSTMKernelType: generated.LSTMKernelType,
  MirrorPadMode: generated.MirrorPadMode,
  Padding: generated.Padding,
  ReduceWindowFunction: generated.ReduceWindowFunction,
  RngAlgorithm: generated.RngAlgorithm,
  StablehloComparisonDirection: generated.StablehloComparisonDirection,
  StablehloComparisonType: generated.StablehloComparisonType,
  StablehloPrecisionConfig: generated.StablehloPrecisionConfig,
  TensorType: generated.TensorType,
} as const;
type Enums = typeof ENUMS;
type EnumName = keyof Enums;

/** The names of an enum's members ('SAME' | 'VALID' for Padding). */
export type EnumMember<E extends EnumName> = keyof Enums[E] & string;

/**
 * Plain `number` is assignable to every numeric enum, so it is told apart by its template
 * form: `${number}` for a number, '0' | '1' for an enum.
 */
type IsPlainNumber<F> = [F] extends [number] ? (`${number}` extends `${F & number}` ? true : false) : false;
/** The schema enum a field's type is, or never for numbers, booleans, strings, bigints. */
type EnumOf<F> = IsPlainNumber<F> extends true ? never : { [E in EnumName]: [F] extends [Enums[E][keyof Enums[E]]] ? E : never }[EnumName];
type Element<F> = F extends readonly (infer X)[] ? X : F;

type DataKey<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : K }[keyof T] & string;

/** A field as stored in the plain object: enum names for enums, strings without the byte form. */
type PlainField<F> = [EnumOf<Element<F>>] extends [never]
  ? F extends readonly (infer X)[]
    ? readonly X[]
    : Exclude<F, Uint8Array>
  : F extends readonly unknown[]
    ? readonly EnumMember<EnumOf<Element<F>>>[]
    : EnumMember<EnumOf<F>>;

export type OptionsKind = Exclude<keyof typeof BuiltinOptions, 'NONE'>;
export type Options2Kind = Exclude<keyof typeof BuiltinOptions2, 'NONE'>;
export type AnyOptionsKind = OptionsKind | Options2Kind;

type Generated = typeof generated;
/** The flatc object-API class of a table (`Conv2DOptionsT` for 'Conv2DOptions'). */
type ObjectApi<N extends string> = `${N}T` extends keyof Generated
  ? Generated[`${N}T`] extends abstract new (
      ...args: never[]
    ) => infer I
    ? I
    : never
  : never;

/** The plain options of one table, tagged with its kind. */
export type Options<N extends AnyOptionsKind> = { readonly kind: N } & { readonly [K in DataKey<ObjectApi<N>>]: PlainField<ObjectApi<N>[K]> };

/** Every builtin's options (the BuiltinOptions union), told apart by `kind`. */
export type OpOptions = { [N in OptionsKind]: Options<N> }[OptionsKind];
/** The newer BuiltinOptions2 union (StableHLO and a few more). */
export type OpOptions2 = { [N in Options2Kind]: Options<N> }[Options2Kind];

type EnumFields<T> = { readonly [K in DataKey<T> as [EnumOf<Element<T[K]>>] extends [never] ? never : K]: EnumOf<Element<T[K]>> };
type EnumFieldTable = {
  readonly [N in AnyOptionsKind as keyof EnumFields<ObjectApi<N>> extends never ? never : N]: EnumFields<ObjectApi<N>>;
};

/**
 * Which fields hold which enum. The type above lists exactly the enum fields of every table,
 * so the compiler refuses this table when the schema gains or changes one.
 */
const ENUM_FIELDS: EnumFieldTable = {
  Conv2DOptions: { padding: 'Padding', fusedActivationFunction: 'ActivationFunctionType', quantizedBiasType: 'TensorType' },
  DepthwiseConv2DOptions: { padding: 'Padding', fusedActivationFunction: 'ActivationFunctionType' },
  LSHProjectionOptions: { type: 'LSHProjectionType' },
  Pool2DOptions: { padding: 'Padding', fusedActivationFunction: 'ActivationFunctionType' },
  SVDFOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  RNNOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  FullyConnectedOptions: {
    fusedActivationFunction: 'ActivationFunctionType',
    weightsFormat: 'FullyConnectedOptionsWeightsFormat',
    quantizedBiasType: 'TensorType',
  },
  ConcatenationOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  AddOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  L2NormOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  LSTMOptions: { fusedActivationFunction: 'ActivationFunctionType', kernelType: 'LSTMKernelType' },
  EmbeddingLookupSparseOptions: { combiner: 'CombinerType' },
  MulOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  SubOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  DivOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  SequenceRNNOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  CastOptions: { inDataType: 'TensorType', outDataType: 'TensorType' },
  ArgMaxOptions: { outputType: 'TensorType' },
  TransposeConvOptions: { padding: 'Padding', fusedActivationFunction: 'ActivationFunctionType', quantizedBiasType: 'TensorType' },
  ShapeOptions: { outType: 'TensorType' },
  ArgMinOptions: { outputType: 'TensorType' },
  BidirectionalSequenceLSTMOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  BidirectionalSequenceRNNOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  UnidirectionalSequenceLSTMOptions: { fusedActivationFunction: 'ActivationFunctionType' },
  MirrorPadOptions: { mode: 'MirrorPadMode' },
  UniqueOptions: { idxOutType: 'TensorType' },
  Conv3DOptions: { padding: 'Padding', fusedActivationFunction: 'ActivationFunctionType' },
  HashtableOptions: { keyDtype: 'TensorType', valueDtype: 'TensorType' },
  StablehloConvolutionOptions: { precisionConfig: 'StablehloPrecisionConfig' },
  StablehloCompareOptions: { comparisonDirection: 'StablehloComparisonDirection', compareType: 'StablehloComparisonType' },
  StablehloDotGeneralOptions: { precisionConfig: 'StablehloPrecisionConfig' },
  StablehloRngBitGeneratorOptions: { algorithm: 'RngAlgorithm' },
  ReduceWindowOptions: { reduceFunction: 'ReduceWindowFunction' },
  StableHLOCompositeOptions: { compositeAttributesFormat: 'CustomOptionsFormat' },
};
const ENUM_FIELDS_BY_KIND: Readonly<Record<string, Readonly<Record<string, EnumName>> | undefined>> = ENUM_FIELDS;

type ObjectApiClass = new () => object;
const CLASSES = generated as unknown as Readonly<Record<string, ObjectApiClass | undefined>>;

/** The plain form of an unpacked table. Throws ModelFormatError for an enum value the schema lacks. */
function toPlain(kind: string, table: object, where: string): Record<string, unknown> {
  const enums = ENUM_FIELDS_BY_KIND[kind];
  const out: Record<string, unknown> = { kind };
  for (const [field, value] of Object.entries(table)) {
    const e = enums?.[field];
    if (e === undefined) out[field] = value;
    else if (Array.isArray(value)) out[field] = value.map((v: unknown) => memberName(e, v, `${where} ${kind}.${field}`));
    else out[field] = memberName(e, value, `${where} ${kind}.${field}`);
  }
  return out;
}

function memberName(e: EnumName, value: unknown, where: string): string {
  const name = typeof value === 'number' ? (ENUMS[e] as unknown as Readonly<Record<number, unknown>>)[value] : undefined;
  if (typeof name !== 'string') throw new ModelFormatError('bad-value', `${where} is ${String(value)}, not a ${e} the schema knows`);
  return name;
}

function memberValue(e: EnumName, name: unknown, where: string): number {
  const value = typeof name === 'string' ? (ENUMS[e] as unknown as Readonly<Record<string, unknown>>)[name] : undefined;
  if (typeof value !== 'number') throw new ModelFormatError('bad-value', `${where} is ${String(name)}, not a ${e} member`);
  return value;
}

/** The object-API instance of plain options, ready for the generated pack(). */
function toObjectApi(options: { readonly kind: string }): object {
  const ctor = CLASSES[`${options.kind}T`];
  if (!ctor) throw new ModelFormatError('unsupported', `operator options of kind ${options.kind} are not in the schema`);
  const enums = ENUM_FIELDS_BY_KIND[options.kind];
  const table = new ctor() as Record<string, unknown>;
  for (const [field, value] of Object.entries(options)) {
    if (field === 'kind') continue;
    const e = enums?.[field];
    const where = `${options.kind}.${field}`;
    if (e === undefined) table[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
    else if (Array.isArray(value)) table[field] = value.map((v: unknown) => memberValue(e, v, where));
    else table[field] = memberValue(e, value, where);
  }
  return table;
}

/** The plain options of an operator's BuiltinOptions union member; undefined for NONE or a tag the schema lacks. */
export function readOptions(tag: number, table: object | null, where: string): OpOptions | undefined {
  const kind = BuiltinOptions[tag];
  if (table === null || kind === undefined || kind === 'NONE') return undefined;
  return toPlain(kind, table, where) as OpOptions;
}

export function readOptions2(tag: number, table: object | null, where: string): OpOptions2 | undefined {
  const kind = BuiltinOptions2[tag];
  if (table === null || kind === undefined || kind === 'NONE') return undefined;
  return toPlain(kind, table, where) as OpOptions2;
}

/** The union tag and object-API table to write for plain options. */
export function writeOptions(options: OpOptions): { readonly tag: BuiltinOptions; readonly table: object } {
  return { tag: unionTag(BuiltinOptions, options.kind), table: toObjectApi(options) };
}

export function writeOptions2(options: OpOptions2): { readonly tag: BuiltinOptions2; readonly table: object } {
  return { tag: unionTag(BuiltinOptions2, options.kind), table: toObjectApi(options) };
}

function unionTag(tags: Readonly<Record<string, string | number>>, kind: string): number {
  const tag = tags[kind];
  if (typeof tag !== 'number') throw new ModelFormatError('unsupported', `operator options of kind ${kind} have no union tag`);
  return tag;
}

function kindsOf<K extends string>(tags: Readonly<Record<string, string | number>>): readonly K[] {
  return Object.keys(tags).filter((k) => typeof tags[k] === 'number' && k !== 'NONE') as K[];
}
/** Every table of the BuiltinOptions union, and of BuiltinOptions2. */
export const OPTIONS_KINDS: readonly OptionsKind[] = kindsOf<OptionsKind>(BuiltinOptions);
export const OPTIONS2_KINDS: readonly Options2Kind[] = kindsOf<Options2Kind>(BuiltinOptions2);

const defaults = new Map<string, object>();

/** The schema's defaults for a table: what TFLite assumes when an operator has no options. */
export function defaultOptions<N extends AnyOptionsKind>(kind: N): Options<N> {
  let found = defaults.get(kind);
  if (!found) {
    const ctor = CLASSES[`${kind}T`];
    if (!ctor) throw new ModelFormatError('unsupported', `operator options of kind ${kind} are not in the schema`);
    found = Object.freeze(toPlain(kind, new ctor(), 'default'));
    defaults.set(kind, found);
  }
  return found as Options<N>;
}
