import * as Args from '@oclif/core/args';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {EXIT, exitCodeOf} from '../cli/exit-codes.js';
import {filesProgress} from '../cli/files-progress.js';
import {handleInterrupts} from '../cli/interrupts.js';
import {CancelledError} from '../errors.js';
import {buildReport, REPORT_DEFAULTS} from '../report/report.js';
import {formatBytes} from '../text/bytes.js';
import {counted} from '../text/plural.js';

export default class Report extends Command {
  static override summary = 'Write an HTML page to browse predictions, an evaluation or a benchmark: classes with thumbnails, low-confidence images, errors, confusions.';

  static override description = `INPUT is any lcnet output (JSON Lines, JSON or CSV, several parts as lcnet merge reads them), an lcnet eval report (eval -o report.json, with --per-image for per-class accuracy and confusion images) or an lcnet bench --json report; they can be mixed.

With an --output ending in .html the report is one self-contained file: thumbnails are inlined, and the page loads nothing from anywhere (no script at all, no fonts, no network). Any other --output is a folder with index.html and thumbnails/, better for large collections.

For predictions the page shows the classes by count with a strip of their best-scored images, a section per class with its thumbnails sorted by score (file name and score under each), low-confidence images (top-1 below --low-confidence, or within --margin of the second class), errors grouped by reason and a histogram of top-1 scores. Records are aggregated as they are read, in bounded memory: a million records take under a minute with the page's thumbnails (a few seconds without them; see docs/benchmarks.md); --per-class and --max-rows cap what the page lists.

The header names the model of every part (as its records name it; an evaluation's and a benchmark's as their reports do), and a page made from synthetic weights says so at the top.

Thumbnails are JPEG, made with sharp, 160 px on their longer side; a wide image (a text-line crop) is made at least 40 px high, up to 640 px wide. An image that cannot be read (moved, corrupt, not an image) gets a placeholder. Relative paths in records are read from --root (default: the working directory, as classify wrote them).

Exit status: 0 written, 2 usage error (output exists), 3 an input is unreadable or not lcnet output, 130 interrupted (nothing is written).`;

  static override examples = [
    {description: 'One self-contained page for a run', command: '<%= config.bin %> <%= command.id %> preds.jsonl -o report.html'},
    {description: 'A large sharded run: a folder with index.html and thumbnails/', command: '<%= config.bin %> <%= command.id %> out-*.jsonl -o report/ --per-class 24'},
    {description: 'Records written elsewhere with relative paths', command: '<%= config.bin %> <%= command.id %> /runs/preds.csv --root /data/photos -o report.html'},
    {description: 'Stricter low-confidence list', command: '<%= config.bin %> <%= command.id %> preds.jsonl -o report.html --low-confidence 0.8 --margin 0.2'},
    {description: 'An evaluation with its confusions', command: '<%= config.bin %> eval --imagenet-val ./val -o eval.json --per-image && <%= config.bin %> <%= command.id %> eval.json -o eval.html'},
    {description: 'The summary as JSON for a script (records, errors, repeated files, the page)', command: '<%= config.bin %> <%= command.id %> out-*.jsonl -o report.html --json'},
    {description: 'A benchmark sweep', command: '<%= config.bin %> bench --threads 1,2 --batch-size 1,8 --json > bench.json && <%= config.bin %> <%= command.id %> bench.json -o bench.html'},
  ];

  static override strict = false;

  static override args = {
    inputs: Args.string({description: 'lcnet outputs (JSON Lines, JSON, CSV), eval reports or bench reports; glob patterns are expanded by the shell.', required: true}),
  };

  static override flags = {
    output: Flags.string({char: 'o', summary: 'The report: FILE.html (one self-contained file) or a folder (index.html + thumbnails/).', required: true}),
    'per-class': Flags.integer({summary: 'Thumbnails per class (the best-scored).', default: REPORT_DEFAULTS.perClass, min: 0}),
    'low-confidence': Flags.string({summary: 'Top-1 score below which an image is low confidence.', default: String(REPORT_DEFAULTS.lowConfidence)}),
    margin: Flags.string({summary: 'Top-1 minus top-2 score below which an image is low confidence.', default: String(REPORT_DEFAULTS.margin)}),
    'max-rows': Flags.integer({summary: 'At most this many rows in each list and class sections on the page.', default: REPORT_DEFAULTS.maxRows, min: 1}),
    root: Flags.string({summary: 'Read relative image paths of records from this folder [default: the working directory].'}),
    title: Flags.string({summary: 'Page title.', default: 'lcnet report'}),
    overwrite: Flags.boolean({summary: 'Replace an existing report.'}),
    progress: Flags.boolean({summary: 'Show a progress bar on stderr (only when it is a terminal).', default: true, allowNo: true}),
    json: Flags.boolean({summary: 'Print the summary (what was read and written) as JSON on stdout.'}),
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Report);
    const fraction = (name: string, v: string) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) this.error(`--${name} must be a number from 0 to 1, not ${v}`, {exit: EXIT.USAGE});
      return n;
    };
    const lowConfidence = fraction('low-confidence', flags['low-confidence']);
    const margin = fraction('margin', flags.margin);

    const progress = filesProgress(flags.progress, 'thumbnails');
    const interrupts = handleInterrupts(() => progress.stop(), 'interrupted: stopping; no report is written');
    let summary;
    try {
      summary = await buildReport({
        inputs: argv as string[],
        output: flags.output,
        root: flags.root,
        perClass: flags['per-class'],
        lowConfidence,
        margin,
        maxRows: flags['max-rows'],
        title: flags.title,
        overwrite: flags.overwrite,
        signal: interrupts.signal,
        warn: (m) => process.stderr.write(`lcnet: warning: ${m}\n`),
        onThumbnails: (done, total) => {
          progress.setTotal(total);
          progress.update(done);
        },
      });
    } catch (e) {
      progress.stop();
      interrupts.dispose();
      if (e instanceof CancelledError) this.exit(EXIT.INTERRUPTED);
      this.error((e as Error).message, {exit: exitCodeOf(e)});
    }
    progress.stop();
    interrupts.dispose();
    const s = summary;
    if (flags.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    const parts = [
      `${counted(s.records, 'record')} (${s.predictions} classified, ${counted(s.errors, 'error')}${s.unknown ? `, ${s.unknown} unrecognised` : ''}${s.repeated ? `, ${s.repeated} of files recorded before` : ''})`,
    ];
    if (s.evals) parts.push(counted(s.evals, 'evaluation'));
    if (s.benches) parts.push(counted(s.benches, 'benchmark'));
    parts.push(`${counted(s.thumbnails, 'thumbnail')}${s.placeholders ? `, ${counted(s.placeholders, 'placeholder')} for unreadable images` : ''}`);
    process.stderr.write(`lcnet report: wrote ${s.page} (${formatBytes(s.pageBytes)}): ${parts.join('; ')}\n`);
  }
}
