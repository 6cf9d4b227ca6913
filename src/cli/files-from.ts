/**
 * --files-from FILE: the files to classify (or measure) listed in a file, as `-` reads a list on
 * standard input. A list that cannot be read is a usage error told before the model loads.
 */

import {statSync} from 'node:fs';
import * as Flags from '@oclif/core/flags';
import {pathListProblem} from '../pipeline/path-list.js';

/** The flag; `order` says where the listed files come among the command's other inputs. */
export function filesFromFlag(order: string) {
  return Flags.string({
    summary: 'Also take the files listed in FILE (one path per line, or NUL-separated as find -print0 writes; - for stdin). Repeatable.',
    description: `Each listed path is one file, taken as it is (no globbing or directory walking); relative paths are read from the working directory, as a list on stdin is. ${order}`,
    helpValue: 'FILE',
    multiple: true,
    // not greedy: the paths after `--files-from list.txt` stay paths
    multipleNonGreedy: true,
  });
}

/** Why the path lists cannot be read, in the CLI's words, or null; `stdinArgument`: PATHS hold '-'. */
export function filesFromProblem(lists: readonly string[], stdinArgument: boolean): string | null {
  if (lists.filter((l) => l === '-').length + (stdinArgument ? 1 : 0) > 1) {
    return 'standard input holds one path list: give - once (as a path or as --files-from -)';
  }
  for (const list of lists) {
    const problem = list === '-' ? null : pathListProblem(list);
    if (problem) return `--files-from ${list}: ${problem}`;
  }
  return null;
}

/** Whether the lists can be read a second time (regular files: not stdin, not a pipe such as <(find ...)). */
export function rereadable(lists: readonly string[]): boolean {
  return lists.every((l) => l !== '-' && statSync(l, {throwIfNoEntry: false})?.isFile() === true);
}
