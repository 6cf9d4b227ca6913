import {writeFileSync} from 'node:fs';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {cliMessage} from '../cli/error-message.js';
import {EXIT, exitCodeOf} from '../cli/exit-codes.js';
import {filesFromFlag, filesFromProblem} from '../cli/files-from.js';
import {modelFlags, pipelineFlags} from '../cli/pipeline-flags.js';
import {preprocessChoice, preprocessFlags} from '../cli/preprocess-flags.js';
import {preprocessOverrides} from '../api/load-model.js';
import {DEFAULT_BATCH_SIZE, defaultThreads, defaultWorkers} from '../pipeline/parallelism.js';
import {loadCatalogue} from '../models/download/catalogue.js';
import {resolveModel, SYNTHETIC_PREFIX} from '../models/resolve.js';
import {isInstalled} from '../models/store.js';
import {DEFAULT_MAX_PIXELS} from '../pipeline/limits.js';
import type {ResizeMode} from '../pipeline/preprocess.js';
import {parseExtensions, walkInputs, type WalkEntry} from '../pipeline/walk.js';
import {LookedFor} from '../pipeline/no-inputs.js';

export default class Bench extends Command {
  static override summary = 'Measure throughput and latency of the whole pipeline, stage by stage.';

  static override description = `For each --threads x --batch-size configuration (a fresh onnxruntime session each, same inputs): images/s, per-batch latency p50/p90/p99/max, the CPU cost of every stage measured alone (read, decode+preprocess, inference, postprocess, in ms per image), the machine's limit (cores x 1000 / the summed stage costs), peak RSS, and a verdict naming the bottleneck.

With --images DIR or --files-from FILE (a list of image paths, as lcnet classify reads it) the real pipeline runs on those files (at most --limit); without them, synthetic tensors measure inference alone. Before any model is downloaded, a generated model of the same architecture is used and clearly labelled: its speed is representative, its predictions are not.`;

  static override examples = [
    {description: 'Inference only, thread sweep', command: '<%= config.bin %> <%= command.id %> --threads 1,2,4'},
    {description: 'The whole pipeline on real images, batch sweep, JSON', command: '<%= config.bin %> <%= command.id %> --images ./photos --batch-size 1,8,32 --json'},
    {description: 'A fixed amount of work instead of a duration', command: '<%= config.bin %> <%= command.id %> --images ./val --iterations 50 --warmup 5'},
  ];

  static override flags = {
    // bench never downloads: before the default model is installed, a generated one stands in
    model: Flags.string({
      char: 'm',
      summary: modelFlags.model.summary,
      env: 'LCNET_MODEL',
      description: 'Defaults to $LCNET_MODEL, else PPLCNet_x1_0 when it is installed, else synthetic:PPLCNet_x1_0: the same network with generated weights (nothing is downloaded; its speed is representative, its predictions are not).',
    }),
    labels: modelFlags.labels,
    ...preprocessFlags,
    threads: Flags.integer({
      char: 't',
      summary: 'Inference thread counts to measure, e.g. 1,2,4 [default: $LCNET_THREADS or all cores].',
      multiple: true,
      delimiter: ',',
      min: 1,
      max: 256,
    }),
    sessions: pipelineFlags.sessions,
    'batch-size': Flags.integer({char: 'b', summary: 'Batch sizes to measure, e.g. 1,8,32.', multiple: true, delimiter: ',', default: [DEFAULT_BATCH_SIZE], min: 1, max: 1024}),
    images: Flags.string({summary: 'A folder (or glob) of real images: measure decode + preprocess + inference.'}),
    'files-from': filesFromFlag('The files come after those of --images, each file once, up to --limit in all.'),
    limit: Flags.integer({summary: 'Use at most this many images from --images and --files-from.', default: 1000, min: 1}),
    duration: Flags.integer({summary: 'Seconds to measure each configuration.', default: 10, min: 1}),
    iterations: Flags.integer({summary: 'Measure this many batches per configuration instead of a duration.', min: 1}),
    warmup: Flags.integer({summary: 'Batches run before measuring.', default: 3, min: 0}),
    workers: pipelineFlags.workers,
    resize: pipelineFlags.resize,
    json: Flags.boolean({summary: 'Print the report as JSON.'}),
    output: Flags.string({char: 'o', summary: 'Also write the JSON report to this file.'}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(Bench);
    const lists = flags['files-from'] ?? [];
    // a list that cannot be read is told before the model loads
    const listProblem = filesFromProblem(lists, false);
    if (listProblem) this.error(listProblem, {exit: EXIT.USAGE});
    const threads = [...new Set(flags.threads ?? [defaultThreads()])];
    const batchSizes = [...new Set(flags['batch-size'])];
    // before any download, a generated model of the default architecture stands in, labelled
    const catalogue = loadCatalogue();
    const spec = flags.model ?? (isInstalled(catalogue.default) ? catalogue.default : `${SYNTHETIC_PREFIX}${catalogue.default}`);
    let model;
    try {
      model = await resolveModel({spec, labelsFile: flags.labels, overrides: preprocessOverrides(preprocessChoice(flags))});
    } catch (e) {
      this.error(cliMessage(e), {exit: exitCodeOf(e)});
    }
    for (const w of model.warnings) process.stderr.write(`${w}\n`);

    let files: string[] | null = null;
    if (flags.images || lists.length > 0) {
      const walk = {recursive: true, extensions: parseExtensions(undefined), followSymlinks: false};
      // --images, then the files of the lists, each file once, up to --limit
      const taken = new Set<string>();
      const sources: [string, AsyncIterable<WalkEntry>][] = [];
      if (flags.images) sources.push(['--images ', walkInputs([flags.images], walk)]);
      if (lists.length > 0) sources.push(['--files-from: ', walkInputs([], {...walk, pathLists: lists})]);
      for (const [source, entries] of sources) {
        for await (const e of entries) {
          if (e.kind === 'missing' && e.unmatched) continue;
          if (e.kind === 'missing') this.error(`${source}${e.display}: ${e.error}`, {exit: EXIT.USAGE});
          if (e.kind === 'file') taken.add(e.path);
          if (taken.size >= flags.limit) break;
        }
        if (taken.size >= flags.limit) break;
      }
      files = [...taken];
      if (files.length === 0) {
        // the words lcnet classify uses for the same inputs
        const looked = LookedFor.of(flags.images ? [flags.images] : [], walk.extensions, walk.recursive);
        for (const list of lists) looked.add(list, 'list');
        this.error(`${lists.length > 0 ? '' : '--images: '}${looked.message()}`, {exit: EXIT.USAGE});
      }
    }
    // the measurement code loads libvips and onnxruntime: only when a benchmark really runs
    const {runBench} = await import('../bench/sweep.js');
    const {renderBenchText} = await import('../bench/report-text.js');
    const report = await runBench(model, {
      threads,
      sessions: flags.sessions,
      batchSizes,
      files,
      workers: flags.workers ?? defaultWorkers(),
      resize: flags.resize as ResizeMode,
      maxPixels: DEFAULT_MAX_PIXELS,
      topk: 5,
      warmup: flags.warmup,
      iterations: flags.iterations,
      durationS: flags.duration,
      onConfig: (t, b) => process.stderr.write(`lcnet bench: ${t} thread${t > 1 ? 's' : ''}, batch ${b}...\n`),
    });
    const json = JSON.stringify(report, null, 2) + '\n';
    if (flags.output) writeFileSync(flags.output, json);
    process.stdout.write(flags.json ? json : renderBenchText(report));
  }
}
