/**
 * lcnet as a library: `import {createClassifier} from 'pplcnet'`. The `lcnet classify` command is
 * built on the same API, with the same options and the same records.
 */

export {
  createClassifier,
  type Classification,
  type ClassifierModel,
  type ClassifierOptions,
  type Classifier,
  type ClassifyInput,
  type ClassifyInputs,
  type ClassifyOptions,
  type InputCounts,
  type InputFile,
  type NamedBytes,
} from './api/classifier.js';
export type {ModelChoice} from './api/load-model.js';
export type {Progress, RunSummary, StageTimes} from './pipeline/classify-engine.js';
export {
  isAttributes,
  isDecision,
  isError,
  isPrediction,
  type AttributeRecord,
  type ClassScore,
  type DecisionRecord,
  type ErrorRecord,
  type OutputRecord,
  type PredictionRecord,
} from './pipeline/output/record.js';
export {parseShard, type Shard} from './pipeline/shard.js';
export {NoInputsError} from './pipeline/no-inputs.js';
export {CancelledError, FatalError, OptionError, UsageError} from './errors.js';
