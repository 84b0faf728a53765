/** The training lab's settings: data, model, training and the runs. Impossible settings are refused with the reason next to the control. */
import { useId, useState } from 'react';
import { CSV_LIMITS } from '../../engine/data/csv';
import { engineCsvInspect } from '../../worker/client';
import { datasetTestRows } from '../../engine/data/dataset';
import { ACTIVATIONS, INITS, MODEL_KINDS } from '../../engine/models/shape';
import { OPTIMIZERS, OPTIMIZER_NAMES, type OptimizerName } from '../../engine/optimizers/registry';
import {
  TRAIN_DATASETS,
  TRAIN_LIMITS,
  trainDataShape,
  type TrainDatasetName,
  type TrainSpec,
} from '../../engine/spec/trainSchema';
import { trainStepsPerEpoch } from '../../engine/training/steps';
import {
  runAdded,
  runHyperSet,
  runOptimizerSet,
  runScheduleParamSet,
  runScheduleSet,
  runsEdit,
} from '../../store/runEdits';
import { selectTrainRecords, useAppStore } from '../../store/store';
import { FieldErrors, useLabEdit } from '../controls/FieldErrors';
import { trainRunLabel } from '../../labs/train';
import { NumberControl, Optional, numberMeta } from '../controls/HyperControl';
import { OptimizerFields } from '../controls/OptimizerFields';

const DATASET_LABELS: Record<TrainDatasetName, string> = {
  circle: 'circle (2-D, 2 classes)',
  xor: 'xor (2-D, 2 classes)',
  gaussians: 'two gaussians (2-D)',
  spiral: 'spiral (2-D, 2 classes)',
  moons: 'moons (2-D, 2 classes)',
  linear: 'linear y = 2x (regression)',
  sine: 'sine (regression)',
  iris: 'iris (4 features, 3 species)',
  mnist: 'MNIST digits (28×28)',
  csv: 'your CSV file',
};
const MODEL_LABELS: Record<(typeof MODEL_KINDS)[number], string> = {
  linear: 'linear regression',
  logistic: 'logistic regression',
  softmax: 'softmax regression',
  mlp: 'MLP',
  cnn: 'CNN (images)',
};

const num = numberMeta;

const useEdit = () => useLabEdit('train');

/** Training rows of the spec's data (null for a CSV file not yet loaded). */
export function trainRows(spec: TrainSpec, csvRows: number | null): number | null {
  const shape = trainDataShape(spec.data);
  const rows = shape ? shape.rows : csvRows;
  if (rows === null) return null;
  return rows - datasetTestRows(rows, spec.data.testFraction);
}

function CsvPicker({ locked }: { locked: boolean }) {
  const csv = useAppStore((s) => s.csvFile);
  const data = useAppStore((s) => s.specs.train.data);
  const [errors, edit] = useEdit();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reading, setReading] = useState<string | null>(null);
  const id = useId();
  const onFile = async (file: File) => {
    try {
      // refused before it is read; read and parsed by the engine, off the page's thread
      if (file.size > CSV_LIMITS.bytes)
        throw new Error(
          `it has ${(file.size / 2 ** 20).toFixed(0)} MB; at most ${CSV_LIMITS.bytes / 2 ** 20} MB: use fewer rows`,
        );
      setLoadError(null);
      setReading(file.name);
      const table = await engineCsvInspect(file).finally(() => setReading(null));
      if (table.header.length < 2) throw new Error('the file needs a header row with at least two columns');
      useAppStore.getState().csvFileSet({ name: file.name, blob: file, header: table.header, rows: table.rows });
      setLoadError(null);
      const label = table.header[table.header.length - 1];
      edit((s) => ({
        ...s,
        data: { ...s.data, file: file.name, label, features: table.header.filter((h) => h !== label) },
      }));
    } catch (err) {
      setLoadError(`${file.name} could not be read: ${(err as Error).message}`);
    }
  };
  return (
    <div className="csv-picker">
      <label htmlFor={id}>CSV file (stays on this machine)</label>
      <input
        id={id}
        type="file"
        accept=".csv,text/csv"
        data-testid="csv-file"
        disabled={locked}
        onChange={(e) => e.target.files?.[0] && void onFile(e.target.files[0])}
      />
      {reading && (
        <p className="muted small" role="status" data-testid="csv-reading">
          Reading {reading}…
        </p>
      )}
      {loadError && (
        <p role="alert" className="field-error" data-testid="csv-error">
          {loadError}
        </p>
      )}
      {!csv && data.file && (
        <p className="muted small">
          This experiment used {data.file}; load it (or a file with the same columns) to train.
        </p>
      )}
      {csv && (
        <>
          <div className="control">
            <label htmlFor={`${id}-label`}>label column</label>
            <select
              id={`${id}-label`}
              className="wide"
              data-testid="csv-label"
              value={data.label ?? ''}
              onChange={(e) => {
                const label = e.target.value;
                edit((s) => ({
                  ...s,
                  data: { ...s.data, label, features: (s.data.features ?? []).filter((f) => f !== label) },
                }));
              }}
            >
              {csv.header.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="csv-features">
            <legend>features</legend>
            {csv.header
              .filter((h) => h !== data.label)
              .map((h) => (
                <label key={h} className="small">
                  <input
                    type="checkbox"
                    checked={data.features?.includes(h) ?? false}
                    onChange={(e) => {
                      const on = e.target.checked;
                      edit((s) => ({
                        ...s,
                        data: {
                          ...s.data,
                          features: on
                            ? [...(s.data.features ?? []), h]
                            : (s.data.features ?? []).filter((f) => f !== h),
                        },
                      }));
                    }}
                  />{' '}
                  {h}
                </label>
              ))}
          </fieldset>
        </>
      )}
      <FieldErrors errors={errors} testId="csv-field-error" />
      <CsvProblems />
    </div>
  );
}

/** Rows of the CSV file that the last run on it could not read, by line. */
function CsvProblems() {
  const problems = useAppStore((s) => {
    const last = [...selectTrainRecords(s)].reverse().find((r) => r.spec.data.name === 'csv');
    return last?.data?.csvProblems ?? null;
  });
  if (!problems || problems.length === 0) return null;
  return (
    <details className="csv-problems" data-testid="csv-problems" open={problems.length <= 5}>
      <summary role="status">
        {problems.length} row{problems.length === 1 ? '' : 's'} skipped (the rest trained)
      </summary>
      <ul className="small">
        {problems.slice(0, 50).map((p) => (
          <li key={p.line}>
            line {p.line}: {p.message}
          </li>
        ))}
        {problems.length > 50 && <li>… and {problems.length - 50} more</li>}
      </ul>
    </details>
  );
}

function DataPanel({ locked }: { locked: boolean }) {
  const spec = useAppStore((s) => s.specs.train);
  const [errors, edit] = useEdit();
  const { data } = spec;
  const synthetic = data.name !== 'iris' && data.name !== 'mnist' && data.name !== 'csv';
  const setName = (name: TrainDatasetName) =>
    edit((s) => {
      const next = { ...s, data: { ...s.data, name } };
      const rows = trainRows(next as TrainSpec, null);
      const shape = trainDataShape((next as TrainSpec).data);
      const model =
        name === 'mnist' && s.model.kind !== 'cnn'
          ? { ...s.model, kind: 'mlp', hidden: [128, 64], activation: 'relu', init: 'he' }
          : name !== 'mnist' && s.model.kind === 'cnn'
            ? { ...s.model, kind: 'mlp', hidden: [8, 8] }
            : shape?.task === 'regression' && s.model.kind !== 'mlp'
              ? { ...s.model, kind: 'linear' }
              : shape?.task === 'classification' && s.model.kind === 'linear'
                ? { ...s.model, kind: 'mlp' }
                : s.model;
      return {
        ...next,
        model,
        training: {
          ...s.training,
          batchSize: rows === null ? s.training.batchSize : Math.min(s.training.batchSize, rows),
        },
      };
    });
  return (
    <section className="panel" aria-label="data">
      <h3>Data</h3>
      <div className="control">
        <label htmlFor="train-dataset">dataset</label>
        <select
          id="train-dataset"
          className="wide"
          data-testid="train-dataset"
          value={data.name}
          disabled={locked}
          onChange={(e) => setName(e.target.value as TrainDatasetName)}
        >
          {TRAIN_DATASETS.map((n) => (
            <option key={n} value={n}>
              {DATASET_LABELS[n]}
            </option>
          ))}
        </select>
      </div>
      {synthetic && (
        <>
          <NumberControl
            meta={num(
              'size',
              'points',
              'number of generated points (train + test)',
              20,
              TRAIN_LIMITS.maxSize,
              'log',
              true,
            )}
            value={data.size}
            onChange={(v) => edit((s) => ({ ...s, data: { ...s.data, size: v } }))}
            testId="train-size"
          />
          <NumberControl
            meta={num('noise', 'noise', 'spread of the points around the pattern', 0, 2)}
            value={data.noise}
            onChange={(v) => edit((s) => ({ ...s, data: { ...s.data, noise: v } }))}
          />
        </>
      )}
      {data.name === 'mnist' && (
        <NumberControl
          meta={num(
            'limit',
            'digits used',
            'how many of the 10,000 real digits to use (train + test)',
            100,
            10000,
            'log',
            true,
          )}
          value={data.limit}
          onChange={(v) => edit((s) => ({ ...s, data: { ...s.data, limit: v } }))}
          testId="train-limit"
        />
      )}
      {data.name === 'csv' && <CsvPicker locked={locked} />}
      <NumberControl
        meta={num('testFraction', 'test share', 'share of the rows held out for testing', 0.05, 0.5)}
        value={data.testFraction}
        onChange={(v) => edit((s) => ({ ...s, data: { ...s.data, testFraction: v } }))}
      />
      <NumberControl
        meta={num(
          'seed',
          'seed',
          'seeds the data, the split, the initial weights and the batch order',
          0,
          9999,
          'linear',
          true,
        )}
        value={spec.seed}
        onChange={(v) => edit((s) => ({ ...s, seed: v, runs: s.runs.map((r) => ({ ...r, initSeed: v })) }))}
      />
      <FieldErrors errors={errors} testId="data-error" />
    </section>
  );
}

function HiddenField({ locked }: { locked: boolean }) {
  const model = useAppStore((s) => s.specs.train.model);
  const [errors, edit] = useEdit();
  const [parseError, setParseError] = useState<string | null>(null);
  const id = useId();
  const cnn = model.kind === 'cnn';
  return (
    <div className="control">
      <label htmlFor={id}>{cnn ? 'conv channels' : 'hidden layers'}</label>
      <input
        id={id}
        type="text"
        className="wide"
        data-testid="train-hidden"
        disabled={locked}
        defaultValue={model.hidden.join(', ')}
        key={model.hidden.join(',')}
        title={
          cnn
            ? 'channels of the conv layers (5×5 then 3×3, each with a 2×2 max-pool)'
            : 'widths of the hidden layers, e.g. 16, 16'
        }
        onBlur={(e) => {
          const text = e.target.value.trim();
          const parts = text === '' ? [] : text.split(/[,\s]+/).map(Number);
          if (parts.some((n) => !Number.isFinite(n))) {
            setParseError(`"${text}" is not a list of numbers (e.g. 16, 16)`);
            return;
          }
          setParseError(null);
          edit((s) => ({ ...s, model: { ...s.model, hidden: parts } }));
        }}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      <FieldErrors errors={parseError ? [parseError] : errors} testId="hidden-error" />
    </div>
  );
}

function ModelPanel({ locked }: { locked: boolean }) {
  const model = useAppStore((s) => s.specs.train.model);
  const [errors, edit] = useEdit();
  return (
    <section className="panel" aria-label="model">
      <h3>Model</h3>
      <div className="control">
        <label htmlFor="train-model">model</label>
        <select
          id="train-model"
          className="wide"
          data-testid="train-model"
          value={model.kind}
          disabled={locked}
          onChange={(e) => {
            const kind = e.target.value as TrainSpec['model']['kind'];
            edit((s) => ({
              ...s,
              model: {
                ...s.model,
                kind,
                ...(kind === 'cnn'
                  ? { hidden: [8, 16], activation: 'relu', init: 'he' }
                  : s.model.kind === 'cnn'
                    ? { hidden: [128, 64] }
                    : {}),
              },
            }));
          }}
        >
          {MODEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {MODEL_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <FieldErrors errors={errors} testId="model-error" />
      {(model.kind === 'mlp' || model.kind === 'cnn') && (
        <>
          <HiddenField locked={locked} />
          <div className="control">
            <label htmlFor="train-activation">activation</label>
            <select
              id="train-activation"
              className="wide"
              value={model.activation}
              disabled={locked}
              onChange={(e) => edit((s) => ({ ...s, model: { ...s.model, activation: e.target.value } }))}
            >
              {ACTIVATIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <div className="control">
        <label htmlFor="train-init">initialisation</label>
        <select
          id="train-init"
          className="wide"
          value={model.init}
          disabled={locked}
          onChange={(e) => edit((s) => ({ ...s, model: { ...s.model, init: e.target.value } }))}
        >
          {INITS.map((a) => (
            <option key={a} value={a}>
              {a === 'xavier'
                ? 'Xavier (Glorot) uniform'
                : a === 'he'
                  ? 'He normal'
                  : a === 'uniform'
                    ? 'uniform ±0.05'
                    : 'zeros'}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

function TrainingPanel({ locked }: { locked: boolean }) {
  const spec = useAppStore((s) => s.specs.train);
  const csvRows = useAppStore((s) => s.csvFile?.rows ?? null);
  const [errors, edit] = useEdit();
  const t = spec.training;
  const rows = trainRows(spec, csvRows);
  const setT = (patch: Partial<TrainSpec['training']>) =>
    edit((s) => ({ ...s, training: { ...s.training, ...patch } }));
  return (
    <section className="panel" aria-label="training">
      <h3>Training</h3>
      <NumberControl
        meta={num(
          'batchSize',
          'batch size',
          '1 is SGD, the whole training set is gradient descent',
          1,
          rows ?? 100000,
          'log',
          true,
        )}
        value={t.batchSize}
        onChange={(v) => setT({ batchSize: v })}
        testId="batch-size"
      />
      <div className="batch-presets">
        <button type="button" disabled={locked} onClick={() => setT({ batchSize: 1 })}>
          1 (SGD)
        </button>
        <button type="button" disabled={locked || (rows !== null && rows < 32)} onClick={() => setT({ batchSize: 32 })}>
          32
        </button>
        <button
          type="button"
          disabled={locked || rows === null}
          onClick={() => rows !== null && setT({ batchSize: rows })}
          data-testid="batch-full"
        >
          all {rows ?? ''} (GD)
        </button>
      </div>
      <p className="muted small">
        {rows === null ? (
          'load the CSV file to see the steps per epoch'
        ) : (
          <>
            {rows} training rows →{' '}
            <strong data-testid="steps-per-epoch">{trainStepsPerEpoch(rows, Math.min(t.batchSize, rows))}</strong> steps
            per epoch
          </>
        )}
      </p>
      <NumberControl
        meta={num('epochs', 'epochs', 'passes over the training set', 1, TRAIN_LIMITS.maxEpochs, 'log', true)}
        value={t.epochs}
        onChange={(v) => setT({ epochs: v })}
        testId="epochs"
      />
      <NumberControl
        meta={num('l2', 'L2 (λ₂·Σw²)', 'weight penalty added to the loss (weights, not biases)', 0, 0.01)}
        value={t.l2}
        onChange={(v) => setT({ l2: v })}
      />
      <NumberControl
        meta={num('l1', 'L1 (λ₁·Σ|w|)', 'sparsity penalty added to the loss (weights, not biases)', 0, 0.01)}
        value={t.l1}
        onChange={(v) => setT({ l1: v })}
      />
      {spec.model.kind !== 'linear' && spec.model.kind !== 'logistic' && spec.model.kind !== 'softmax' && (
        <NumberControl
          meta={num('dropout', 'dropout', 'share of hidden units dropped at each training step', 0, 0.9)}
          value={t.dropout}
          onChange={(v) => setT({ dropout: v })}
        />
      )}
      <Optional
        label="clip gradient norm"
        value={t.clipNorm}
        fallback={1}
        meta={num('clipNorm', 'max norm', 'torch.nn.utils.clip_grad_norm_', 0.01, 100, 'log')}
        onChange={(v) => setT({ clipNorm: v })}
        testId="clip-norm"
      />
      <Optional
        label="clip gradient values"
        value={t.clipValue}
        fallback={1}
        meta={num('clipValue', 'max |g|', 'torch.nn.utils.clip_grad_value_', 0.01, 100, 'log')}
        onChange={(v) => setT({ clipValue: v })}
        testId="clip-value"
      />
      <Optional
        label="early stopping"
        value={t.patience}
        fallback={5}
        meta={num(
          'patience',
          'patience (epochs)',
          'stop a run when its test loss has not improved for this many epochs',
          1,
          100,
          'linear',
          true,
        )}
        onChange={(v) => setT({ patience: v })}
        testId="patience"
      />
      <FieldErrors errors={errors} testId="training-error" />
    </section>
  );
}

/** An edit of run i of the training lab's spec. */
const runEdit = (i: number, fn: (r: TrainSpec['runs'][number]) => TrainSpec['runs'][number]) =>
  useAppStore.getState().specEdit('train', (spec) => runsEdit(spec, i, fn));

function RunsPanel({ locked }: { locked: boolean }) {
  const runs = useAppStore((s) => s.specs.train.runs);
  const a = useAppStore.getState();
  return (
    <section className="panel" aria-label="runs">
      <h3>
        Runs <span className="muted small">same initial weights and batches</span>
      </h3>
      {runs.map((run, i) => (
        <details
          key={i}
          className="run-card"
          style={{ borderLeftColor: run.color ?? '#64748b' }}
          open={i === 0 || runs.length <= 2}
          data-testid={`train-run-${i}`}
        >
          <summary>
            <select
              aria-label={`run ${i + 1} optimizer`}
              value={run.optimizer.name}
              disabled={locked}
              onChange={(e) => runEdit(i, (r) => runOptimizerSet(r, e.target.value as OptimizerName))}
            >
              {OPTIMIZER_NAMES.map((n) => (
                <option key={n} value={n}>
                  {OPTIMIZERS[n].label}
                </option>
              ))}
            </select>
            <span className="small">{trainRunLabel(run, i).replace(/^\d+\. [^,]+, /, '')}</span>
            {runs.length > 1 && !locked && (
              <button
                type="button"
                className="icon"
                aria-label={`remove run ${i + 1}`}
                onClick={() => a.specEdit('train', (spec) => ({ ...spec, runs: spec.runs.filter((_, k) => k !== i) }))}
              >
                ×
              </button>
            )}
          </summary>
          <fieldset className="controls" disabled={locked}>
            <OptimizerFields
              idPrefix={`train-run-${i}`}
              optimizer={run.optimizer}
              schedule={run.schedule}
              onHyper={(key, v) => runEdit(i, (r) => runHyperSet(r, key, v))}
              onSchedule={(name) => runEdit(i, (r) => runScheduleSet(r, name))}
              onScheduleParam={(key, v) => runEdit(i, (r) => runScheduleParamSet(r, key, v))}
            />
          </fieldset>
        </details>
      ))}
      {runs.length < TRAIN_LIMITS.maxRuns && !locked && (
        <button
          type="button"
          onClick={() => a.specEdit('train', (spec) => ({ ...spec, runs: runAdded(spec.runs) }))}
          data-testid="train-run-add"
        >
          + add a run
        </button>
      )}
    </section>
  );
}

export function TrainControls({ locked }: { locked: boolean }) {
  return (
    <aside className="train-controls">
      <DataPanel locked={locked} />
      <ModelPanel locked={locked} />
      <TrainingPanel locked={locked} />
      <RunsPanel locked={locked} />
    </aside>
  );
}
