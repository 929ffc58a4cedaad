/**
 * Which kernel runs a layer and what it costs before calibration: the code path the library's
 * dispatch picks for the op's shapes (CMSIS-NN's wrappers, TFLM's reference ops), and that
 * path's work in cycles on a core, split into the parts its loops do: the MAC loop, the im2col
 * copy, the per-output requantisation, element-wise work, and the 32-bit weight reads that go to
 * flash (their wait states are priced in memory.ts). Pure: a layer, a library and a core in.
 */
import type { LayerReport } from '../../analysis/analyzeModel';
import type { KernelLibraryId } from '../../analysis/kernelLibrary';
import { cmsisNnCovers } from './coverage';
import { convGeometry, fcGeometry, type ConvGeometry } from './geometry';
import * as L from './loops';
import { perUnit, type Loop } from './loops';
import type { CoreTiming } from './timing';

/** Uncalibrated work of one layer (cycles on zero-wait memory, plus flash reads). */
export interface KernelCost {
  /** The library whose kernel runs the layer (CMSIS-NN builds fall back to reference). */
  readonly library: KernelLibraryId;
  /** The kernel function (and code path) the dispatch picks, e.g. "arm_convolve_1x1_s8_fast (dsp)". */
  readonly kernel: string;
  readonly macLoop: number;
  readonly im2col: number;
  readonly output: number;
  readonly element: number;
  /** 32-bit reads of constant data (weights) the loops make; each may wait on flash. */
  readonly weightWords: number;
  /** The op's arithmetic is unknown (custom op): only its invocation is counted. */
  readonly costUnknown: boolean;
}

/** Float layers on a core without an FPU: each multiply-add becomes a soft-float call. */
export const SOFT_FLOAT_FACTOR = 10;

const ZERO = { macLoop: 0, im2col: 0, output: 0, element: 0, weightWords: 0 };

function cost(library: KernelLibraryId, kernel: string, parts: Partial<typeof ZERO>, costUnknown = false): KernelCost {
  return { library, kernel, ...ZERO, ...parts, costUnknown };
}

const ELEMENTWISE_REQUANT: ReadonlySet<string> = new Set(['ADD', 'SUB', 'MUL', 'SQUARED_DIFFERENCE', 'SOFTMAX', 'LOG_SOFTMAX', 'LOGISTIC', 'TANH']);
const POOLS: ReadonlySet<string> = new Set(['AVERAGE_POOL_2D', 'MAX_POOL_2D', 'L2_POOL_2D']);

function pick(t: CoreTiming, c: Loop, dsp: Loop, mve: Loop): Loop {
  return t.arch === 'mve' ? mve : t.arch === 'dsp' ? dsp : c;
}

// ---------------------------------------------------------------------------------------------
// CMSIS-NN

function cmsisConv(g: ConvGeometry, macs: number, t: CoreTiming): KernelCost {
  const pixels = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.inC;
  const outputs = pixels * g.outC;
  const requant = t.arch === 'mve' ? perUnit(L.MVE_REQUANT, t) : perUnit(L.REQUANT, t);
  // Weight rows are re-read for each group of columns the kernel computes at once.
  const columns = t.arch === 'mve' ? 4 : 2;
  const weightWords = (pixels / columns) * ((g.outC * k) / 4);
  const arch = t.arch;
  const fast1x1 = g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0;
  const oneByN = g.inH === 1 && g.kH === 1 && g.outW % 4 === 0;
  if (fast1x1)
    return cost('cmsis-nn', `arm_convolve_1x1_s8_fast (${arch})`, {
      macLoop: macs * perUnit(pick(t, L.C_MAT_MULT_NT_T, L.DSP_MAT_MULT_NT_T, L.MVE_MAT_MULT), t),
      output: outputs * requant,
      weightWords,
    });
  // 1×N on Helium reads the input rows in place; elsewhere it is the im2col convolution.
  if (oneByN && arch === 'mve')
    return cost('cmsis-nn', 'arm_convolve_1_x_n_s8 (mve)', { macLoop: macs * perUnit(L.MVE_MAT_MULT, t), output: outputs * requant, weightWords });
  const im2colLoop = pick(t, L.C_IM2COL_Q15, L.DSP_IM2COL_Q15, L.MVE_IM2COL);
  return cost('cmsis-nn', `${oneByN ? 'arm_convolve_1_x_n_s8 → ' : ''}arm_convolve_s8 (${arch}, im2col)`, {
    macLoop: macs * perUnit(pick(t, L.C_MAT_MULT_S8_S16, L.DSP_MAT_MULT_S8_S16, L.MVE_MAT_MULT), t),
    im2col: pixels * k * perUnit(im2colLoop, t),
    output: outputs * requant,
    weightWords,
  });
}

function cmsisDepthwise(g: ConvGeometry, macs: number, t: CoreTiming): KernelCost {
  const pixels = g.batch * g.outH * g.outW;
  const outputs = pixels * g.outC;
  const taps = g.kH * g.kW;
  const chMult1 = g.outC === g.inC;
  const requant = t.arch === 'mve' ? perUnit(L.MVE_REQUANT, t) : perUnit(L.REQUANT, t);
  if (!chMult1)
    return cost('cmsis-nn', 'arm_depthwise_conv_s8 (generic)', {
      macLoop: macs * perUnit(L.C_DW_GENERIC, t),
      output: outputs * perUnit(L.REQUANT, t),
      weightWords: macs / 4,
    });
  if (t.arch === 'mve')
    return cost('cmsis-nn', 'arm_depthwise_conv_s8_opt (mve)', {
      macLoop: macs * perUnit(L.MVE_DW, t),
      im2col: pixels * taps * g.inC * perUnit(L.MVE_IM2COL, t),
      output: outputs * requant,
      weightWords: (pixels / 4) * ((taps * g.inC) / 4),
    });
  if (g.kH === 3 && g.kW === 3 && g.padH <= 1 && g.padW <= 1)
    return cost('cmsis-nn', `arm_depthwise_conv_3x3_s8 (${t.arch})`, {
      macLoop: macs * perUnit(t.arch === 'dsp' ? L.DSP_DW_3X3 : L.C_DW_3X3, t),
      output: outputs * requant,
      weightWords: pixels * ((taps * g.inC) / 4),
    });
  if (t.arch === 'dsp')
    return cost('cmsis-nn', 'arm_depthwise_conv_s8_opt (dsp)', {
      macLoop: macs * perUnit(L.DSP_DW_OPT, t),
      im2col: pixels * taps * g.inC * perUnit(L.DSP_IM2COL_Q15, t),
      output: outputs * requant,
      weightWords: pixels * ((taps * g.inC) / 4),
    });
  return cost('cmsis-nn', 'arm_depthwise_conv_s8 (none)', { macLoop: macs * perUnit(L.C_DW_GENERIC, t), output: outputs * requant, weightWords: macs / 4 });
}

function cmsisVecMat(macs: number, outputs: number, t: CoreTiming, kernel: string): KernelCost {
  const requant = t.arch === 'mve' ? perUnit(L.MVE_REQUANT, t) : perUnit(L.REQUANT, t);
  return cost('cmsis-nn', `${kernel} (${t.arch})`, {
    macLoop: macs * perUnit(pick(t, L.C_VEC_MAT_MULT, L.DSP_VEC_MAT_MULT, L.MVE_VEC_MAT_MULT), t),
    output: outputs * requant,
    weightWords: macs / 4,
  });
}

// ---------------------------------------------------------------------------------------------
// TFLM reference kernels

function referenceMac(layer: LayerReport, macs: number, t: CoreTiming): KernelCost {
  const outputs = layer.outputs[0] ? layer.outputs[0].shape.reduce((a, b) => a * b, 1) : 0;
  const requant = outputs * perUnit(L.REF_REQUANT, t);
  if (layer.kind === 'depthwise')
    return cost('reference', 'reference DepthwiseConvPerChannel', { macLoop: macs * perUnit(L.REF_DW, t), output: requant, weightWords: macs / 4 });
  if (layer.kind === 'conv' || layer.kind === 'pointwise') {
    const g = convGeometry(layer);
    const taps = g ? g.batch * g.outH * g.outW * g.outC * g.kH * g.kW : macs / 8;
    return cost('reference', 'reference ConvPerChannel', {
      macLoop: macs * perUnit(L.REF_CONV, t),
      im2col: taps * perUnit(L.REF_CONV_TAP, t),
      output: requant,
      weightWords: macs / 4,
    });
  }
  return cost('reference', `reference ${layer.op}`, { macLoop: macs * perUnit(L.REF_FC, t), output: requant, weightWords: macs / 4 });
}

function nonMac(layer: LayerReport, library: KernelLibraryId, t: CoreTiming): KernelCost {
  const ops = layer.elementOps ?? 0;
  const name = library === 'cmsis-nn' ? `arm_* ${layer.op}` : `reference ${layer.op}`;
  if (POOLS.has(layer.op)) return cost(library, name, { element: ops * perUnit(library === 'cmsis-nn' ? L.CMSIS_POOL_TAP : L.REF_POOL_TAP, t) });
  if (layer.kind === 'data-movement') return cost(library, name, { element: layer.activationBytes * perUnit(L.COPY_BYTE, t) });
  if (ELEMENTWISE_REQUANT.has(layer.op)) {
    const loop = library === 'cmsis-nn' ? (t.arch === 'mve' ? L.MVE_ELEMENT : L.CMSIS_ELEMENT) : L.REF_ELEMENT;
    return cost(library, name, { element: ops * perUnit(loop, t) });
  }
  // Activations, reductions, quantize and the rest: a load, a little arithmetic and a store.
  return cost(library, name, { element: ops * perUnit(L.REF_POOL_TAP, t) });
}

/**
 * The kernel a layer runs with `kernels` on a core, and its uncalibrated work. Float layers run
 * TFLM's reference float kernels (same loops; ×SOFT_FLOAT_FACTOR on cores without an FPU).
 */
export function layerKernel(layer: LayerReport, kernels: KernelLibraryId, t: CoreTiming, fpu: boolean): KernelCost {
  const library: KernelLibraryId = kernels === 'cmsis-nn' && !layer.float && cmsisNnCovers(layer.op) ? 'cmsis-nn' : 'reference';
  if (layer.macs === null) return cost(library, `${layer.op} (unknown cost)`, {}, true);
  const macs = layer.macs;
  let c: KernelCost;
  if (macs === 0) c = nonMac(layer, library, t);
  else if (library === 'reference') c = referenceMac(layer, macs, t);
  else {
    const g = layer.kind === 'conv' || layer.kind === 'pointwise' || layer.kind === 'depthwise' ? convGeometry(layer) : null;
    if (g && layer.kind === 'depthwise') c = cmsisDepthwise(g, macs, t);
    else if (g) c = cmsisConv(g, macs, t);
    else {
      const outputs = layer.outputs[0] ? layer.outputs[0].shape.reduce((a, b) => a * b, 1) : macs / 64;
      const fc = fcGeometry(layer);
      c = cmsisVecMat(macs, fc ? fc.batch * fc.units : outputs, t, layer.kind === 'fully-connected' ? 'arm_fully_connected_s8' : `arm_* ${layer.op}`);
    }
  }
  if (layer.float && !fpu) {
    const f = SOFT_FLOAT_FACTOR;
    return { ...c, macLoop: c.macLoop * f, im2col: c.im2col * f, output: c.output * f, element: c.element * f };
  }
  return c;
}

/** The layer's compute cycles (everything but flash waits and the per-operator overhead). */
export function computeCycles(c: KernelCost): number {
  return c.macLoop + c.im2col + c.output + c.element;
}
