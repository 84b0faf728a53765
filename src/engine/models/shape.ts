/**
 * Model specs and their layer shapes, without tfjs: the page and the spec schema read these; the
 * tensor code (initialisation, forward pass, loss) is in models.ts.
 */
import type { Task } from '../data/dataset';

export const MODEL_KINDS = ['linear', 'logistic', 'softmax', 'mlp', 'cnn'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export const INITS = ['zeros', 'uniform', 'xavier', 'he'] as const;

export interface ModelSpec {
  kind: (typeof MODEL_KINDS)[number];
  /** widths of the hidden layers (mlp only) */
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  init: (typeof INITS)[number];
}

export interface Layer {
  in: number;
  out: number;
  /** conv layers only: kernel size, and the input image height/width */
  conv?: { kernel: number; inH: number; inW: number };
}

/** Square kernels of the CNN's conv layers, first to last; each is followed by a 2×2 max-pool. */
const CNN_KERNELS = [5, 3];

export interface ModelShape {
  layers: Layer[];
  /** how the outputs are read: one regression value, one binary logit, or C class logits */
  head: 'regression' | 'binary' | 'multiclass';
  activation: ModelSpec['activation'];
}

/** The layer sizes for a dataset, or a message saying why the model cannot fit it. */
export function modelShape(
  spec: ModelSpec,
  data: { task: Task; nFeatures: number; nClasses: number; image?: [number, number, number] },
): ModelShape | string {
  const { task, nFeatures: d, nClasses: c } = data;
  if (spec.kind === 'cnn') return cnnShape(spec, data);
  if (spec.kind === 'linear') {
    if (task !== 'regression')
      return 'linear regression needs a regression dataset; use logistic, softmax or an MLP for classes';
    return { layers: [{ in: d, out: 1 }], head: 'regression', activation: spec.activation };
  }
  if (spec.kind === 'logistic') {
    if (task !== 'classification' || c !== 2)
      return 'logistic regression needs a dataset with exactly 2 classes; use softmax for more';
    return { layers: [{ in: d, out: 1 }], head: 'binary', activation: spec.activation };
  }
  if (spec.kind === 'softmax') {
    if (task !== 'classification') return 'softmax regression needs a classification dataset';
    return { layers: [{ in: d, out: c }], head: 'multiclass', activation: spec.activation };
  }
  const zero = hiddenWidthProblem(spec);
  if (zero) return zero;
  const widths = [d, ...spec.hidden, task === 'regression' ? 1 : c];
  return {
    layers: widths.slice(1).map((out, i) => ({ in: widths[i], out })),
    head: task === 'regression' ? 'regression' : 'multiclass',
    activation: spec.activation,
  };
}

/** The first hidden layer (or conv layer) without a whole, positive width, as a message. */
function hiddenWidthProblem(spec: ModelSpec): string | null {
  const zero = spec.hidden.findIndex((w) => !(Number.isInteger(w) && w >= 1));
  return zero >= 0
    ? `hidden layer ${zero + 1} has width ${spec.hidden[zero]}: every layer needs at least one unit`
    : null;
}

function cnnShape(
  spec: ModelSpec,
  data: { task: Task; nFeatures: number; nClasses: number; image?: [number, number, number] },
): ModelShape | string {
  if (!data.image)
    return `a CNN needs image data (MNIST); this dataset has ${data.nFeatures} feature${data.nFeatures === 1 ? '' : 's'} per row, not an image — use an MLP`;
  if (data.task !== 'classification') return 'the CNN classifies images; it needs a classification dataset';
  if (spec.hidden.length < 1 || spec.hidden.length > CNN_KERNELS.length)
    return `the CNN has 1 or 2 conv layers: give 1 or 2 channel counts (got ${spec.hidden.length})`;
  const zero = hiddenWidthProblem(spec);
  if (zero) return zero;
  let [h, w, channels] = data.image;
  const layers: Layer[] = [];
  for (let l = 0; l < spec.hidden.length; l++) {
    const kernel = CNN_KERNELS[l];
    if (h - kernel + 1 < 2 || w - kernel + 1 < 2) return `the image is too small for ${spec.hidden.length} conv layers`;
    layers.push({ in: channels, out: spec.hidden[l], conv: { kernel, inH: h, inW: w } });
    h = Math.floor((h - kernel + 1) / 2);
    w = Math.floor((w - kernel + 1) / 2);
    channels = spec.hidden[l];
  }
  layers.push({ in: h * w * channels, out: data.nClasses });
  return { layers, head: 'multiclass', activation: spec.activation };
}

/** Shape of one model's weight for a layer (without the leading K axis). */
export function layerWeightShape(layer: Layer): number[] {
  return layer.conv ? [layer.conv.kernel, layer.conv.kernel, layer.in, layer.out] : [layer.in, layer.out];
}

/** Initial weights for K models; model k uses seeds[k] (equal seeds give equal weights). */

/** Number of weights and biases in one model. */
export function modelParamCount(shape: ModelShape): number {
  return shape.layers.reduce((sum, l) => sum + layerWeightShape(l).reduce((a, b) => a * b, 1) + l.out, 0);
}
