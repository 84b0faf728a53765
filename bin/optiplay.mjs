#!/usr/bin/env node
// The optiplay command: runs the CLI bundle that `npm install` built (scripts/buildCli.mjs), rebuilt
// first when the sources are newer (a developer's edit). Every failure is one line on stderr.
import { pathToFileURL } from 'node:url';

const fail = (message) => {
  process.stderr.write(`optiplay: ${message}\n`);
  process.exit(1);
};

try {
  const { CLI_BUNDLE, ROOT, cliBundleBuild, cliBundleCurrent } = await import('../scripts/buildCli.mjs');
  if (!cliBundleCurrent()) {
    try {
      await cliBundleBuild();
    } catch (err) {
      fail(
        `cannot prepare the command (bundling src/cli into dist-cli failed: ${String(err.message).split('\n')[0]}); run npm install`,
      );
    }
  }
  process.env.OPTIPLAY_ROOT = ROOT;
  const { cliRun } = await import(pathToFileURL(CLI_BUNDLE).href);
  process.exitCode = await cliRun(process.argv.slice(2));
} catch (err) {
  fail(String(err?.message ?? err).split('\n')[0]);
}
