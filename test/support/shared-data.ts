/**
 * Where the read-only shared data lives (`../shared` beside the repository) and how tests that
 * need it skip, with a clear message, when it is absent. Files there are used in place.
 */

import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** This file runs from `dist/test/support/`. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SHARED = join(ROOT, '..', 'shared');
export const FIXTURES = join(SHARED, 'fixtures');
export const PREPROCESS_FIXTURES = join(FIXTURES, 'preprocess');
export const VAL_SAMPLE_DIR = join(SHARED, 'imagenet', 'val-sample');

export function skipWithoutShared(ctx: Mocha.Context, path: string = SHARED): void {
  if (!existsSync(path)) {
    console.log(`      (skipped: ${path} is missing: the read-only shared test data is needed)`);
    ctx.skip();
  }
}

/** The path of `relative` inside ../shared; skips the calling test when it is missing. */
export function requireShared(ctx: Mocha.Context, relative: string): string {
  const path = join(SHARED, relative);
  skipWithoutShared(ctx, path);
  return path;
}
