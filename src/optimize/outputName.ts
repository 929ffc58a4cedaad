/**
 * Where an optimized model goes unless the user says otherwise: `model.tflite` →
 * `model_opt.tflite`, beside it. One name for the job, the CLI and VS Code.
 */
export function optimizedName(modelPath: string): string {
  return `${modelPath.replace(/\.tflite$/i, '')}_opt.tflite`;
}
