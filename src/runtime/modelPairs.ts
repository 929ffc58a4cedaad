/**
 * Finds the float/int8 sibling of a model by file name, as the converter's users name them:
 * vww_96_float ↔ vww_96_int8, pretrainedResnet ↔ pretrainedResnet_quant, ad01_fp32 ↔
 * ad01_int8, kws_ref_model ↔ kws_ref_model_float32.
 */
const FLOAT_SUFFIXES = ['_float32', '_float', '_fp32', '_f32', ''];
const INT8_SUFFIXES = ['_int8', '_quant', '_quantized', '_q8', ''];

function stem(file: string, suffixes: readonly string[]): string | undefined {
  const base = file.replace(/\.tflite$/i, '');
  for (const s of suffixes) if (s && base.toLowerCase().endsWith(s)) return base.slice(0, -s.length);
  return undefined;
}

/** The sibling's file name among `files` (names in the same folder), and which side `file` is on. */
export function findPair(file: string, files: readonly string[]): { readonly other: string; readonly fileIs: 'float' | 'int8' } | undefined {
  const candidates = new Set(files.filter((f) => f !== file && /\.tflite$/i.test(f)));
  const asInt8 = stem(file, INT8_SUFFIXES);
  if (asInt8 !== undefined) {
    for (const s of FLOAT_SUFFIXES) if (candidates.has(`${asInt8}${s}.tflite`)) return { other: `${asInt8}${s}.tflite`, fileIs: 'int8' };
  }
  const floatStem = stem(file, FLOAT_SUFFIXES);
  const asFloat = floatStem ?? file.replace(/\.tflite$/i, '');
  // A bare name is the int8 side only when this file says it is the float one (kws_ref_model_float32).
  for (const s of INT8_SUFFIXES) {
    if ((s || floatStem !== undefined) && candidates.has(`${asFloat}${s}.tflite`)) return { other: `${asFloat}${s}.tflite`, fileIs: 'float' };
  }
  // A bare name beside a float-suffixed sibling is the int8 side (kws_ref_model ↔ kws_ref_model_float32).
  if (floatStem === undefined && asInt8 === undefined) {
    for (const s of FLOAT_SUFFIXES) if (s && candidates.has(`${asFloat}${s}.tflite`)) return { other: `${asFloat}${s}.tflite`, fileIs: 'int8' };
  }
  return undefined;
}
