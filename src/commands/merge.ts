import * as Args from '@oclif/core/args';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {EXIT, exitCodeOf} from '../cli/exit-codes.js';
import {handleInterrupts} from '../cli/interrupts.js';
import {MergeInterrupted, mergeOutputs} from '../merge/merge.js';
import {isClean, reportJson, reportWarnings, summaryLine} from '../merge/report.js';
import {formatFromPath, type OutputFormat} from '../pipeline/output/record.js';

export default class Merge extends Command {
  static override summary = 'Merge the outputs of several runs (shards) into one, with one record per file; find duplicates and gaps.';

  static override description = `Reads lcnet outputs in any format (JSON Lines, JSON or CSV, from the extension or the content) and of any top-k, and writes one record per file. An input left unfinished by a crash (a cut-off last record, an unclosed JSON array) is read up to its last complete record, with a warning naming it.

The output holds the records of one model: inputs holding records of more than one model are refused (exit 2, naming two of them), unless --model names the model whose records are kept; the records of the others are then left out, and counted on stderr.

When a file has several records, one is kept: a prediction beats an error, then the later file modification time wins, then the record read later (inputs in the order given). Duplicates are counted, and so are the conflicting ones: left-out records whose predictions or error differ from the record kept.

--files names the files the runs were meant to cover (one path per line, or NUL-separated as find -print0 writes; - reads standard input), as classify shows them in records. Listed files without a record are gaps; records of files not listed are extras. --gaps writes the gaps one per line, or NUL-separated when a path holds a newline, ready for lcnet classify - < FILE.

The output has the largest top-k among the inputs unless --topk truncates it. It goes to stdout as JSON Lines, or to --output (format from its extension or --format), written beside it and renamed into place when complete. Memory grows with the number of files only, never with the records.

Exit status: 0 merged cleanly, 1 merged but there were gaps or conflicting duplicates (the output is complete), 2 usage error (output exists, output is an input, records of more than one model without --model, or none of the model --model names), 3 an input is unreadable or not lcnet output, 130 interrupted (no --output or --gaps file is written).`;

  static override examples = [
    {description: 'Merge the parts of a sharded job into one CSV file', command: '<%= config.bin %> <%= command.id %> out-*.jsonl -o all.csv'},
    {
      description: 'Check them against the list of files, and write the missing ones for a rerun',
      command: '<%= config.bin %> <%= command.id %> /out/part-*.jsonl -o all.csv --files files.txt --gaps gaps.txt',
    },
    {description: 'Classify the gaps, then merge again with the rerun', command: '<%= config.bin %> classify - -o rerun.jsonl < gaps.txt && <%= config.bin %> <%= command.id %> /out/part-*.jsonl rerun.jsonl -o all.csv --files files.txt --overwrite'},
    {description: 'Keep only the records of one model, from parts written by two', command: '<%= config.bin %> <%= command.id %> out-*.jsonl -o all.jsonl --model PPLCNet_x1_0'},
    {description: 'Convert an output to another format, top 1 only', command: '<%= config.bin %> <%= command.id %> preds.json -o preds.csv --topk 1'},
    {description: 'The file list from find, and the summary as JSON', command: "find /data/images -type f -name '*.jpg' | <%= config.bin %> <%= command.id %> part-*.csv -o all.jsonl --files - --json"},
  ];

  static override strict = false;

  static override args = {
    // ignoreStdin: without an input, oclif would otherwise take whatever stdin holds as one (the list of --files -)
    inputs: Args.string({description: 'lcnet outputs (JSON Lines, JSON or CSV) to merge; glob patterns are expanded.', required: true, ignoreStdin: true}),
  };

  static override flags = {
    output: Flags.string({char: 'o', summary: 'Write the merged records to this file instead of stdout.'}),
    format: Flags.string({char: 'f', summary: 'Output format [default: from the --output extension, else jsonl].', options: ['jsonl', 'json', 'csv']}),
    topk: Flags.integer({char: 'k', summary: 'Classes per record [default: the largest top-k among the inputs].', min: 1}),
    model: Flags.string({summary: 'Keep the records of this model (as records name it) and leave out those of others [default: refuse inputs of more than one model].'}),
    files: Flags.string({summary: 'Path list of the files the inputs should cover (newline- or NUL-separated, - for stdin): report gaps and extras.'}),
    // a relationship, not `dependsOn`: oclif's usage line would read [--gaps <value> --files <value>], as if --files needed --gaps
    gaps: Flags.string({summary: 'Write the listed files that have no record to this file, one per line (NUL-separated if a path holds a newline).', relationships: [{type: 'all', flags: ['files']}]}),
    overwrite: Flags.boolean({summary: 'Replace an existing --output or --gaps file.'}),
    json: Flags.boolean({summary: 'Print the merge summary as JSON on stdout (needs --output).'}),
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Merge);
    const format: OutputFormat = (flags.format as OutputFormat | undefined) ?? (flags.output ? formatFromPath(flags.output) : null) ?? 'jsonl';
    if (flags.json && !flags.output) this.error('--json prints the merge summary on stdout, so records need --output', {exit: EXIT.USAGE});

    const interrupts = handleInterrupts(() => {}, 'interrupted: stopping the merge; no --output or --gaps file is written');
    let report;
    try {
      report = await mergeOutputs({
        inputs: argv as string[],
        output: flags.output ?? null,
        format,
        topk: flags.topk,
        model: flags.model,
        files: flags.files,
        gaps: flags.gaps,
        overwrite: flags.overwrite,
        signal: interrupts.signal,
        warn: (m) => process.stderr.write(`lcnet: warning: ${m}\n`),
      });
    } catch (e) {
      interrupts.dispose();
      if (e instanceof MergeInterrupted) this.exit(EXIT.INTERRUPTED);
      this.error((e as Error).message, {exit: exitCodeOf(e)});
    }
    interrupts.dispose();

    for (const line of reportWarnings(report)) process.stderr.write(`${line}\n`);
    process.stderr.write(`${summaryLine(report)}\n`);
    if (flags.json) process.stdout.write(reportJson(report));
    if (!isClean(report)) this.exit(EXIT.PARTIAL);
  }
}
