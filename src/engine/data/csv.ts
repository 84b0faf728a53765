/**
 * "Your own data": a CSV file read in the browser (nothing leaves the machine). The user picks the
 * label column and the feature columns; every row that does not parse is reported with its line
 * number and reason, and left out. A label column with non-numeric values, or with few distinct
 * whole numbers, makes a classification task; otherwise regression.
 */
import { DataError } from './dataError';
import type { Dataset } from './dataset';

/** What a CSV file may hold: it is parsed in one piece, and every row becomes a float32 row on the device. */
export const CSV_LIMITS = { bytes: 50 * 2 ** 20, rows: 200_000, columns: 1000, classes: 100 } as const;

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
  if (text.length > CSV_LIMITS.bytes)
    throw new DataError(
      `the file has ${(text.length / 2 ** 20).toFixed(0)} MB of text; at most ${CSV_LIMITS.bytes / 2 ** 20} MB: use fewer rows`,
    );
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new DataError('the file is empty');
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
  if (header.length > CSV_LIMITS.columns)
    throw new DataError(`the file has ${header.length} columns; at most ${CSV_LIMITS.columns}`);
  const rows = lines
    .slice(first + 1)
    .flatMap((l, k) => (l.trim() === '' ? [] : [{ line: first + k + 2, cells: split(l) }]));
  if (rows.length === 0) throw new DataError('the file has a header but no rows');
  if (rows.length > CSV_LIMITS.rows)
    throw new DataError(
      `the file has ${rows.length.toLocaleString('en-US')} rows; at most ${CSV_LIMITS.rows.toLocaleString('en-US')}`,
    );
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
    if (i < 0) throw new DataError(`there is no column "${c}"`);
    return i;
  };
  const labelCol = col(choice.label);
  const featureCols = choice.features.map(col);
  if (featureCols.length === 0) throw new DataError('choose at least one feature column');
  if (featureCols.includes(labelCol)) throw new DataError(`"${choice.label}" cannot be both the label and a feature`);
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
  if (good.length < 2) {
    const first = problems.slice(0, 3).map((p) => `line ${p.line} ${p.message}`);
    throw new DataError(
      `only ${good.length} row${good.length === 1 ? '' : 's'} could be read; a dataset needs at least 2${first.length ? ` (${first.join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''})` : ''}`,
    );
  }
  const numeric = good.every((r) => Number.isFinite(Number(r.label)));
  const distinct = [...new Set(good.map((r) => r.label))];
  const classification = !numeric || (distinct.length <= 20 && distinct.every((v) => Number.isInteger(Number(v))));
  if (classification && distinct.length > CSV_LIMITS.classes)
    throw new DataError(
      `the label column "${choice.label}" has ${distinct.length.toLocaleString('en-US')} different values in ${good.length.toLocaleString('en-US')} rows: too many to be classes (at most ${CSV_LIMITS.classes}); it is probably an ID — choose another label column`,
    );
  if (classification && distinct.length === 1)
    throw new DataError(
      `every row has label ${distinct[0]}: there is nothing to classify; choose another label column`,
    );
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

/**
 * A text cell for a CSV file we write: quoted, and defused where a spreadsheet would read it as a
 * formula (a run label "=HYPERLINK(…)" starts with =, +, -, @, a tab or a return): a leading ' keeps it text.
 */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}
