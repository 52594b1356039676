/**
 * The UCI optical-recognition handwritten digits as scikit-learn ships them (`load_digits`): 1797
 * images of 8x8 pixels with values 0..16 (a 4x4-block count of a 32x32 bitmap), labels 0..9.
 * x is 1797 x 64, row-major; feature k is pixel (⌊k/8⌋, k mod 8), named `pixel_<row>_<col>`.
 *
 * The CSV (packages/mlp/data/digits.csv) is embedded in a generated module, so this works in
 * Node and in a browser without file access. Pixel values are raw (0..16): scale or `standardize`.
 *
 * Source: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
 * Learning Repository, 1998. License: CC BY 4.0.
 */
import { parseCsv } from './csv.js';
import { type ClassificationDataset, copyDataset } from './dataset.js';
import { DIGITS_CSV } from './generated/digits-csv.js';

let parsed: ClassificationDataset | undefined;

/** The digits data set (a fresh copy on every call: change it freely). */
export function digits(): ClassificationDataset {
  parsed ??= {
    ...parseCsv(DIGITS_CSV, { labelColumn: 'label', name: 'digits.csv' }),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
  return copyDataset(parsed);
}
