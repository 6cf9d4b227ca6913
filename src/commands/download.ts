import * as Args from '@oclif/core/args';
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import {cliMessage} from '../cli/error-message.js';
import {EXIT, exitCodeOf} from '../cli/exit-codes.js';
import {handleInterrupts} from '../cli/interrupts.js';
import {defaultCataloguePath, loadCatalogue, type Catalogue} from '../models/download/catalogue.js';
import {describeFailure} from '../models/download/failure.js';
import {downloadModel, type DownloadResult} from '../models/download/install.js';
import {listModels, type ListedModel} from '../models/download/listing.js';
import {groupByTask, HEAD_DESCRIPTION} from '../models/catalogue-groups.js';
import {terminalProgress} from '../terminal/progress-bar.js';
import {nameFromPath} from '../models/download/sources.js';
import {settingsFromEnv, type DownloadSettings} from '../models/download/settings.js';
import {secondsFlag} from '../cli/pipeline-flags.js';
import {givenPreprocessFlags, preprocessChoice, preprocessFlags} from '../cli/preprocess-flags.js';
import {preprocessOverrides} from '../api/load-model.js';
import {join} from 'node:path';
import {counted} from '../text/plural.js';
import {graphsRoot, lcnetHome, MODEL_FILE} from '../models/store.js';

function table(models: ListedModel[]): string {
  const metric = (m: ListedModel) => (m.metric && m.metric.name !== 'top-1' ? `${m.metric.name} ${m.metric.value}` : m.top1 === null ? '-' : `top-1 ${m.top1.toFixed(2)}`);
  const rows = models.map((m) => [
    m.default ? `${m.name} (default)` : m.name,
    m.format ?? 'onnx',
    `${m.inputSize[1]}x${m.inputSize[0]}`,
    metric(m),
    m.paramsM === null ? '-' : `${m.paramsM}M`,
    m.flopsM === null ? '-' : `${m.flopsM}M`,
    m.installed ? (m.inCatalogue ? 'yes' : 'yes (own)') : '',
  ]);
  const head = ['NAME', 'FORMAT', 'INPUT', 'METRIC', 'PARAMS', 'FLOPS', 'INSTALLED'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const rowOf = new Map(models.map((m, i) => [m, rows[i]!]));
  const out = [line(head)];
  // grouped by task, in the order the catalogue first names each task
  for (const g of groupByTask(models)) out.push('', `${g.task} (${HEAD_DESCRIPTION[g.head]})`, ...g.models.map((m) => line(rowOf.get(m)!)));
  return out.join('\n');
}

function summary(r: DownloadResult): string {
  const m = r.manifest;
  const what = `${m.source.kind}, ${m.task}, ${counted(m.labels.length, 'class', 'classes')}, input ${m.inputSize[1]}x${m.inputSize[0]}`;
  const lines = [r.installed ? `installed ${r.name} (${what}) in ${r.dir}` : `${r.name} (${what}) is in ${r.dir}`];
  if (r.archive) {
    const how = {recorded: 'recorded for later downloads', verified: 'matches the recorded checksum', pinned: 'matches --sha256', unchecked: 'not checked'}[r.archive.checksum];
    // the checksum is of what was fetched or given: an archive, or an .onnx file
    const hashed = /\.onnx$/i.test(r.archive.path ?? new URL(r.archive.url ?? 'file:///').pathname) ? '.onnx file' : 'archive';
    lines.push(`${hashed} sha256 ${r.archive.sha256} (${how})`);
  }
  return lines.join('\n');
}

export default class Download extends Command {
  static override summary = 'Download an official PP-LCNet model, or install one from a folder, archive, URL or .onnx file.';

  static override description = `Official archives are fetched from PaddlePaddle's servers, unpacked safely, converted to ONNX and installed in $LCNET_HOME/models (default ~/.cache/lcnet). PaddlePaddle publishes no checksums: the sha256 of each archive is recorded on first download ($LCNET_HOME/checksums.json) and checked on every later one; --sha256 pins it. Two processes installing the same model wait for each other; nothing partial ever appears in the store.

Without network access, fetch the archive elsewhere and use --from: an extracted model folder, the .tar archive, or a reachable mirror URL.

A model that carries no preprocessing (a Paddle 2 program, an ONNX file) is installed with ImageNet's, and a note says so, unless --input-size, --fit, --resize-short, --stretch, --scale, --mean, --std and --channels (with --from) set it: they are saved in the model's model.json (README: model.json).

Proxies: HTTPS_PROXY / HTTP_PROXY (http:// proxies, https tunnelled with CONNECT) and NO_PROXY (*, domain suffixes, host:port, CIDR). Environment: LCNET_CONNECT_TIMEOUT and LCNET_DOWNLOAD_TIMEOUT (seconds), LCNET_DOWNLOAD_RETRIES, LCNET_DOWNLOAD_MAX_BYTES and LCNET_EXTRACT_MAX_BYTES (e.g. 500M), LCNET_LOCK_TIMEOUT (seconds), LCNET_CATALOGUE (another catalogue file, e.g. listing a mirror).

Exit status: 0 success, 2 usage error (unknown model, bad flag), 3 download, verification or conversion failed, 130 interrupted.`;

  static override examples = [
    {description: 'List the catalogue and what is installed', command: '<%= config.bin %> <%= command.id %> --list'},
    {description: 'Download the default model (PPLCNet_x1_0)', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Download a model, pinning the archive checksum', command: '<%= config.bin %> <%= command.id %> PP-LCNet_x0_25_textline_ori --sha256 <64 hex digits>'},
    {description: 'Offline: install from an archive fetched elsewhere', command: '<%= config.bin %> <%= command.id %> PPLCNet_x1_0 --from ./PPLCNet_x1_0_infer.tar'},
    {description: 'Install from an extracted folder or a mirror', command: '<%= config.bin %> <%= command.id %> PPLCNet_x1_0 --from http://mirror.local/PPLCNet_x1_0_infer.tar'},
    {description: 'Install an ONNX model converted elsewhere', command: '<%= config.bin %> <%= command.id %> --from my-model.onnx --labels labels.txt --name my-model'},
    {
      description: "Install PaddleOCR's text direction classifier with its own preprocessing (saved in its model.json)",
      command: '<%= config.bin %> <%= command.id %> --from ./ch_ppocr_mobile_v2.0_cls_infer --labels cls-labels.txt --input-size 192x48 --fit pad --scale 1/255 --mean 0.5 --std 0.5 --channels bgr',
    },
  ];

  static override args = {
    name: Args.string({description: 'Catalogue model to install [default: the catalogue default, PPLCNet_x1_0].'}),
  };

  static override flags = {
    // a relationship, not `exclusive`: oclif's usage line would show every flag excluded by --list as
    // excluding the others too ([-l | --from | --labels | --name]), when --from, --labels and --name go together
    list: Flags.boolean({char: 'l', summary: 'List catalogue models and which are installed.', relationships: [{type: 'none', flags: ['from', 'sha256', 'force', 'labels', 'name']}]}),
    from: Flags.string({summary: 'Install from an extracted model folder, a .tar/.tar.gz archive, a .onnx file, or an http(s) URL.'}),
    sha256: Flags.string({summary: 'Expected sha256 of the archive (or .onnx file); overrides the recorded one.'}),
    force: Flags.boolean({char: 'f', summary: 'Download and install again even if the model is installed.'}),
    labels: Flags.string({summary: 'Class names: one per line, or "index name" lines (PaddleClas form).'}),
    name: Flags.string({summary: 'Install under this name (for --from models).'}),
    json: Flags.boolean({summary: 'Print the result (or the list) as JSON on stdout.'}),
    progress: Flags.boolean({summary: 'Progress bar on stderr (only when stderr is a terminal).', default: true, allowNo: true}),
    timeout: secondsFlag({summary: 'Seconds without data before an attempt is abandoned [default: $LCNET_DOWNLOAD_TIMEOUT or 30].'}),
    'connect-timeout': secondsFlag({summary: 'Seconds allowed to connect [default: $LCNET_CONNECT_TIMEOUT or 15].'}),
    retries: Flags.integer({summary: 'Retries after transient network failures [default: $LCNET_DOWNLOAD_RETRIES or 4].', min: 0}),
    ...preprocessFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Download);
    const preprocessGiven = givenPreprocessFlags(flags);
    if (preprocessGiven.length > 0 && !flags.from) {
      this.error(`${preprocessGiven.join(', ')} set the preprocessing of a model installed with --from; a catalogue model's own is used when it is downloaded (classify, eval and bench take the same flags for one run)`, {exit: EXIT.USAGE});
    }
    let settings: DownloadSettings;
    let cat: Catalogue;
    try {
      settings = settingsFromEnv();
      if (flags.timeout !== undefined) settings.idleTimeoutMs = flags.timeout;
      if (flags['connect-timeout'] !== undefined) settings.connectTimeoutMs = flags['connect-timeout'];
      if (flags.retries !== undefined) settings.retries = flags.retries;
    } catch (e) {
      this.error((e as Error).message, {exit: EXIT.USAGE});
    }
    try {
      cat = loadCatalogue(defaultCataloguePath());
    } catch (e) {
      this.error((e as Error).message, {exit: EXIT.FATAL});
    }

    if (flags.list) {
      let models: ListedModel[];
      try {
        models = await listModels(cat, lcnetHome());
      } catch (e) {
        this.error((e as Error).message, {exit: EXIT.FATAL});
      }
      if (flags.json) process.stdout.write(JSON.stringify({default: cat.default, home: lcnetHome(), models}, null, 2) + '\n');
      else this.log(table(models));
      return;
    }

    const label = args.name ?? flags.name ?? (flags.from ? nameFromPath(flags.from) : cat.default);
    const bar = flags.progress ? terminalProgress(`download ${label}`) : null;
    const interrupts = handleInterrupts(() => bar?.stop(), 'interrupted: cancelling the download');
    let result: DownloadResult;
    try {
      result = await downloadModel({
        name: args.name,
        installName: flags.name,
        from: flags.from,
        sha256: flags.sha256,
        force: flags.force,
        labels: flags.labels,
        preprocess: preprocessOverrides(preprocessChoice(flags)),
        settings,
        signal: interrupts.signal,
        onProgress: bar ? (p) => bar.update(p) : undefined,
        catalogue: cat,
        onStatus: (m) => {
          bar?.stop();
          process.stderr.write(`lcnet: ${m}\n`);
        },
      });
    } catch (e) {
      bar?.stop();
      interrupts.dispose();
      const f = describeFailure(e, label);
      this.error(cliMessage(f), {exit: exitCodeOf(f)});
    }
    bar?.stop();
    interrupts.dispose();
    if (result.installed) {
      // the first classify then starts its sessions from the saved optimised graph too
      const {prepareGraph} = await import('../pipeline/infer.js');
      const m = result.manifest;
      try {
        await prepareGraph(join(result.dir, MODEL_FILE), m.inputName, m.outputName, graphsRoot());
      } catch (e) {
        result.notes.push(`onnxruntime cannot run the installed model: ${(e as Error).message}`);
      }
    }
    for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
    if (flags.json) {
      const m = result.manifest;
      process.stdout.write(
        JSON.stringify(
          {name: result.name, installed: result.installed, dir: result.dir, task: m.task, source: m.source, inputSize: m.inputSize, classes: m.labels.length, archive: result.archive ?? null, notes: result.notes},
          null,
          2,
        ) + '\n',
      );
    } else {
      this.log(summary(result));
    }
  }
}
