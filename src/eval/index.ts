/**
 * Public API of the ImageNet evaluation: the command (`lcnet eval`) needs `runEval`, the renderers
 * and the types; the loaders and metrics are exported for tools and tests that use them alone.
 */

export {type DatasetItem, type EvalDataset, isLayoutName, type LayoutName, LAYOUTS} from './dataset.js';
export {type DatasetOptions, type DetectedLayout, detectLayout, loadDataset} from './detect.js';
export {computeMetrics, type DocumentedAccuracy, type EvalMetrics, type LabeledPrediction, type OnError, type Prediction, type ScoredClass} from './metrics.js';
export {loadRealLabels} from './real.js';
export {type DatasetKind, type EvalModel, type EvalReport, evalTitle, modelLine, type PerImageResult, REPORT_SCHEMA, REPORT_UNITS, topKLabel} from './report.js';
export {evalModel} from './eval-model.js';
export {renderJson} from './report-json.js';
export {renderMarkdown} from './report-markdown.js';
export {renderText} from './report-text.js';
export {type EvalOptions, NO_RESULT, type Predictor, runEval} from './run.js';
export {loadSynsets, type Synsets} from './synsets.js';
