/** The calibration shipped with the extension: `coefficients.json`, checked when loaded. */
import json from './coefficients.json';
import { readCalibration, type CalibrationData } from './calibrationData';

export const CALIBRATION: CalibrationData = readCalibration(json);
