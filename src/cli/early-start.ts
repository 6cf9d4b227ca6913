/**
 * What `bin/run.js` does before it loads oclif: a command that classifies starts its first
 * inference and decoding workers at once (src/pipeline/early-workers.ts), so that they boot on
 * the core oclif leaves idle while it loads the command.
 */

import {startEarly} from '../pipeline/early-workers.js';

/** Commands whose run starts inference and decoding workers. */
const PIPELINE_COMMANDS = new Set(['classify', 'eval']);

export function startWorkersFor(argv: readonly string[]): void {
  const command = argv[0];
  if (command === undefined || !PIPELINE_COMMANDS.has(command) || argv.includes('--help') || argv.includes('-h')) return;
  startEarly('infer');
  startEarly('preprocess');
}
