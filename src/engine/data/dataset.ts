/** A dataset as plain arrays, and a seeded train/test split. Uploaded to the device once by the trainer. */
import { randomCreate, type Rng } from '../random';

export type Task = 'classification' | 'regression';

export interface Dataset {
  name: string;
  task: Task;
  /** features, row-major [n, nFeatures] */
  x: Float32Array;
  /** class index (classification) or target value (regression), one per row */
  y: Float32Array;
  n: number;
  nFeatures: number;
  /** number of classes; 0 for regression */
  nClasses: number;
  /** rows are images of this height, width and channel count (MNIST) */
  image?: [number, number, number];
  /** names of the classes, when the data has them (iris, a CSV's label column) */
  classNames?: string[];
  /** names of the feature columns, when the data has them */
  featureNames?: string[];
}

/** Fisher–Yates with our seeded generator: the same permutation on every backend and in Node. */
export function datasetPermutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** The rows at `indices`, as a new dataset. */
export function datasetRows(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const x = new Float32Array(indices.length * ds.nFeatures);
  const y = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    x.set(ds.x.subarray(i * ds.nFeatures, (i + 1) * ds.nFeatures), k * ds.nFeatures);
    y[k] = ds.y[i];
  }
  return { ...ds, name, x, y, n: indices.length };
}

/** Rows held out for testing: `testFraction` of n, rounded, at least 1 (datasetSplit's rule). */
export function datasetTestRows(n: number, testFraction: number): number {
  return Math.max(1, Math.round(n * testFraction));
}

/** Shuffles with the seed, then keeps `testFraction` of the rows for testing. */
export function datasetSplit(ds: Dataset, testFraction: number, seed: number): { train: Dataset; test: Dataset } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error('the test fraction must be between 0 and 1');
  const perm = datasetPermutation(ds.n, randomCreate(seed));
  const nTest = datasetTestRows(ds.n, testFraction);
  return {
    test: datasetRows(ds, perm.subarray(0, nTest), `${ds.name} (test)`),
    train: datasetRows(ds, perm.subarray(nTest), `${ds.name} (train)`),
  };
}
