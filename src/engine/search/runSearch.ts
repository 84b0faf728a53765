/**
 * Runs a `search` spec: proposes configurations of the base `train` experiment with the chosen
 * strategy and trains them. The data is loaded and split once. Trials that share a model shape, the
 * training settings and the optimizer's on/off options train together as one batched program of
 * K models (K learning rates, momenta, … in the same kernels), at most `strategy.parallel` at a
 * time; the rest wait their turn. Everything is seeded: rerunning a spec gives the same trials.
 *
 * Objective: the last epoch's test loss, test accuracy or train loss. Strategies minimise a score
 * (the loss, or −accuracy). A trial that diverges scores as the worst finished trial plus the
 * spread of the scores, so the GP learns to avoid that region; it is shown as diverged.
 *
 * Successive halving and Hyperband spend epochs as their budget. A promoted configuration is
 * trained again from its initial weights for the longer budget (the paper's
 * run_then_return_val_loss without resuming); with the same seed and batch order its first epochs
 * are the same as before, so this costs time but not correctness. Configurations not promoted
 * are marked "pruned" at the epochs they reached.
 */
import type { Status } from '../status';
import * as tf from '@tensorflow/tfjs-core';
import type { CostBudget } from '../spec/cost';
import { OPTIMIZERS, optimizerGroupKey } from '../optimizers/registry';
import { randomCreate, randomMixSeed, type Rng } from '../random';
import type { SearchSpec } from '../spec/searchSchema';
import type { TrainSpec } from '../spec/trainSchema';
import { trainDataSplit, trainSpecConfig, type AssetLoader } from '../training/runTrainSpec';
import { trainConfigProblem, trainRun, type EpochMetrics, type TrainModelResult } from '../training/train';
import { searchPlan, searchScore } from './plan';
import { searchTrialSpec, spaceDecode, spaceEncode, spaceGrid, type ParamValues } from './space';

import { thinSteps } from './thin';
import { bayesPropose, randomPoint } from './strategies';

/** status.ts's words; a trial that could not train (an impossible setting) has failed, one Hyperband did not promote is early-stopped and `pruned` */
export type TrialStatus = Status;

export interface SearchTrial {
  id: number;
  params: ParamValues;
  status: TrialStatus;
  /** epochs trained (the highest rung reached, for SHA/Hyperband) */
  epochs: number;
  /** the objective in its own units (loss or accuracy); null until done, or when diverged or invalid */
  value: number | null;
  /** per-epoch metrics of its last training */
  curve: EpochMetrics[];
  /** the batch loss, averaged into at most CURVE_POINTS points: [step, loss] */
  steps: [number, number][];
  /** SHA/Hyperband: its bracket and the rung it stopped at */
  bracket?: number;
  rung?: number;
  /** SHA/Hyperband stopped it at its rung (status early-stopped) */
  pruned?: boolean;
  message?: string;
  /** 1-based order in which it finished (0 while queued or running) */
  done: number;
}

export interface SearchProgress {
  done: number;
  running: number;
  total: number;
  /** epochs trained so far / planned in all, summed over trials */
  costDone: number;
  costTotal: number;
  elapsedMs: number;
  /** estimated time left, from the epochs still to train at the rate so far (null before the first) */
  etaMs: number | null;
}

export interface SearchEvaluation {
  trial: number;
  epochs: number;
  value: number | null;
  /** cumulative epochs trained when this evaluation finished */
  cost: number;
}

export interface SearchResult {
  backend: string;
  strategy: SearchSpec['strategy']['name'];
  objective: SearchSpec['objective'];
  trials: SearchTrial[];
  /** every finished training, in order (a Hyperband configuration appears once per rung) */
  evaluations: SearchEvaluation[];
  best: number | null;
  cancelled: boolean;
  elapsedMs: number;
  dataset: { name: string; train: number; test: number };
}

export interface SearchOptions {
  signal?: AbortSignal;
  csvText?: string;
  /** the whole experiment, checked against the cost limits once a CSV file's shape is known */
  budget?: CostBudget;
  /** trials that changed (new, started, an epoch finished, done) */
  onTrials?: (trials: SearchTrial[]) => void;
  onProgress?: (progress: SearchProgress) => void;
}

function objectiveOf(objective: SearchSpec['objective'], m: EpochMetrics | undefined): number | null {
  if (!m) return null;
  const v = objective === 'testLoss' ? m.testLoss : objective === 'trainLoss' ? m.trainLoss : m.testAccuracy;
  return v === null || !Number.isFinite(v) ? null : v;
}

export async function searchRun(
  spec: SearchSpec,
  loadAsset: AssetLoader,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const t0 = performance.now();
  const { dataset, train, test } = await trainDataSplit(spec.base, loadAsset, options.csvText, options.budget);
  const plan = searchPlan(spec);
  const trials: SearchTrial[] = [];
  const evaluations: SearchEvaluation[] = [];
  const rng: Rng = randomCreate(randomMixSeed(spec.seed, 0x5ea2c4));
  const d = spec.space.length;
  let costDone = 0;
  let finished = 0;

  const progress = () => {
    const elapsedMs = performance.now() - t0;
    options.onProgress?.({
      done: trials.filter((t) => t.done > 0).length,
      running: trials.filter((t) => t.status === 'running').length,
      total: plan.trials,
      costDone,
      costTotal: plan.epochs,
      elapsedMs,
      etaMs: costDone > 0 ? (elapsedMs * Math.max(0, plan.epochs - costDone)) / costDone : null,
    });
  };
  const emit = (changed: SearchTrial[]) => {
    if (changed.length) options.onTrials?.(changed.map((t) => ({ ...t, curve: [...t.curve], steps: [...t.steps] })));
  };
  const newTrials = (values: ParamValues[], extra: Partial<SearchTrial> = {}) => {
    const made = values.map(
      (params, i) =>
        ({
          id: trials.length + i,
          params,
          status: 'queued',
          epochs: 0,
          value: null,
          curve: [],
          steps: [],
          done: 0,
          ...extra,
        }) as SearchTrial,
    );
    trials.push(...made);
    emit(made);
    return made;
  };
  const finish = (t: SearchTrial, status: TrialStatus, message?: string) => {
    t.status = status;
    t.done = ++finished;
    if (message) t.message = message;
    evaluations.push({ trial: t.id, epochs: t.epochs, value: t.value, cost: costDone });
  };

  /** Trains these trials (for `epochs` each when given): batched by shape and options, `parallel` at a time. */
  const evaluate = async (batch: SearchTrial[], epochs?: number) => {
    const groups = new Map<string, { trial: SearchTrial; spec: TrainSpec }[]>();
    for (const trial of batch) {
      const ts = searchTrialSpec(
        spec.base,
        epochs === undefined ? trial.params : { ...trial.params, 'training.epochs': epochs },
      );
      const problem = typeof ts === 'string' ? ts : trainConfigProblem(trainSpecConfig(ts, ts.runs), train);
      if (typeof ts === 'string' || problem) {
        trial.epochs = 0;
        costDone += epochs ?? trial.params['training.epochs'] ?? spec.base.training.epochs;
        finish(trial, 'failed', problem ?? undefined);
        emit([trial]);
        continue;
      }
      const key = JSON.stringify([ts.model, ts.training, optimizerGroupKey(ts.runs[0].optimizer)]);
      groups.set(key, [...(groups.get(key) ?? []), { trial, spec: ts }]);
    }
    for (const members of groups.values()) {
      // a closure-based optimizer (L-BFGS) trains one model per program: its trials go one at a time
      const parallel = OPTIMIZERS[members[0].spec.runs[0].optimizer.name].closure ? 1 : spec.strategy.parallel;
      for (let at = 0; at < members.length; at += parallel) {
        if (options.signal?.aborted) return;
        const chunk = members.slice(at, at + parallel);
        for (const { trial } of chunk) {
          trial.status = 'running';
          trial.curve = [];
          trial.steps = [];
        }
        emit(chunk.map((c) => c.trial));
        progress();
        const seen = chunk.map(() => 0);
        const result = await trainRun(
          train,
          test,
          trainSpecConfig(
            chunk[0].spec,
            chunk.map((c) => c.spec.runs[0]),
          ),
          {
            signal: options.signal,
            onEpoch: (models) => {
              const changed: SearchTrial[] = [];
              models.forEach((m, k) => {
                if (m.epochs.length > seen[k]) {
                  costDone += m.epochs.length - seen[k];
                  seen[k] = m.epochs.length;
                  chunk[k].trial.curve = [...m.epochs];
                  chunk[k].trial.steps = thinSteps(m.stepLoss);
                  chunk[k].trial.epochs = m.epochs.length;
                  changed.push(chunk[k].trial);
                }
              });
              emit(changed);
              progress();
            },
          },
        );
        if (options.signal?.aborted) return;
        chunk.forEach(({ trial }, k) => {
          const m: TrainModelResult = result.models[k];
          costDone += Math.max(0, chunk[k].spec.training.epochs - m.epochs.length); // a diverged or stopped trial frees its remaining epochs
          trial.curve = m.epochs;
          trial.steps = thinSteps(m.stepLoss);
          trial.epochs = m.epochs.length;
          trial.value = m.status === 'diverged' ? null : objectiveOf(spec.objective, m.epochs[m.epochs.length - 1]);
          if (m.status === 'diverged') finish(trial, 'diverged', `diverged at step ${m.divergedAt}`);
          else if (trial.value === null) finish(trial, 'diverged', 'no finite objective');
          else
            finish(
              trial,
              m.status === 'early-stopped' ? 'early-stopped' : 'done',
              m.status === 'early-stopped' ? `early stop after epoch ${m.stoppedAfter}` : undefined,
            );
        });
        emit(chunk.map((c) => c.trial));
        progress();
      }
    }
  };

  /** scores to minimise; a diverged or invalid trial scores the worst finished one plus the spread */
  const scores = (list: SearchTrial[]) => {
    const finite = list.filter((t) => t.value !== null).map((t) => searchScore(spec.objective, t.value!));
    const worst = finite.length ? Math.max(...finite) : 1;
    const spread = finite.length > 1 ? worst - Math.min(...finite) : 1;
    return list.map((t) => (t.value !== null ? searchScore(spec.objective, t.value) : worst + Math.max(spread, 1e-6)));
  };
  const randomValues = (n: number) => Array.from({ length: n }, () => spaceDecode(spec.space, randomPoint(rng, d)));
  const { strategy } = spec;

  if (strategy.name === 'grid' || strategy.name === 'random') {
    const values =
      strategy.name === 'grid' ? spaceGrid(spec.space, strategy.gridPoints) : randomValues(strategy.trials);
    const all = newTrials(values);
    for (let at = 0; at < all.length && !options.signal?.aborted; at += strategy.parallel)
      await evaluate(all.slice(at, at + strategy.parallel));
  } else if (strategy.name === 'bayes') {
    const first = newTrials(randomValues(Math.min(strategy.initial, strategy.trials)));
    await evaluate(first);
    while (trials.length < strategy.trials && !options.signal?.aborted) {
      const q = Math.min(strategy.parallel, strategy.trials - trials.length);
      const X = trials.map((t) => spaceEncode(spec.space, t.params));
      const proposed = bayesPropose(X, scores(trials), q, rng).map((u) => spaceDecode(spec.space, u));
      await evaluate(newTrials(proposed));
    }
  } else {
    for (const [b, rungs] of plan.brackets!.entries()) {
      if (options.signal?.aborted) break;
      let alive = newTrials(randomValues(rungs[0].n), { bracket: b, rung: 0 });
      for (const [i, rung] of rungs.entries()) {
        if (options.signal?.aborted) break;
        alive.forEach((t) => (t.rung = i));
        await evaluate(alive, rung.r);
        if (i === rungs.length - 1 || options.signal?.aborted) break;
        const s = scores(alive);
        const ranked = alive
          .map((t, k) => ({ t, s: s[k] }))
          .filter((x) => x.t.status === 'done' || x.t.status === 'early-stopped')
          .sort((a, b) => a.s - b.s);
        const keep = ranked.slice(0, rungs[i + 1].n).map((x) => x.t);
        const pruned = ranked.slice(rungs[i + 1].n).map((x) => x.t);
        pruned.forEach((t) =>
          Object.assign(t, { status: 'early-stopped', pruned: true, message: `pruned at rung ${t.rung}` }),
        );
        keep.forEach((t) => (t.status = 'queued'));
        emit([...pruned, ...keep]);
        alive = keep;
      }
    }
  }

  const cancelled = !!options.signal?.aborted;
  const unfinished = trials.filter((t) => t.status === 'running' || t.status === 'queued');
  unfinished.forEach((t) => (t.status = 'cancelled'));
  emit(unfinished);
  progress();
  const done = trials.filter((t) => t.value !== null && t.status !== 'cancelled');
  const s = scores(done);
  const best = done.length ? done[s.indexOf(Math.min(...s))].id : null;
  return {
    backend: tf.getBackend(),
    strategy: strategy.name,
    objective: spec.objective,
    trials,
    evaluations,
    best,
    cancelled,
    elapsedMs: performance.now() - t0,
    dataset: { name: dataset.name, train: train.n, test: test.n },
  };
}
