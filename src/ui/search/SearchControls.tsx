/**
 * The search lab's settings: the experiment being tuned (its base), the search space, the strategy
 * and its budget. Impossible settings are refused with the reason next to the control.
 */
import { useId } from 'react';
import { OPTIMIZERS, OPTIMIZER_NAMES, type OptimizerName } from '../../engine/optimizers/registry';
import { searchableParams, type SearchParam } from '../../engine/search/space';
import { searchPlan } from '../../engine/search/plan';
import {
  SEARCH_LIMITS,
  SEARCH_OBJECTIVES,
  SEARCH_STRATEGIES,
  searchBaseOf,
  type SearchSpec,
} from '../../engine/spec/searchSchema';
import { TRAIN_DATASETS, type TrainDatasetName } from '../../engine/spec/trainSchema';
import { searchStrategyLabel } from '../../labs/search';
import { trainRecordTitle } from '../../labs/train';
import { searchBaseFromTrainLab } from '../../store/labLinks';
import { useAppStore } from '../../store/store';
import { FieldErrors, useLabEdit } from '../controls/FieldErrors';
import { NumberControl, numberMeta } from '../controls/HyperControl';

const num = numberMeta;

/** Applies an edit of the search spec; returns the messages to show when it is refused. */
export const useSearchEdit = () => useLabEdit('search');

/** The base experiment in the spec's input form (so edits go back through validation). */
function baseInput(spec: SearchSpec) {
  return searchBaseOf(spec.base);
}

function BasePanel() {
  const spec = useAppStore((s) => s.specs.search);
  const [errors, edit] = useSearchEdit();
  const base = spec.base;
  const run = base.runs[0];
  const setBase = (fn: (b: ReturnType<typeof baseInput>) => ReturnType<typeof baseInput>) =>
    edit((s) => ({ ...s, base: fn(baseInput(s)) }));
  const id = useId();
  return (
    <section className="panel" aria-label="experiment to tune">
      <h3>Experiment to tune</h3>
      <p className="small muted" data-testid="search-base">
        {trainRecordTitle(base)} · {OPTIMIZERS[run.optimizer.name].label}, lr {run.optimizer.lr}
      </p>
      <button
        type="button"
        className="small"
        data-testid="search-from-train"
        onClick={() => searchBaseFromTrainLab()}
        title="the training lab's data, model, training settings and first run"
      >
        Use the training lab's experiment
      </button>
      <div className="control">
        <label htmlFor={`${id}-data`}>data</label>
        <select
          id={`${id}-data`}
          className="wide"
          data-testid="search-dataset"
          value={base.data.name}
          onChange={(e) => setBase((b) => ({ ...b, data: { ...b.data, name: e.target.value as TrainDatasetName } }))}
        >
          {TRAIN_DATASETS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <div className="control">
        <label htmlFor={`${id}-opt`}>optimizer</label>
        <select
          id={`${id}-opt`}
          className="wide"
          data-testid="search-optimizer"
          value={run.optimizer.name}
          onChange={(e) => {
            const name = e.target.value as OptimizerName;
            edit((s) => ({
              ...s,
              base: {
                ...baseInput(s),
                run: { ...baseInput(s).run, optimizer: { name, lr: s.base.runs[0].optimizer.lr } },
              },
              // keep the parameters the new optimizer also has
              space: s.space.filter(
                (p) =>
                  !p.param.startsWith('optimizer.') ||
                  OPTIMIZERS[name].hyper.some((h) => `optimizer.${h.key}` === p.param),
              ),
            }));
          }}
        >
          {OPTIMIZER_NAMES.map((n) => (
            <option key={n} value={n}>
              {OPTIMIZERS[n].label}
            </option>
          ))}
        </select>
      </div>
      <NumberControl
        meta={num(
          'epochs',
          'epochs per trial',
          'how long each trial trains (SHA and Hyperband choose their own)',
          1,
          200,
          'log',
          true,
        )}
        value={base.training.epochs}
        onChange={(v) => setBase((b) => ({ ...b, training: { ...b.training, epochs: v } }))}
        testId="search-epochs"
      />
      <NumberControl
        meta={num('batchSize', 'batch size', 'mini-batch size (unless searched)', 1, 5000, 'log', true)}
        value={base.training.batchSize}
        onChange={(v) => setBase((b) => ({ ...b, training: { ...b.training, batchSize: v } }))}
        testId="search-batch"
      />
      <FieldErrors errors={errors} testId="search-base-error" />
    </section>
  );
}

function ParamRow({ index, param }: { index: number; param: SearchParam }) {
  const spec = useAppStore((s) => s.specs.search);
  const [errors, edit] = useSearchEdit();
  const run = spec.base.runs[0];
  const meta = searchableParams(run.optimizer.name, run.schedule.name);
  const m = meta.find((x) => x.param === param.param);
  const set = (next: Partial<SearchParam> | null) =>
    edit((s) => ({
      ...s,
      space:
        next === null
          ? s.space.filter((_, i) => i !== index)
          : s.space.map((p, i) => (i === index ? { ...p, ...next } : p)),
    }));
  const choice = !!param.values;
  return (
    <div className="param-row" data-testid={`space-${param.param}`}>
      <div className="param-head">
        <select
          aria-label="parameter"
          value={param.param}
          onChange={(e) => {
            const nm = meta.find((x) => x.param === e.target.value)!;
            edit((s) => ({
              ...s,
              space: s.space.map((p, i) =>
                i === index
                  ? {
                      param: nm.param,
                      min: nm.scale === 'log' ? Math.max(nm.min, nm.max / 1e4) : nm.min,
                      max: nm.max,
                      scale: nm.scale,
                    }
                  : p,
              ),
            }));
          }}
        >
          {meta.map((x) => (
            <option
              key={x.param}
              value={x.param}
              disabled={x.param !== param.param && spec.space.some((p) => p.param === x.param)}
            >
              {x.label}
            </option>
          ))}
        </select>
        <label className="small">
          <input
            type="checkbox"
            checked={choice}
            onChange={(e) => set(e.target.checked ? { values: [param.min, param.max] } : { values: undefined })}
          />{' '}
          choice
        </label>
        <button
          type="button"
          className="icon"
          aria-label={`remove ${param.param}`}
          disabled={spec.space.length === 1}
          onClick={() => set(null)}
        >
          ×
        </button>
      </div>
      {choice ? (
        <div className="control">
          <label>values</label>
          <input
            type="text"
            className="wide"
            defaultValue={param.values!.join(', ')}
            key={param.values!.join(',')}
            data-testid={`space-values-${index}`}
            onBlur={(e) => {
              const values = e.target.value
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean)
                .map(Number);
              if (values.every(Number.isFinite)) set({ values, min: Math.min(...values), max: Math.max(...values) });
            }}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        </div>
      ) : (
        <div className="param-range">
          <input
            type="number"
            aria-label="from"
            step="any"
            defaultValue={param.min}
            key={`lo${param.min}`}
            data-testid={`space-min-${index}`}
            onBlur={(e) => set({ min: Number(e.target.value) })}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
          <span className="small">to</span>
          <input
            type="number"
            aria-label="to"
            step="any"
            defaultValue={param.max}
            key={`hi${param.max}`}
            data-testid={`space-max-${index}`}
            onBlur={(e) => set({ max: Number(e.target.value) })}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
          <select
            aria-label="scale"
            value={param.scale}
            onChange={(e) => set({ scale: e.target.value as 'log' | 'linear' })}
          >
            <option value="log">log</option>
            <option value="linear">linear</option>
          </select>
        </div>
      )}
      {m && (
        <p className="small muted">
          allowed {m.min} – {m.max}
        </p>
      )}
      <FieldErrors errors={errors} testId={`space-error-${index}`} />
    </div>
  );
}

function SpacePanel() {
  const spec = useAppStore((s) => s.specs.search);
  const [errors, edit] = useSearchEdit();
  const run = spec.base.runs[0];
  const free = searchableParams(run.optimizer.name, run.schedule.name).filter(
    (m) => !spec.space.some((p) => p.param === m.param),
  );
  return (
    <section className="panel" aria-label="search space">
      <h3>Search space</h3>
      {spec.space.map((p, i) => (
        <ParamRow key={`${i}-${p.param}`} index={i} param={p} />
      ))}
      {spec.space.length < SEARCH_LIMITS.maxParams && free.length > 0 && (
        <button
          type="button"
          className="small"
          data-testid="space-add"
          onClick={() => {
            const m = free[0];
            edit((s) => ({
              ...s,
              space: [
                ...s.space,
                {
                  param: m.param,
                  min: m.scale === 'log' ? Math.max(m.min, m.max / 1e4) : m.min,
                  max: m.max,
                  scale: m.scale,
                },
              ],
            }));
          }}
        >
          + parameter
        </button>
      )}
      <FieldErrors errors={errors} testId="space-add-error" />
    </section>
  );
}

function StrategyPanel() {
  const spec = useAppStore((s) => s.specs.search);
  const [errors, edit] = useSearchEdit();
  const st = spec.strategy;
  const setS = (patch: Partial<SearchSpec['strategy']>) =>
    edit((s) => ({ ...s, strategy: { ...s.strategy, ...patch } }));
  const plan = searchPlan(spec);
  const id = useId();
  return (
    <section className="panel" aria-label="strategy">
      <h3>Strategy</h3>
      <div className="control">
        <label htmlFor={`${id}-s`}>strategy</label>
        <select
          id={`${id}-s`}
          className="wide"
          data-testid="search-strategy"
          value={st.name}
          onChange={(e) => setS({ name: e.target.value as SearchSpec['strategy']['name'] })}
        >
          {SEARCH_STRATEGIES.map((n) => (
            <option key={n} value={n}>
              {searchStrategyLabel(n)}
            </option>
          ))}
        </select>
      </div>
      {(st.name === 'random' || st.name === 'bayes' || st.name === 'sha') && (
        <NumberControl
          meta={num(
            'trials',
            st.name === 'sha' ? 'configurations' : 'trials',
            'the budget: configurations to evaluate',
            1,
            SEARCH_LIMITS.maxTrials,
            'log',
            true,
          )}
          value={st.trials}
          onChange={(v) => setS({ trials: v })}
          testId="search-trials"
        />
      )}
      {st.name === 'bayes' && (
        <NumberControl
          meta={num(
            'initial',
            'random first',
            'random trials before the Gaussian process proposes',
            1,
            50,
            'linear',
            true,
          )}
          value={st.initial}
          onChange={(v) => setS({ initial: v })}
          testId="search-initial"
        />
      )}
      {st.name === 'grid' && (
        <NumberControl
          meta={num(
            'gridPoints',
            'points per axis',
            'values per range parameter (a choice uses all its values)',
            2,
            20,
            'linear',
            true,
          )}
          value={st.gridPoints}
          onChange={(v) => setS({ gridPoints: v })}
          testId="search-grid"
        />
      )}
      {(st.name === 'sha' || st.name === 'hyperband') && (
        <>
          <NumberControl
            meta={num('maxEpochs', 'max epochs R', 'the most epochs one configuration gets', 1, 243, 'log', true)}
            value={st.maxEpochs}
            onChange={(v) => setS({ maxEpochs: v })}
            testId="search-r"
          />
          <NumberControl
            meta={num('eta', 'halving η', 'keep the best 1/η at each rung', 2, 5, 'linear', true)}
            value={st.eta}
            onChange={(v) => setS({ eta: v })}
            testId="search-eta"
          />
        </>
      )}
      <NumberControl
        meta={num(
          'parallel',
          'trained together',
          'trials trained as one batched program (K models in the same kernels)',
          1,
          SEARCH_LIMITS.maxParallel,
          'log',
          true,
        )}
        value={st.parallel}
        onChange={(v) => setS({ parallel: v })}
        testId="search-parallel"
      />
      <div className="control">
        <label htmlFor={`${id}-o`}>objective</label>
        <select
          id={`${id}-o`}
          className="wide"
          data-testid="search-objective"
          value={spec.objective}
          onChange={(e) => edit((s) => ({ ...s, objective: e.target.value }))}
        >
          {SEARCH_OBJECTIVES.map((o) => (
            <option key={o} value={o}>
              {o === 'testLoss' ? 'test loss (min)' : o === 'trainLoss' ? 'train loss (min)' : 'test accuracy (max)'}
            </option>
          ))}
        </select>
      </div>
      <NumberControl
        meta={num(
          'seed',
          'seed',
          'seeds the data, the weights, the batches and the proposals: the same seed gives the same trials',
          0,
          9999,
          'linear',
          true,
        )}
        value={spec.seed}
        onChange={(v) =>
          edit((s) => ({ ...s, seed: v, base: { ...baseInput(s), run: { ...baseInput(s).run, initSeed: v } } }))
        }
      />
      <p className="small muted" data-testid="search-plan">
        {plan.trials} trials, {plan.epochs} epochs of training in all
        {plan.brackets ? ` in ${plan.brackets.length} bracket${plan.brackets.length > 1 ? 's' : ''}` : ''}.
      </p>
      <FieldErrors errors={errors} testId="strategy-error" />
    </section>
  );
}

export function SearchControls() {
  return (
    <aside className="train-controls" aria-label="search settings">
      <BasePanel />
      <SpacePanel />
      <StrategyPanel />
    </aside>
  );
}
