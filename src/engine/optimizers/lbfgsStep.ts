/**
 * L-BFGS's step (torch.optim.LBFGS, 1.13), in tf ops on one flat parameter vector: the two-loop
 * recursion stays on the device; the scalars torch compares in Python (the loss, gᵀd, sᵀy, the
 * tolerances, the line search's conditions) are read back, as torch reads them. The strong-Wolfe
 * line search and its cubic interpolation are torch's (ported from minFunc via torch/optim's lua).
 *
 * The closure evaluates the function and its gradient at a point; one `step` may call it up to
 * maxEval times. Not batched: one instance per run.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface LbfgsSettings {
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  strongWolfe: boolean;
}

/**
 * The loss (a one-element tensor) and the gradient at x; both belong to L-BFGS, which disposes them.
 * The loss stays a tensor so that it comes back in one read with the numbers L-BFGS needs beside it.
 */
export type LbfgsClosure = (x: tf.Tensor1D) => Promise<{ loss: tf.Tensor; grad: tf.Tensor1D }>;

export interface LbfgsStepResult {
  /** the point after the step (the caller owns it) */
  x: tf.Tensor1D;
  /** the loss and the gradient at the point the step started from (torch's step returns orig_loss) */
  loss: number;
  grad: tf.Tensor1D;
  /** how many times this step evaluated the function */
  evaluations: number;
}

/**
 * Several scalars in one readback (each is a pipeline stall on a GPU: torch's several `.item()`s
 * between two evaluations come back together here).
 */
async function readScalars(...make: (() => tf.Tensor)[]): Promise<number[]> {
  const t = tf.tidy(() => tf.stack(make.map((m) => tf.reshape(m(), []))));
  try {
    return Array.from(await t.data());
  } finally {
    t.dispose();
  }
}
const absMaxOf = (v: tf.Tensor) => () => tf.max(tf.abs(v));
const dotOf = (a: tf.Tensor, b: tf.Tensor) => () => tf.sum(tf.mul(a, b));
/** x + t·d */
const along = (x: tf.Tensor1D, t: number, d: tf.Tensor1D) => tf.tidy(() => tf.add(x, tf.mul(d, t))) as tf.Tensor1D;

/** torch's _cubic_interpolate: the minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), within bounds. */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * torch's _strong_wolfe: a step t along d meeting the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9,
 * at most 25 evaluations). Returns the loss and gradient there (the caller owns the gradient).
 */
async function strongWolfe(
  closure: LbfgsClosure,
  x: tf.Tensor1D,
  t0: number,
  d: tf.Tensor1D,
  f: number,
  g0: tf.Tensor1D,
  gtd: number,
  toleranceChange: number,
): Promise<{ f: number; g: tf.Tensor1D; t: number; evaluations: number }> {
  const c1 = 1e-4;
  const c2 = 0.9;
  const maxLs = 25;
  // every gradient seen; all but the one returned are disposed at the end (none is changed in place)
  const seen = new Set<tf.Tensor1D>();
  let dNorm = NaN;
  /** f, g and gᵀd at x + t·d (and, with the first, ‖d‖∞, in the same read) */
  const evaluate = async (t: number) => {
    const point = along(x, t, d);
    try {
      const out = await closure(point);
      seen.add(out.grad);
      try {
        const withNorm = Number.isNaN(dNorm);
        const [f, gtd, norm] = await readScalars(
          () => out.loss,
          dotOf(out.grad, d),
          ...(withNorm ? [absMaxOf(d)] : []),
        );
        if (withNorm) dNorm = norm;
        return { f, g: out.grad, gtd };
      } finally {
        out.loss.dispose();
      }
    } finally {
      point.dispose();
    }
  };
  try {
    const g = tf.clone(g0);
    seen.add(g);
    let t = t0;
    let fNew: number, gNew: tf.Tensor1D, gtdNew: number;
    ({ f: fNew, g: gNew, gtd: gtdNew } = await evaluate(t));
    let evaluations = 1;
    let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
    let done = false;
    let lsIter = 0;
    let bracket: number[] = [];
    let bracketF: number[] = [];
    let bracketG: tf.Tensor1D[] = [];
    let bracketGtd: number[] = [];
    while (lsIter < maxLs) {
      if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
        [bracket, bracketF, bracketG, bracketGtd] = [
          [tPrev, t],
          [fPrev, fNew],
          [gPrev, gNew],
          [gtdPrev, gtdNew],
        ];
        break;
      }
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
        done = true;
        break;
      }
      if (gtdNew >= 0) {
        [bracket, bracketF, bracketG, bracketGtd] = [
          [tPrev, t],
          [fPrev, fNew],
          [gPrev, gNew],
          [gtdPrev, gtdNew],
        ];
        break;
      }
      const tmp = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [t + 0.01 * (t - tPrev), t * 10]);
      [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
      ({ f: fNew, g: gNew, gtd: gtdNew } = await evaluate(t));
      evaluations += 1;
      lsIter += 1;
    }
    if (lsIter === maxLs)
      [bracket, bracketF, bracketG] = [
        [0, t],
        [f, fNew],
        [g, gNew],
      ];

    // zoom: refine the bracket until a point meets the conditions
    let insufficientProgress = false;
    let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
    while (!done && lsIter < maxLs) {
      if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
      t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
      const bMax = Math.max(...bracket);
      const bMin = Math.min(...bracket);
      const eps = 0.1 * (bMax - bMin);
      if (Math.min(bMax - t, t - bMin) < eps) {
        // too close to an end of the bracket: move 10% of its length inside
        if (insufficientProgress || t >= bMax || t <= bMin) {
          t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
          insufficientProgress = false;
        } else insufficientProgress = true;
      } else insufficientProgress = false;
      ({ f: fNew, g: gNew, gtd: gtdNew } = await evaluate(t));
      evaluations += 1;
      lsIter += 1;
      if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
        // Armijo not met, or not below the lowest point: the new point becomes the high end
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
        [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
      } else {
        if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
        else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
          // the old low becomes the high end
          [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [
            bracket[low],
            bracketF[low],
            bracketG[low],
            bracketGtd[low],
          ];
        }
        [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
      }
    }
    const chosen = bracketG[low];
    seen.delete(chosen);
    return { f: bracketF[low], g: chosen, t: bracket[low], evaluations };
  } finally {
    for (const s of seen) s.dispose();
  }
}

/** One run's L-BFGS: its history and direction persist from step to step, as torch's optimizer state does. */
export class Lbfgs {
  private nIter = 0;
  /** all evaluations so far (torch's state['func_evals']) */
  functionEvaluations = 0;
  private d: tf.Tensor1D | null = null;
  private t = 0;
  private oldDirs: tf.Tensor1D[] = [];
  private oldSteps: tf.Tensor1D[] = [];
  private ro: tf.Scalar[] = [];
  private hDiag: tf.Scalar | null = null;
  private prevFlatGrad: tf.Tensor1D | null = null;
  private prevLoss = NaN;

  constructor(private readonly settings: LbfgsSettings) {}

  private setDirection(d: tf.Tensor1D) {
    this.d?.dispose();
    this.d = d;
  }

  private forgetHistory() {
    tf.dispose([...this.oldDirs, ...this.oldSteps, ...this.ro]);
    this.oldDirs = [];
    this.oldSteps = [];
    this.ro = [];
    this.hDiag?.dispose();
    this.hDiag = null;
  }

  /** The L-BFGS direction −H·g from the history (the two-loop recursion, on the device). */
  private direction(flatGrad: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => {
      const n = this.oldDirs.length;
      const al: tf.Scalar[] = new Array<tf.Scalar>(n);
      let q = tf.neg(flatGrad);
      for (let i = n - 1; i >= 0; i--) {
        al[i] = tf.mul(tf.sum(tf.mul(this.oldSteps[i], q)), this.ro[i]);
        q = tf.sub(q, tf.mul(this.oldDirs[i], al[i]));
      }
      let r = this.hDiag ? tf.mul(q, this.hDiag) : q;
      for (let i = 0; i < n; i++) {
        const be = tf.mul(tf.sum(tf.mul(this.oldDirs[i], r)), this.ro[i]);
        r = tf.add(r, tf.mul(this.oldSteps[i], tf.sub(al[i], be)));
      }
      return r as tf.Tensor1D;
    });
  }

  /** Takes in the curvature pair of the last iteration: y = g − g_prev, s = t·d (kept when sᵀy > 1e-10). */
  private async remember(flatGrad: tf.Tensor1D): Promise<void> {
    const y = tf.tidy(() => tf.sub(flatGrad, this.prevFlatGrad!)) as tf.Tensor1D;
    const s = tf.tidy(() => tf.mul(this.d!, this.t)) as tf.Tensor1D;
    const ysT = tf.tidy(() => tf.sum(tf.mul(y, s))) as tf.Scalar;
    const ys = (await ysT.data())[0];
    if (ys > 1e-10) {
      if (this.oldDirs.length === this.settings.historySize) {
        tf.dispose([this.oldDirs.shift()!, this.oldSteps.shift()!, this.ro.shift()!]);
      }
      this.oldDirs.push(y);
      this.oldSteps.push(s);
      this.ro.push(tf.tidy(() => tf.div(1, ysT)));
      this.hDiag?.dispose();
      this.hDiag = tf.tidy(() => tf.div(ysT, tf.sum(tf.mul(y, y))));
    } else tf.dispose([y, s]);
    ysT.dispose();
  }

  /** One torch `optimizer.step(closure)` from x (which stays the caller's) with this step's learning rate. */
  async step(x0: tf.Tensor1D, lr: number, closure: LbfgsClosure): Promise<LbfgsStepResult> {
    const { maxIter, maxEval, toleranceGrad, toleranceChange, strongWolfe: lineSearch } = this.settings;
    let x = tf.clone(x0);
    const first = await closure(x);
    let flatGrad = first.grad;
    let loss: number, gradMax: number;
    try {
      [loss, gradMax] = await readScalars(() => first.loss, absMaxOf(first.grad));
    } catch (e) {
      tf.dispose([x, first.grad]);
      throw e;
    } finally {
      first.loss.dispose();
    }
    const firstLoss = loss;
    const result = (evaluations: number): LbfgsStepResult => ({
      x,
      loss: firstLoss,
      grad: tf.clone(first.grad),
      evaluations,
    });
    let currentEvals = 1;
    this.functionEvaluations += 1;
    try {
      let optimal = gradMax <= toleranceGrad;
      if (optimal) return result(currentEvals);
      for (let nIter = 1; nIter <= maxIter; nIter++) {
        this.nIter += 1;
        if (this.nIter === 1) {
          this.forgetHistory();
          this.setDirection(tf.neg(flatGrad));
        } else {
          await this.remember(flatGrad);
          this.setDirection(this.direction(flatGrad));
        }
        this.prevFlatGrad?.dispose();
        this.prevFlatGrad = tf.clone(flatGrad);
        this.prevLoss = loss;
        const d = this.d!;
        const firstOfAll = this.nIter === 1;
        const [gtd, gradSum] = await readScalars(
          dotOf(flatGrad, d),
          ...(firstOfAll ? [() => tf.sum(tf.abs(flatGrad))] : []),
        );
        // the first step of all is scaled down by the gradient's size (a float32 tensor in torch)
        const inv = firstOfAll ? Math.fround(1 / gradSum) : 1;
        this.t = firstOfAll && inv < 1 ? Math.fround(inv * lr) : lr;
        if (gtd > -toleranceChange) break;
        /** ‖t·d‖∞, read with the numbers after the update */
        const stepMax = () => tf.max(tf.abs(tf.mul(d, this.t)));
        let moved = Infinity;
        let lsEvals = 0;
        if (lineSearch) {
          const ls = await strongWolfe(closure, x, this.t, d, loss, flatGrad, gtd, toleranceChange);
          if (flatGrad !== first.grad) flatGrad.dispose();
          ({ f: loss, g: flatGrad, t: this.t, evaluations: lsEvals } = ls);
          const next = along(x, this.t, d);
          x.dispose();
          x = next;
          [gradMax, moved] = await readScalars(absMaxOf(flatGrad), stepMax);
          optimal = gradMax <= toleranceGrad;
        } else {
          const next = along(x, this.t, d);
          x.dispose();
          x = next;
          if (nIter !== maxIter) {
            // torch re-evaluates except after the last iteration
            const out = await closure(x);
            if (flatGrad !== first.grad) flatGrad.dispose();
            flatGrad = out.grad;
            try {
              [loss, gradMax, moved] = await readScalars(() => out.loss, absMaxOf(flatGrad), stepMax);
            } finally {
              out.loss.dispose();
            }
            optimal = gradMax <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        this.functionEvaluations += lsEvals;
        if (nIter === maxIter || currentEvals >= maxEval || optimal) break;
        if (moved <= toleranceChange) break;
        if (Math.abs(loss - this.prevLoss) < toleranceChange) break;
      }
      return result(currentEvals);
    } catch (e) {
      x.dispose();
      throw e;
    } finally {
      if (flatGrad !== first.grad) flatGrad.dispose();
      first.grad.dispose();
    }
  }

  dispose(): void {
    this.forgetHistory();
    this.d?.dispose();
    this.d = null;
    this.prevFlatGrad?.dispose();
    this.prevFlatGrad = null;
  }
}
