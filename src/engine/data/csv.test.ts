import { describe, expect, it } from 'vitest';
import { csvDataset, csvTable } from './csv';

const text = `sepal,petal,species
5.1,1.4,setosa
7.0,4.7,versicolor
"6,3",6.0,virginica
4.9,,setosa
abc,1.3,setosa
5.0,1.4
6.4,4.5,versicolor
`;

describe('CSV data', () => {
  it('reads the chosen columns, reports each row that does not parse by line, and keeps the rest', () => {
    const t = csvTable(text);
    expect(t.header).toEqual(['sepal', 'petal', 'species']);
    const { dataset, classNames, problems } = csvDataset(t, { label: 'species', features: ['sepal', 'petal'] });
    expect(problems).toEqual([
      { line: 4, message: '"6,3" in column "sepal" is not a number' },
      { line: 5, message: '"" in column "petal" is not a number' },
      { line: 6, message: '"abc" in column "sepal" is not a number' },
      { line: 7, message: 'has 2 cells; the header has 3' },
    ]);
    expect(dataset).toMatchObject({ task: 'classification', n: 3, nFeatures: 2, nClasses: 2 });
    expect(classNames).toEqual(['setosa', 'versicolor']);
    expect(Array.from(dataset.x)).toEqual([5.1, 1.4, 7.0, 4.7, 6.4, 4.5].map(Math.fround));
    expect(Array.from(dataset.y)).toEqual([0, 1, 1]);
  });

  it('a numeric label with many values is regression; semicolons work', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i};${(i * 0.37).toFixed(2)}`).join('\n');
    const { dataset, classNames } = csvDataset(csvTable(`x;y\n${rows}`), { label: 'y', features: ['x'] });
    expect(dataset.task).toBe('regression');
    expect(classNames).toBeNull();
    expect(dataset.y[3]).toBeCloseTo(1.11, 5);
  });

  it('explains what cannot work', () => {
    const t = csvTable(text);
    expect(() => csvDataset(t, { label: 'colour', features: ['sepal'] })).toThrow('there is no column "colour"');
    expect(() => csvDataset(t, { label: 'species', features: [] })).toThrow(/at least one feature/);
    expect(() => csvDataset(t, { label: 'sepal', features: ['sepal'] })).toThrow(/both the label and a feature/);
    expect(() => csvTable('  \n ')).toThrow('the file is empty');
  });
});
