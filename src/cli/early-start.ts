/**
 * What `bin/run.js` does before it loads oclif: a command that classifies starts its first
 * inference and decoding workers at once (src/pipeline/early-workers.ts), so that they boot on
 * the core oclif leaves idle while it loads the command. Asking for help (`-h`, `--help`,
 * `lcnet help classify`) or misspelling the command starts none.
 */

import {startEarly, type WorkerKind} from '../pipeline/early-workers.js';

/** Commands whose run starts inference and decoding workers. */
const PIPELINE_COMMANDS = new Set(['classify', 'eval']);

/** The flags that show a command's help instead of running it (package.json's oclif.additionalHelpFlags and oclif's own --help). */
export const HELP_FLAGS: readonly string[] = ['--help', '-h'];

/** The workers a command line will need, before oclif has parsed it. */
export function earlyWorkersFor(argv: readonly string[]): WorkerKind[] {
  const command = argv[0];
  if (command === undefined || !PIPELINE_COMMANDS.has(command)) return [];
  // oclif shows help for a help flag anywhere before `--`
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => HELP_FLAGS.includes(a))) return [];
  return ['infer', 'preprocess'];
}

export function startWorkersFor(argv: readonly string[]): void {
  for (const kind of earlyWorkersFor(argv)) startEarly(kind);
}
