/**
 * `optiplay`: runs an experiment headless in Node on the tfjs CPU backend (pure JavaScript: no
 * native addons, no downloads).
 *
 *   optiplay run <spec.json | share-link URL | -> [--out FILE] [--csv] [--data FILE.csv] [--allow-large]
 *
 * Exit codes: 0 done, 1 the run failed, 2 bad usage, an invalid or over-budget experiment, unusable
 * data or an --out that cannot be written (errors on stderr, one per line).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../engine/backend';
import { isDataError } from '../engine/data/dataError';
import { linkDecode, linkPayload } from '../engine/spec/link';
import { specErrorsFormat, specParse, type SpecResult } from '../engine/spec/schema';
import { labOfKind } from '../labs';
import type { CliIo } from './io';

export type { CliIo } from './io';

export const CLI_USAGE = `Usage: optiplay run <spec.json | share-link URL | -> [--out FILE] [--csv] [--data FILE.csv] [--allow-large]

Runs an Optimizer Playground experiment headless (tfjs CPU backend) and prints the result as JSON.
  <spec.json>   an ExperimentSpec file
  <URL>         a share link copied from the app (…#s=…)
  -             read the spec (or a link) from standard input
  --out FILE    write the result to FILE instead of standard output
  --csv         write CSV instead of JSON: per step for a surface experiment
                (run,label,step,x,y,loss,lr,status), per epoch for training
                (run,label,epoch,step,trainLoss,testLoss,trainAccuracy,testAccuracy,status)
  --data FILE   the CSV file of a training experiment on your own data ("data": {"name": "csv"})
  --allow-large run an experiment over the work limit (10^13 multiply-adds; the memory limit stays)
A training run prints each epoch's metrics on standard error as it goes.
A search spec runs the tool in its "view.tool": "search" prints the trials table (JSON, or CSV
with --csv) and each finished trial on standard error; "finder" the learning-rate range test;
"study" the batch-size study.`;

interface Args {
  input: string;
  out?: string;
  csv: boolean;
  data?: string;
  allowLarge: boolean;
}

function argsParse(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (command !== 'run') return command === undefined ? 'missing command' : `unknown command "${command}"`;
  let input: string | undefined;
  let out: string | undefined;
  let csv = false;
  let data: string | undefined;
  let allowLarge = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--csv') csv = true;
    else if (a === '--allow-large') allowLarge = true;
    else if (a === '--out') {
      out = rest[++i];
      if (!out) return '--out needs a file name';
    } else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--data') {
      data = rest[++i];
      if (!data) return '--data needs a CSV file name';
    } else if (a.startsWith('--data=')) data = a.slice('--data='.length);
    else if (a.startsWith('--')) return `unknown option "${a}"`;
    else if (input === undefined) input = a;
    else return `unexpected argument "${a}"`;
  }
  if (input === undefined) return 'missing input: a spec file, a share link, or - for standard input';
  return { input, out, csv, allowLarge, ...(data ? { data } : {}) };
}

/** A spec from a link or from JSON text, with errors that say which it was read as. */
function specFromText(text: string, source: string, options: { allowLarge: boolean }): SpecResult {
  const trimmed = text.trim();
  if (/^https?:\/\//.test(trimmed) || (linkPayload(trimmed) !== null && !trimmed.startsWith('{')))
    return linkDecode(trimmed, options);
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `${source} is not valid JSON (${(err as Error).message})` }] };
  }
  return specParse(doc, options);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${CLI_USAGE}\n`);
    return 0;
  }
  const args = argsParse(argv);
  if (typeof args === 'string') {
    io.stderr(`optiplay: ${args}\n${CLI_USAGE}\n`);
    return 2;
  }
  let text: string;
  const source =
    args.input === '-'
      ? 'standard input'
      : /^https?:\/\//.test(args.input) || args.input.includes('#s=')
        ? 'the link'
        : args.input;
  try {
    text =
      args.input === '-' ? await io.readStdin() : source === 'the link' ? args.input : await io.readFile(args.input);
  } catch (err) {
    io.stderr(`optiplay: cannot read ${source}: ${(err as Error).message}\n`);
    return 2;
  }
  const parsed = specFromText(text, source, args);
  if (!parsed.ok) {
    io.stderr(
      specErrorsFormat(parsed.errors)
        .map((line) => `${line}\n`)
        .join(''),
    );
    return 2;
  }
  const lab = labOfKind(parsed.spec.kind);
  const trainData = lab.data?.(parsed.spec) ?? null;
  if (trainData?.name === 'csv' && !args.data) {
    io.stderr(
      `optiplay: this experiment trains on a CSV file${trainData.file ? ` (${trainData.file})` : ''}; give it with --data FILE.csv\n`,
    );
    return 2;
  }
  let csvText: string | undefined;
  if (args.data) {
    try {
      csvText = await io.readFile(args.data);
    } catch (err) {
      io.stderr(`optiplay: cannot read ${args.data}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (args.out) {
    const problem = await io.writable(
      args.out,
      [args.input, args.data].filter((p): p is string => !!p && p !== '-'),
    );
    if (problem) {
      io.stderr(`optiplay: cannot write the result to ${args.out}: ${problem}\n`);
      return 2;
    }
  }
  try {
    tf.env().set('PROD', true); // no "install tfjs-node" notice on stderr
    await backendSelect('cpu');
    const { cli } = await lab.cli();
    const output = await cli(parsed.spec, io, { csv: args.csv, csvText, allowLarge: args.allowLarge });
    if (args.out) await io.writeFile(args.out, output);
    else io.stdout(output);
    return 0;
  } catch (err) {
    // data that cannot be used is bad input, like an invalid spec
    if (isDataError(err)) {
      io.stderr(`optiplay: ${args.data ?? 'the data'}: ${(err as Error).message}\n`);
      return 2;
    }
    io.stderr(`optiplay: the run failed: ${(err as Error).message}\n`);
    return 1;
  }
}
