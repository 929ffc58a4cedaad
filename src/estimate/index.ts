/**
 * The estimator's public surface, for the CLI and the VS Code side: latency per layer and per
 * model, energy per inference, duty-cycled battery life, and a board's own calibration from a
 * TFLM MicroProfiler log. Everything here is pure; file picking and display live elsewhere.
 */
export { CALIBRATION } from './defaultCalibration';
export type { CalibrationData } from './calibrationData';
export { ESTIMATE_CORES, coreProfiles, type CoreProfile, type EstimateCore, type LibraryProfile } from './coreProfiles';
export { boardTarget, calibrationTarget, coreTarget, EstimateError, type EstimateTarget } from './estimateTarget';
export { estimateModel, WIDE_BAND, type Band, type LayerEstimate, type ModelEstimate } from './latencyModel';
export { activePowerMw, estimateEnergy, type EnergyEstimate } from './energy';
export { dutyCycle, DutyCycleError, type DutyCycleInput, type DutyCycleResult } from './dutyCycle';
export { CAMERA_TRAP, DOORBELL, runScenario, SCENARIOS, type Scenario, type ScenarioContext, type ScenarioResult } from './scenarios';
export { matchProfile, parseProfilerLog, type ParsedProfile, type ProfileMatch } from './profilerLog';
export { calibrateFromProfile, type ProfileCalibration } from './profileCalibration';
export { formatDays, formatMs, formatMsWithBand, formatUj } from './format';
