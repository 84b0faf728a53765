/**
 * "Your own data": a CSV file read in the browser (nothing leaves the machine). The user picks the
 * label column and the feature columns; every row that does not parse is reported with its line
 * number and reason, and left out. A label column with non-numeric values, or with few distinct
 * whole numbers, makes a classification task; otherwise regression.
 */
import type { Dataset } from './dataset';

export interface CsvTable {
  header: string[];
  /** data rows as text cells, with their line numbers in the file (1 = the header) */
  rows: { line: number; cells: string[] }[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/** Splits CSV text (commas or semicolons, optional double quotes) into a header and rows. */
export function csvTable(text: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new Error('the file is empty');
  const sep = (lines[first].match(/;/g)?.length ?? 0) > (lines[first].match(/,/g)?.length ?? 0) ? ';' : ',';
  const split = (line: string): string[] => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === sep) {
        cells.push(cur.trim());
        cur = '';
      } else cur += c;
    }
    cells.push(cur.trim());
    return cells;
  };
  const header = split(lines[first]);
  const rows = lines
    .slice(first + 1)
    .flatMap((l, k) => (l.trim() === '' ? [] : [{ line: first + k + 2, cells: split(l) }]));
  return { header, rows };
}

export interface CsvDatasetChoice {
  label: string;
  features: string[];
}

/** Builds a dataset from chosen columns; rows that do not parse are listed, not silently dropped. */
export function csvDataset(
  table: CsvTable,
  choice: CsvDatasetChoice,
  name = 'your data',
): { dataset: Dataset; classNames: string[] | null; problems: CsvProblem[] } {
  const col = (c: string) => {
    const i = table.header.indexOf(c);
    if (i < 0) throw new Error(`there is no column "${c}"`);
    return i;
  };
  const labelCol = col(choice.label);
  const featureCols = choice.features.map(col);
  if (featureCols.length === 0) throw new Error('choose at least one feature column');
  if (featureCols.includes(labelCol)) throw new Error(`"${choice.label}" cannot be both the label and a feature`);
  const problems: CsvProblem[] = [];
  const good: { x: number[]; label: string }[] = [];
  for (const { line, cells } of table.rows) {
    if (cells.length !== table.header.length) {
      problems.push({ line, message: `has ${cells.length} cells; the header has ${table.header.length}` });
      continue;
    }
    const x = featureCols.map((i) => Number(cells[i]));
    const bad = featureCols.findIndex((i, k) => cells[i] === '' || !Number.isFinite(x[k]));
    if (bad >= 0) {
      problems.push({
        line,
        message: `"${cells[featureCols[bad]]}" in column "${table.header[featureCols[bad]]}" is not a number`,
      });
      continue;
    }
    if (cells[labelCol] === '') {
      problems.push({ line, message: `the label column "${choice.label}" is empty` });
      continue;
    }
    good.push({ x, label: cells[labelCol] });
  }
  if (good.length < 2)
    throw new Error(`only ${good.length} row${good.length === 1 ? '' : 's'} could be read; a dataset needs at least 2`);
  const numeric = good.every((r) => Number.isFinite(Number(r.label)));
  const distinct = [...new Set(good.map((r) => r.label))];
  const classification = !numeric || (distinct.length <= 20 && distinct.every((v) => Number.isInteger(Number(v))));
  const classNames = classification
    ? numeric
      ? distinct.sort((a, b) => Number(a) - Number(b))
      : distinct.sort()
    : null;
  const dataset: Dataset = {
    name,
    task: classification ? 'classification' : 'regression',
    n: good.length,
    nFeatures: featureCols.length,
    nClasses: classNames?.length ?? 0,
    featureNames: [...choice.features],
    ...(classNames ? { classNames } : {}),
    x: Float32Array.from(good.flatMap((r) => r.x)),
    y: Float32Array.from(good, (r) => (classNames ? classNames.indexOf(r.label) : Number(r.label))),
  };
  return { dataset, classNames, problems };
}
