/**
 * The model of a command that runs the network: loaded from --model (downloading a catalogue
 * model on first use, cancellable with Ctrl-C), its warnings printed, or the command ended with
 * the right exit code.
 */

import type {Command} from '@oclif/core/command';
import {cliMessage} from './error-message.js';
import {EXIT, exitCodeOf} from './exit-codes.js';
import type {Interrupts} from './interrupts.js';
import {loadModel, type ModelChoice} from '../api/load-model.js';
import type {ResolvedModel} from '../models/resolve.js';
import {preprocessChoice, type PreprocessFlagValues} from './preprocess-flags.js';

export interface ModelFlags extends PreprocessFlagValues {
  model?: string;
  labels?: string;
  progress: boolean;
}

/** The model flags as the library API's model choice, downloads drawn on stderr and cancellable. */
export function modelChoice(flags: ModelFlags, interrupts: Interrupts): ModelChoice {
  return {
    model: flags.model,
    labels: flags.labels,
    ...preprocessChoice(flags),
    downloadProgress: flags.progress,
    signal: interrupts.signal,
  };
}

/** Runs `load` (which loads a model); on failure ends the command with the failure's exit code. */
export async function loadOrExit<T extends {warnings: readonly string[]}>(command: Command, interrupts: Interrupts, load: () => Promise<T>): Promise<T> {
  let loaded: T;
  try {
    loaded = await load();
  } catch (e) {
    interrupts.dispose();
    if (interrupts.signal.aborted) command.exit(EXIT.INTERRUPTED);
    command.error(cliMessage(e), {exit: exitCodeOf(e)});
  }
  for (const w of loaded.warnings) process.stderr.write(`${w}\n`);
  return loaded;
}

export function loadModelForCommand(command: Command, flags: ModelFlags, interrupts: Interrupts): Promise<ResolvedModel> {
  return loadOrExit(command, interrupts, () => loadModel(modelChoice(flags, interrupts)));
}
