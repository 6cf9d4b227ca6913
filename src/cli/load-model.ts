/**
 * The model of a command that runs the network: resolved from --model (downloading a catalogue
 * model on first use, cancellable with Ctrl-C), its warnings printed, or the command ended with
 * the right exit code.
 */

import type {Command} from '@oclif/core';
import {EXIT, exitCodeOf} from './exit-codes.js';
import type {Interrupts} from './interrupts.js';
import {loadCatalogue} from '../models/download/catalogue.js';
import {ensureModel} from '../models/download/ensure.js';
import {resolveModel, type PreprocessOverrides, type ResolvedModel} from '../models/resolve.js';

export interface ModelFlags {
  model?: string;
  labels?: string;
  'resize-short'?: number;
  stretch?: boolean;
  progress: boolean;
}

export async function loadModelForCommand(command: Command, flags: ModelFlags, interrupts: Interrupts): Promise<ResolvedModel> {
  const overrides: PreprocessOverrides = {resizeShort: flags['resize-short'], stretch: flags.stretch};
  let model: ResolvedModel;
  try {
    model = await resolveModel({
      spec: flags.model ?? loadCatalogue().default,
      labelsFile: flags.labels,
      overrides,
      download: async (name) => void (await ensureModel(name, {progress: flags.progress, signal: interrupts.signal})),
    });
  } catch (e) {
    interrupts.dispose();
    if (interrupts.signal.aborted) command.exit(EXIT.INTERRUPTED);
    command.error((e as Error).message, {exit: exitCodeOf(e)});
  }
  for (const w of model.warnings) process.stderr.write(`${w}\n`);
  return model;
}
