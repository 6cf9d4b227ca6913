import {writeFileSync} from 'node:fs';
import {isAttributeKind} from '../pipeline/postprocess/spec.js';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {cliMessage} from '../cli/error-message.js';
import {EXIT} from '../cli/exit-codes.js';
import {UsageError} from '../errors.js';
import {filesProgress} from '../cli/files-progress.js';
import {handleInterrupts} from '../cli/interrupts.js';
import {loadModelForCommand} from '../cli/load-model.js';
import {modelFlags, pipelineFlags, pipelineOptions} from '../cli/pipeline-flags.js';
import {preprocessFlags} from '../cli/preprocess-flags.js';
import {defaultModelName} from '../api/load-model.js';
import {evalModel, isLayoutName, LAYOUTS, renderJson, renderMarkdown, renderText, runEval, type LayoutName, type OnError} from '../eval/index.js';
import {pipelinePredictor} from '../eval/pipeline-predictor.js';
import {findEntry, loadCatalogue} from '../models/download/catalogue.js';
import {checkOutputTarget} from '../pipeline/output/output-target.js';

export default class Eval extends Command {
  static override summary = 'Evaluate a model on an ImageNet-1k validation set: top-1, top-5 and more.';

  static override description = `Finds the labels in any common layout (PaddleClas val_list.txt, flat folder + val.txt, ImageFolder WNID folders, Kaggle LOC_val_solution.csv, devkit ground truth, ImageNetV2 numbered folders), classifies every image with the same pipeline as 'lcnet classify', and reports top-1, top-5, mean per-class accuracy, the weakest classes, the most frequent confusions, optional ImageNet-ReaL top-1, and the model's published accuracy beside the measured one.

Images that cannot be decoded count as wrong by default (--on-error exclude leaves them out) and are listed in the report.

A model outside ImageNet-1k is evaluated on folders named by its labels. Every report names the model (and its path when --model names a file or folder), warns of synthetic weights, and is titled by what it read ('ImageNet-1k validation (devkit layout)', 'Evaluation on class folders (2 classes)'); top-5 is top-k with k = min(5, classes), printed as such (top-2 for a 2-class model; JSON: metrics.top5 with metrics.top5K = k).

Exit status: 0 success, 2 usage error (bad dataset or flags, an unknown model), 3 fatal error, 130 interrupted.`;

  static override examples = [
    {description: 'Reproduce the published 71.32 / 90.03 of PPLCNet_x1_0', command: '<%= config.bin %> <%= command.id %> --imagenet-val /data/imagenet/val --model PPLCNet_x1_0'},
    {description: 'Full JSON report with every prediction, and ReaL labels', command: '<%= config.bin %> <%= command.id %> --imagenet-val ./val --real real.json --output report.json --per-image'},
    {description: 'A flat folder with its labels elsewhere, Markdown for the docs', command: '<%= config.bin %> <%= command.id %> --imagenet-val ./val --layout caffe --ground-truth val.txt --markdown'},
  ];

  static override flags = {
    'imagenet-val': Flags.string({summary: 'The validation set folder.', required: true}),
    layout: Flags.string({summary: `Force the dataset layout instead of detecting it: ${LAYOUTS.join(', ')}.`, options: [...LAYOUTS]}),
    'ground-truth': Flags.string({
      summary: 'Ground-truth file for the flat (caffe) or PaddleClas layout, when it is not inside the folder.',
      description: '--labels is a deprecated alias (in other commands --labels names the classes).',
      aliases: ['labels'],
      deprecateAliases: true,
    }),
    real: Flags.string({summary: 'ImageNet-ReaL real.json: also report ReaL top-1.'}),
    'on-error': Flags.string({summary: 'Images that fail to decode: wrong (counted as misclassified) or exclude.', options: ['wrong', 'exclude'], default: 'wrong'}),
    output: Flags.string({char: 'o', summary: 'Write the full JSON report to this file.'}),
    'per-image': Flags.boolean({summary: 'Include every image\'s prediction in the JSON report.'}),
    markdown: Flags.boolean({summary: 'Print the report as Markdown instead of a table.'}),
    json: Flags.boolean({summary: 'Print the full JSON report on stdout.'}),
    model: modelFlags.model,
    ...preprocessFlags,
    ...pipelineFlags,
    topk: Flags.integer({summary: 'Classes kept per image (at least 5 for top-5).', default: 5, min: 5}),
    progress: Flags.boolean({summary: 'Progress bar with running top-1 on stderr (only on a terminal).', default: true, allowNo: true}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(Eval);
    // the report is written at the end: a path that cannot take it is told now, not after the run
    if (flags.output) {
      try {
        checkOutputTarget(flags.output, {probe: true});
      } catch (e) {
        this.error((e as Error).message, {exit: EXIT.USAGE});
      }
    }
    const catalogue = loadCatalogue();
    let stopBar = () => {};
    const interrupts = handleInterrupts(() => stopBar(), 'interrupted: stopping the evaluation');
    const model = await loadModelForCommand(this, {...flags, labels: undefined}, interrupts);
    const head = model.manifest.postprocess?.kind ?? 'topk';
    if (isAttributeKind(head)) {
      interrupts.dispose();
      this.error(`model '${model.name}' predicts attributes (${head}), not one class per image: lcnet eval does not support attribute models (it measures top-1/top-5 accuracy)`, {exit: EXIT.USAGE});
    }
    // a model outside ImageNet-1k (PULC yes/no, orientation, ...) is evaluated on folders named by its labels
    const classes = model.manifest.labels.length !== 0 && model.manifest.labels.length !== 1000 ? model.manifest.labels : undefined;
    const entry = model.manifest.synthetic ? undefined : findEntry(catalogue, model.manifest.name);
    const bar = filesProgress(flags.progress, 'eval', ' | top-1 {top1}%', {top1: '-'});
    stopBar = () => bar.stop();
    let report;
    try {
      report = await runEval(
        {
          dir: flags['imagenet-val'],
          layout: flags.layout !== undefined && isLayoutName(flags.layout) ? (flags.layout as LayoutName) : undefined,
          labelsFile: flags['ground-truth'],
          realFile: flags.real,
          onError: flags['on-error'] as OnError,
          documented: entry ? {top1: entry.accuracy.top1, top5: entry.accuracy.top5} : undefined,
          ...(classes ? {classes} : {}),
          perImage: flags['per-image'],
          model: evalModel(model, flags.model || defaultModelName(), flags.resize),
          onProgress: (done, total, top1) => {
            bar.setTotal(total);
            bar.update(done, {top1: top1.toFixed(2)});
          },
        },
        pipelinePredictor({
          model,
          pipeline: pipelineOptions(flags),
          signal: interrupts.signal,
        }),
      );
    } catch (e) {
      interrupts.dispose();
      this.error(cliMessage(e), {exit: e instanceof UsageError ? EXIT.USAGE : EXIT.FATAL});
    }
    interrupts.dispose();
    if (interrupts.signal.aborted) this.exit(EXIT.INTERRUPTED);
    if (flags.output) {
      try {
        writeFileSync(flags.output, renderJson(report));
      } catch (e) {
        this.error(`cannot write the report to ${flags.output}: ${(e as Error).message}`, {exit: EXIT.FATAL});
      }
    }
    if (flags.json) process.stdout.write(renderJson(report));
    else process.stdout.write(flags.markdown ? renderMarkdown(report) : renderText(report));
  }
}
