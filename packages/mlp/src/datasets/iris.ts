/**
 * Fisher's iris (scikit-learn's copy, `load_iris`): 150 flowers, 4 measurements in cm (sepal
 * length and width, petal length and width), 3 species of 50 each: setosa (0), versicolor (1),
 * virginica (2). Embedded from packages/mlp/data/iris.csv, so it loads in Node and in a browser.
 *
 * Source: R. A. Fisher, "The use of multiple measurements in taxonomic problems", Annals of
 * Eugenics 7(2), 1936; UCI Machine Learning Repository. License: CC BY 4.0.
 */
import { parseCsv } from './csv.js';
import { type ClassificationDataset, copyDataset } from './dataset.js';
import { IRIS_CSV } from './generated/iris-csv.js';

let parsed: ClassificationDataset | undefined;

/** The iris data set (a fresh copy on every call). */
export function iris(): ClassificationDataset {
  parsed ??= parseCsv(IRIS_CSV, { labelColumn: 'species', name: 'iris.csv' });
  return copyDataset(parsed);
}
