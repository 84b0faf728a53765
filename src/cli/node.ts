/** Node's standard streams and files for the CLI. */
import { constants } from 'node:fs';
import { access, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { main, type CliIo } from './main';

const nodeIo: CliIo = {
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  readFile: (path) => readFile(path, 'utf8'),
  async readAsset(path) {
    // bin/optiplay.mjs says where the package is; the bundle itself lives in dist-cli
    const bytes = await readFile(join(process.env.OPTIPLAY_ROOT ?? process.cwd(), 'public', path));
    return new Uint8Array(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
  },
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  async writable(path, inputs) {
    const real = async (p: string) => realpath(p).catch(() => resolve(p));
    const target = await real(path);
    for (const input of inputs) if ((await real(input)) === target) return `it is the input file ${input}`;
    const exists = await stat(path).catch(() => null);
    if (exists?.isDirectory()) return 'it is a folder';
    try {
      await access(exists ? path : dirname(resolve(path)), constants.W_OK);
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `the folder ${dirname(resolve(path))} does not exist` : 'it is not writable';
    }
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

// `optiplay run x.json | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

export async function cliRun(argv: string[]): Promise<number> {
  return main(argv, nodeIo);
}
