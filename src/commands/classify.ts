import * as Args from '@oclif/core/args';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {csvLayoutOf} from '../pipeline/postprocess/head.js';
import {createClassifier, type Classifier} from '../api/classifier.js';
import {filesProgress} from '../cli/files-progress.js';
import {cliMessage} from '../cli/error-message.js';
import {EXIT, exitCodeOf} from '../cli/exit-codes.js';
import {filesFromFlag, filesFromProblem, rereadable} from '../cli/files-from.js';
import {handleInterrupts} from '../cli/interrupts.js';
import {loadOrExit, modelChoice} from '../cli/load-model.js';
import {classifierOptions, modelFlags, pipelineFlags, thresholdFlag} from '../cli/pipeline-flags.js';
import {selectEntries, type InputFile} from '../pipeline/select.js';
import {describeShard, formatShard, NO_SHARD, parseShard, type Shard} from '../pipeline/shard.js';
import {chooseRecordFormat, recordsOnTerminal} from '../cli/record-format.js';
import type {RecordFormat} from '../pipeline/output/record.js';
import {stageSpeed} from '../pipeline/stage-speed.js';
import {classifySummaryLines} from '../terminal/classify-summary.js';
import {resolveOutputPath} from '../pipeline/output/atomic-file.js';
import {OutputSession} from '../pipeline/output/session.js';
import {OutputWriteError} from '../pipeline/output/writer.js';
import {NoInputsError} from '../pipeline/no-inputs.js';
import {parseExtensions, walkInputs, type WalkOptions} from '../pipeline/walk.js';
import {counted} from '../text/plural.js';

export default class Classify extends Command {
  static override summary = 'Classify images: walk, decode, batch, predict, write JSON Lines, JSON or CSV (readable lines on a terminal).';

  static override description = `Every input file gets exactly one record: its top-k classes with labels and scores, or an error saying why it could not be classified, with the file's size and modification time. Records are written as they are produced, in input order; an interrupted or killed run leaves valid output that --resume continues: files recorded with the same size and mtime are skipped, changed files are classified again (their old record is replaced), and a record cut off by a crash is redone. An output holding records of another model than the run's is refused (exit 2) and left as it is.

While it runs, --output FILE is locked (FILE.lock): a second run on the same output is refused (exit 3). A lock left by a killed run whose process is gone, a zombie, or whose pid another process now has is taken over at once.

On a terminal (standard output, no --output) each file gets one readable line: its top classes with scores, a yes/no answer or its attributes, or the error. A pipe or a file gets JSON Lines, exactly as --format jsonl writes them; --format text writes the readable lines anywhere (a text output cannot be resumed). The run ends on stderr with the counts, the model, and the wall time each stage took per image, measured in the run.

The path - reads a list of file paths from standard input, one per line or NUL-separated (find -print0), taken as they are: no globbing or directory walking. --files-from FILE reads such a list from a file (relative paths from the working directory, as on stdin); its files come after those of PATHS, and a file named in both gets one record. A list given as an input (lcnet classify list.txt) is taken for an image: its record says to use --files-from.

URLs are not read: a URL input gets an error record saying to download the image first.

--shard K/N runs part K of N, chosen by a hash of each file's path below its argument, so N processes on N machines cover every file exactly once; --shard auto takes K and N from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with LCNET_SHARD_COUNT) or a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT). Merge the parts with lcnet merge.

Inputs that match no file at all (an empty folder, a typo in --ext, a glob matching nothing, an empty path list) are a usage error, and nothing is written. An empty --shard part of a non-empty collection is not: a note on stderr says so.

Exit status: 0 all files classified, 1 some files failed (see their error records), 2 usage error (also: an unknown model, inputs matching no file, an output that cannot be written, told before the model loads, --resume of an output written by another model), 3 fatal error (model; output locked; a full disk: the output so far stays valid and --resume continues it), 130 interrupted.`;

  static override examples = [
    {description: 'Classify a folder (recursively) into a CSV file', command: '<%= config.bin %> <%= command.id %> ./photos -o preds.csv'},
    {description: 'One readable line per file on a terminal', command: '<%= config.bin %> <%= command.id %> ./photos'},
    {description: 'JSON Lines into a file or pipe, top 1 only, from a glob', command: "<%= config.bin %> <%= command.id %> 'scans/**/*.png' --topk 1 > top1.jsonl"},
    {description: 'Continue an interrupted run', command: '<%= config.bin %> <%= command.id %> ./photos -o preds.jsonl --resume'},
    {description: 'Continue it and try the failed files again', command: '<%= config.bin %> <%= command.id %> ./photos -o preds.jsonl --resume --retry-errors'},
    {description: 'Classify the files find lists, NUL-separated', command: "find /data -name '*.jpg' -print0 | <%= config.bin %> <%= command.id %> - -o preds.jsonl"},
    {description: 'Classify the files a list names, one per line', command: '<%= config.bin %> <%= command.id %> --files-from list.txt -o preds.jsonl'},
    {description: 'Run part 2 of 4 of a large job (1-based or 0-based K both work)', command: '<%= config.bin %> <%= command.id %> /data/images -o part2.jsonl --shard 2/4'},
    {description: 'In a Kubernetes Indexed Job or a Slurm job array: this task\'s part', command: '<%= config.bin %> <%= command.id %> /data/images -o out-$JOB_COMPLETION_INDEX.jsonl --shard auto'},
    {description: 'Use a model converted elsewhere', command: '<%= config.bin %> <%= command.id %> ./crops --model my.onnx --labels labels.txt'},
  ];

  static override strict = false;

  static override args = {
    // not required: --files-from can give every file. ignoreStdin: without a path, oclif would
    // otherwise take whatever stdin holds as one path, stealing the list of `--files-from -`
    paths: Args.string({description: 'Image files, directories (walked recursively), glob patterns, or - for a path list on stdin.', ignoreStdin: true}),
  };

  static override flags = {
    ...modelFlags,
    output: Flags.string({char: 'o', summary: 'Write records to this file instead of stdout.'}),
    format: Flags.string({
      char: 'f',
      summary: 'Output format; text is one readable line per file [default: from the --output extension, else text on a terminal and jsonl elsewhere].',
      options: ['jsonl', 'json', 'csv', 'text'],
    }),
    topk: Flags.integer({char: 'k', summary: 'Classes per record.', default: 5, min: 1}),
    threshold: thresholdFlag({summary: 'Yes/no and attribute models: decide at this probability (0..1) instead of the published threshold.'}),
    resume: Flags.boolean({summary: 'Continue an existing --output: skip files recorded with the same size and mtime, redo changed ones.', exclusive: ['overwrite']}),
    overwrite: Flags.boolean({summary: 'Replace an existing --output.'}),
    // a relationship, not `dependsOn`: oclif's usage line would read [--retry-errors [--resume | --overwrite]]
    'retry-errors': Flags.boolean({
      summary: 'With --resume: classify again the files whose record is an error (their old records are removed).',
      relationships: [{type: 'all', flags: ['resume']}],
    }),
    recursive: Flags.boolean({summary: 'Walk directories recursively.', default: true, allowNo: true}),
    ext: Flags.string({summary: 'Comma-separated extensions to take from directories and globs, or * for all [default: jpg,jpeg,png,webp,gif,tif,tiff,avif,bmp].'}),
    'follow-symlinks': Flags.boolean({summary: 'Follow symbolic links while walking directories.'}),
    'files-from': filesFromFlag('The files come after those of PATHS, and a file named several times gets one record.'),
    shard: Flags.string({summary: 'Process part K of N (K/N, 1-based or 0-based), or auto (Kubernetes Indexed Job, Slurm job array).'}),
    ...pipelineFlags,
    progress: Flags.boolean({summary: 'Progress bar on stderr (only when stderr is a terminal).', default: true, allowNo: true}),
    json: Flags.boolean({summary: 'Print the run summary as JSON on stdout (needs --output).'}),
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Classify);
    const paths = argv as string[];
    if (flags.json && !flags.output) this.error('--json prints the run summary on stdout, so records need --output', {exit: EXIT.USAGE});
    if (flags.resume && !flags.output) this.error('--resume needs --output', {exit: EXIT.USAGE});
    const formatChoice = {format: flags.format, output: flags.output, resume: flags.resume, terminal: process.stdout.isTTY === true};
    let format: RecordFormat;
    try {
      format = chooseRecordFormat(formatChoice);
    } catch (e) {
      this.error((e as Error).message, {exit: exitCodeOf(e)});
    }
    // records printed on the terminal show the progress themselves: a bar would be drawn over them
    const progress = flags.progress && !recordsOnTerminal(formatChoice);
    const output = flags.output ? resolveOutputPath(flags.output) : null;
    if (paths.filter((p) => p === '-').length > 1) this.error('- (the path list on stdin) can be given once', {exit: EXIT.USAGE});
    const lists = flags['files-from'] ?? [];
    if (paths.length === 0 && lists.length === 0) this.error('give the images to classify: PATHS (files, directories, glob patterns, - for a list on stdin) or --files-from FILE', {exit: EXIT.USAGE});
    // a list that cannot be read is told now, before the output is locked or the model loads
    const listProblem = filesFromProblem(lists, paths.includes('-'));
    if (listProblem) this.error(listProblem, {exit: EXIT.USAGE});
    let walk: WalkOptions;
    let shard: Shard = NO_SHARD;
    try {
      walk = {recursive: flags.recursive, extensions: parseExtensions(flags.ext), followSymlinks: flags['follow-symlinks']};
      if (flags.shard) shard = parseShard(flags.shard);
    } catch (e) {
      this.error(cliMessage(e), {exit: EXIT.USAGE});
    }

    // from here on Ctrl-C is handled: a first-use download is cancelled cleanly, a run finishes
    // its batches in flight, and the output is closed (once) whatever happens
    const session = new OutputSession(output, flags.resume ? 'resume' : flags.overwrite ? 'overwrite' : 'new');
    const interrupts = handleInterrupts(
      () => session.closeNow(),
      'interrupted: finishing the batches in flight; the output stays valid (continue with --resume)',
    );
    let classifier: Classifier | undefined;
    const bar = filesProgress(progress, 'classify', ' | failed {failed}', {failed: 0});
    let run;
    let listedDirectories = 0;
    try {
      // the output is checked and locked first (one writer per output), so that a path that cannot
      // be written, an output that exists or a clash is told before any model download or walk
      try {
        await session.acquire({signal: interrupts.signal, onWait: (m) => process.stderr.write(`lcnet: ${m}\n`)});
      } catch (e) {
        this.error(cliMessage(e), {exit: interrupts.signal.aborted ? EXIT.INTERRUPTED : exitCodeOf(e)});
      }
      classifier = await loadOrExit(this, interrupts, () => createClassifier({...modelChoice(flags, interrupts), ...classifierOptions(flags)}));
      try {
        // the CSV columns of the model's head: top-k, yes/no or one per attribute
        session.open({format, layout: csvLayoutOf(classifier.model.manifest, flags.topk), model: classifier.model.name, retryErrors: flags['retry-errors']});
      } catch (e) {
        this.error(cliMessage(e), {exit: exitCodeOf(e)});
      }
      const skip = session.skip;
      if (progress && process.stderr.isTTY && !paths.includes('-') && rereadable(lists)) {
        // the total, counted by a second walk alongside (a path list on stdin or a pipe can be read once only)
        const unchanged = skip && ((f: InputFile) => session.recordsUnchanged(f));
        void (async () => {
          let n = 0;
          for await (const e of selectEntries(walkInputs(paths, {...walk, pathLists: lists, statFiles: skip !== undefined}), shard, unchanged)) if (e) n++;
          bar.setTotal(n);
        })();
      }
      run = classifier.classify(paths, {
        recursive: flags.recursive,
        extensions: flags.ext,
        followSymlinks: flags['follow-symlinks'],
        filesFrom: lists,
        shard,
        topk: flags.topk,
        signal: AbortSignal.any([interrupts.signal, session.lost]),
        onProgress: (p) => bar.update(p.done, {failed: p.failed}),
        onListedDirectory: () => listedDirectories++,
        // what is recorded already is skipped (the walk then stats each file to compare)
        skip,
      });
      try {
        for await (const records of run.batches()) if (!session.write(records)) break;
        session.finish();
      } catch (e) {
        if (e instanceof NoInputsError) {
          // nothing to classify: no output is created, and an output to resume or replace is left as it was
          session.discard();
          tellListedDirectories(listedDirectories);
          this.error(e.message, {exit: EXIT.USAGE});
        }
        if (e instanceof OutputWriteError) this.error(e.message, {exit: EXIT.FATAL});
        this.error(`classification failed: ${cliMessage(e)}`, {exit: EXIT.FATAL});
      }
      const lost = session.lostError();
      if (lost) this.error(lost.message, {exit: EXIT.FATAL});
      if (session.readerGone) process.stderr.write('lcnet: standard output was closed by its reader: stopped\n');
    } finally {
      bar.stop();
      interrupts.dispose();
      await classifier?.close();
    }

    const summary = run.summary;
    tellListedDirectories(listedDirectories);
    // an empty part of a non-empty collection is no error: a cluster task must not fail for it
    if (shard.count > 1 && run.inputs.inShard === 0 && !summary.interrupted) {
      process.stderr.write(`lcnet: shard ${describeShard(flags.shard ?? '', shard)} holds no file of the ${run.inputs.found} found\n`);
    }
    const skipped = session.skipped;
    for (const line of classifySummaryLines({summary, skipped, shard, shardText: flags.shard, model: classifier.model, pipeline: classifier.pipeline})) process.stderr.write(`${line}\n`);
    if (flags.json) {
      process.stdout.write(
        JSON.stringify({model: classifier.model.name, output: flags.output, format, shard: formatShard(shard), ...summary, msPerImage: stageSpeed(summary.stages, summary.files), skippedAlreadyDone: skipped}, null, 2) + '\n',
      );
    }
    if (summary.interrupted) this.exit(EXIT.INTERRUPTED);
    if (summary.failed > 0) this.exit(EXIT.PARTIAL);
  }
}

function tellListedDirectories(count: number): void {
  if (count > 0) process.stderr.write(`lcnet: skipped ${counted(count, 'directory', 'directories')} in the path list (lists name files: use find -type f)\n`);
}
