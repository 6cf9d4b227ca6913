/**
 * Dependencies that only some runs need, loaded on first use: a classify run of a folder with no
 * terminal attached needs neither the progress bar nor the glob matcher, and their loading is
 * part of the start-up a user waits for before the first record (docs/benchmarks.md). Both are
 * CommonJS packages, so they load synchronously through `require` when first asked for.
 */

import {createRequire} from 'node:module';
import type * as CliProgress from 'cli-progress';
import type FastGlob from 'fast-glob';

const require = createRequire(import.meta.url);

/** cli-progress, for progress bars drawn on a terminal. */
export function cliProgress(): typeof CliProgress {
  return require('cli-progress') as typeof CliProgress;
}

/** fast-glob, for arguments that are glob patterns. */
export function fastGlob(): typeof FastGlob {
  return require('fast-glob') as typeof FastGlob;
}
