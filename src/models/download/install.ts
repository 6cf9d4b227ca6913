/**
 * `downloadModel`: installs one model into the store. Resolves what to install (catalogue entry
 * or `--from`), takes the model's lock, fetches and verifies the archive, unpacks the inference
 * files, converts them to ONNX, assembles the manifest and installs atomically. All scratch files
 * live in a per-install folder under `$LCNET_HOME/tmp` that is removed however the install ends,
 * so a failure never leaves anything in the store.
 */

import {mkdir, readdir, readFile, rm, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {UsageError} from '../../errors.js';
import {describeModel, onnxFacts, type ModelFacts} from '../describe.js';
import type {ModelManifest} from '../manifest.js';
import type {ConvertedModel, ConvertOptions} from '../paddle/convert.js';
import type {PreprocessOverrides} from '../preprocess-overrides.js';
import {installModel, isInstalled, lcnetHome, lockPath, modelDir, readManifest} from '../store.js';
import {defaultCataloguePath, loadCatalogue, type Catalogue} from './catalogue.js';
import {normalizeSha256, recordChecksum, recordedChecksum, sha256File, verifyChecksum} from './checksums.js';
import {DownloadError} from './errors.js';
import {fetchToFile, type FetchOptions, type FetchProgress} from './fetch-file.js';
import {gunzipFile, isGzip} from './gunzip.js';
import {acquireLock} from '../../fs/lock-file.js';
import {settingsFromEnv, type DownloadSettings} from './settings.js';
import {localPath, planInstall, type InstallPlan} from './sources.js';
import {extractModelArchive} from './tar.js';
import {createWorkdir, removeStaleWorkdirs} from './workdir.js';

/** Turns an extracted Paddle inference folder into ONNX (`convertPaddleDir` by default). */
export type Converter = (dir: string, options?: ConvertOptions) => Promise<ConvertedModel>;

export interface DownloadOptions {
  /** catalogue entry to install (the NAME argument); defaults to the catalogue default without `from` */
  name?: string;
  /** install under this name (`--name`) */
  installName?: string;
  /** an extracted model folder, a .tar/.tar.gz archive, a .onnx file, or an http(s)/file address */
  from?: string;
  /** expected archive (or .onnx) sha256, overriding a recorded one */
  sha256?: string;
  /** replace an installed model */
  force?: boolean;
  /** class-name file (`--labels`) */
  labels?: string;
  /** preprocessing to install the model with (`--input-size`, `--fit`, `--mean`, ...), over its own or the default */
  preprocess?: PreprocessOverrides;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** overrides of the environment-derived settings */
  settings?: Partial<DownloadSettings>;
  catalogue?: Catalogue;
  convert?: Converter;
  /** extra trusted CA certificates (PEM) */
  ca?: FetchOptions['ca'];
  signal?: AbortSignal;
  onProgress?: (p: FetchProgress) => void;
  /** one-line human-readable status updates (waiting, retrying, converting ...) */
  onStatus?: (message: string) => void;
}

export interface ArchiveInfo {
  sha256: string;
  bytes: number;
  /** the address it was fetched from (before any redirect) */
  url?: string;
  /** local file it was read from */
  path?: string;
  /** recorded: first download, sha256 now recorded; verified: matched the recorded value; pinned: matched --sha256; unchecked: local file, no --sha256 */
  checksum: 'recorded' | 'verified' | 'pinned' | 'unchecked';
}

export interface DownloadResult {
  name: string;
  dir: string;
  manifest: ModelManifest;
  /** false when the model was already installed and left as it was */
  installed: boolean;
  archive?: ArchiveInfo;
  notes: string[];
}

async function defaultConverter(dir: string, options?: ConvertOptions): Promise<ConvertedModel> {
  const {convertPaddleDir} = await import('../paddle/convert.js');
  return convertPaddleDir(dir, options);
}

/**
 * The folder holding the Paddle files: `dir` itself or its only subfolder that has them.
 * `what` names the user's input in error messages.
 */
async function findModelFolder(dir: string, what: string): Promise<string> {
  const has = async (d: string) => {
    const names = new Set(await readdir(d));
    return names.has('inference.pdiparams') && (names.has('inference.json') || names.has('inference.pdmodel'));
  };
  if (await has(dir)) return dir;
  const subs = (await readdir(dir, {withFileTypes: true})).filter((e) => e.isDirectory());
  const found: string[] = [];
  for (const s of subs) if (await has(join(dir, s.name))) found.push(join(dir, s.name));
  if (found.length === 1) return found[0]!;
  const listing = (await readdir(dir)).slice(0, 12).join(', ') || 'nothing';
  throw new UsageError(
    found.length > 1
      ? `${what} holds several models (${found.join(', ')}); point --from at one of them`
      : `${what} holds no Paddle inference model: expected inference.pdiparams with inference.json (Paddle 3) or inference.pdmodel (Paddle 2); found ${listing}`,
  );
}

interface Fetched {
  file: string;
  archive: ArchiveInfo;
  /** the address to record the checksum under, when it should be recorded */
  record?: string;
}

/** Downloads the first reachable address of `urls` into `workdir`, verifying its checksum. */
async function fetchArchive(urls: string[], workdir: string, pinned: string | undefined, home: string, opts: DownloadOptions, settings: DownloadSettings): Promise<Fetched> {
  for (let i = 0; ; i++) {
    const url = urls[i]!;
    const recorded = (await recordedChecksum(url, home))?.sha256;
    let got: {file: string; sha256: string; bytes: number; url?: string; path?: string};
    try {
      if (/^file:/i.test(url)) {
        const path = localPath(url);
        got = {file: path, sha256: await sha256File(path), bytes: (await stat(path)).size, path};
      } else {
        const file = join(workdir, /\.onnx$/i.test(new URL(url).pathname) ? 'model.onnx' : 'archive');
        opts.onStatus?.(`downloading ${url}`);
        const r = await fetchToFile(url, file, {
          settings,
          env: opts.env,
          ca: opts.ca,
          signal: opts.signal,
          onProgress: opts.onProgress,
          onRetry: (err, retry, wait) => opts.onStatus?.(`${err.message}; retry ${retry} of ${settings.retries} in ${(wait / 1000).toFixed(1)}s`),
        });
        got = {file, sha256: r.sha256, bytes: r.bytes, url};
      }
    } catch (e) {
      const missing = e instanceof DownloadError && e.kind === 'http' && e.status === 404;
      if (!missing || i === urls.length - 1) throw e;
      opts.onStatus?.(`${(e as Error).message}; trying the next address`);
      continue;
    }
    const expected = pinned ?? recorded;
    if (expected) verifyChecksum(url, got.sha256, {sha256: expected, pinned: pinned !== undefined});
    const checksum = pinned ? 'pinned' : recorded ? 'verified' : 'recorded';
    return {
      file: got.file,
      archive: {sha256: got.sha256, bytes: got.bytes, url: got.url, path: got.path, checksum},
      record: recorded === got.sha256 ? undefined : url,
    };
  }
}

/** Unpacks a (possibly gzipped) tar archive into `workdir/model`; returns that folder. */
async function unpack(file: string, workdir: string, settings: DownloadSettings): Promise<string> {
  let tar = file;
  if (await isGzip(file)) {
    tar = join(workdir, 'archive.tar');
    await gunzipFile(file, tar, settings.maxExtractBytes);
  }
  const out = join(workdir, 'model');
  await mkdir(out);
  await extractModelArchive(tar, out, {maxBytes: settings.maxExtractBytes});
  if (tar !== file) await rm(tar, {force: true});
  return out;
}

async function convertFolder(dir: string, plan: InstallPlan, convert: Converter, opts: DownloadOptions): Promise<{facts: ModelFacts; onnx: Uint8Array}> {
  opts.onStatus?.(`converting ${plan.name} to ONNX`);
  // a size the user gives replaces the program's declared one (PaddleOCR's classifier declares 32x100 and is fed 48x192)
  const inputSize = opts.preprocess?.inputSize;
  const c = await convert(dir, inputSize ? {inputSize} : {});
  return {
    onnx: c.onnx,
    facts: {
      name: plan.name,
      entry: plan.entry,
      source: {kind: c.format},
      inputName: c.inputName,
      outputName: c.outputName,
      inputSize: c.inputSize,
      classCount: c.classCount,
      outputIsProbability: c.outputIsProbability,
      preprocess: c.preprocess,
      labels: c.labels,
    },
  };
}

/** Facts about an ONNX classifier converted elsewhere, read from its graph and metadata. */
async function readOnnx(path: string, plan: InstallPlan): Promise<{facts: ModelFacts; onnx: Uint8Array}> {
  const onnx = new Uint8Array(await readFile(path));
  return {onnx, facts: {...onnxFacts(onnx, path), name: plan.name, entry: plan.entry, source: {kind: 'onnx'}}};
}

/** A local archive or .onnx file: its sha256, checked against `pinned` when given. */
async function localFile(path: string, pinned: string | undefined): Promise<ArchiveInfo> {
  const sha256 = await sha256File(path);
  if (pinned) verifyChecksum(path, sha256, {sha256: pinned, pinned: true});
  return {sha256, bytes: (await stat(path)).size, path, checksum: pinned ? 'pinned' : 'unchecked'};
}

interface Obtained {
  converted: {facts: ModelFacts; onnx: Uint8Array};
  archive?: ArchiveInfo;
  /** address whose checksum to record once the model is installed */
  record?: string;
}

/** Gets the model from its source into ONNX form, using `workdir` for downloads and unpacking. */
async function obtain(plan: InstallPlan, workdir: string, pinned: string | undefined, home: string, opts: DownloadOptions, settings: DownloadSettings): Promise<Obtained> {
  const convert = opts.convert ?? defaultConverter;
  const src = plan.source;
  if (src.kind === 'dir') {
    const converted = await convertFolder(await findModelFolder(src.path, src.path), plan, convert, opts);
    converted.facts.source.from = src.path;
    return {converted};
  }
  let file: string;
  let archive: ArchiveInfo;
  let record: string | undefined;
  if (src.kind === 'urls') ({file, archive, record} = await fetchArchive(src.urls, workdir, pinned, home, opts, settings));
  else {
    file = src.path;
    archive = await localFile(src.path, pinned);
  }
  let converted: Obtained['converted'];
  if (src.kind === 'onnx' || file.endsWith('.onnx')) converted = await readOnnx(file, plan);
  else {
    opts.onStatus?.(`unpacking ${plan.name}`);
    const folder = await unpack(file, workdir, settings);
    if (file.startsWith(workdir)) await rm(file, {force: true});
    converted = await convertFolder(await findModelFolder(folder, `archive ${archive.url ?? archive.path}`), plan, convert, opts);
  }
  const source = converted.facts.source;
  if (archive.url) source.url = archive.url;
  if (archive.path) source.from = archive.path;
  source.archiveSha256 = archive.sha256;
  return {converted, archive, record};
}

/** Installs a model; see the module comment and `DownloadOptions`. */
export async function downloadModel(opts: DownloadOptions = {}): Promise<DownloadResult> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? lcnetHome(env);
  const settings: DownloadSettings = {...settingsFromEnv(env), ...opts.settings};
  const cat = opts.catalogue ?? loadCatalogue(defaultCataloguePath(env));
  const plan = await planInstall(opts, cat);
  const pinned = opts.sha256 === undefined ? undefined : normalizeSha256(opts.sha256);
  if (pinned && plan.source.kind === 'dir') throw new UsageError('--sha256 checks an archive or .onnx file, not a folder');

  const existing = async (note: string): Promise<DownloadResult> => {
    const dir = modelDir(plan.name, home);
    return {name: plan.name, dir, manifest: await readManifest(dir), installed: false, notes: [note]};
  };
  if (!opts.force && isInstalled(plan.name, home)) return existing(`${plan.name} is already installed; use --force to replace it`);

  const lock = await acquireLock(lockPath(`model.${plan.name}`, home), {
    timeoutMs: settings.lockTimeoutMs,
    signal: opts.signal,
    onWait: (owner) => opts.onStatus?.(`waiting for ${owner ? `process ${owner.pid}` : 'another process'} installing ${plan.name}`),
  });
  let workdir: string | undefined;
  try {
    if (!opts.force && isInstalled(plan.name, home)) return await existing(`${plan.name} was installed by another process meanwhile`);
    await removeStaleWorkdirs(home, plan.name);
    workdir = await createWorkdir(home, plan.name);

    const {converted, archive, record} = await obtain(plan, workdir, pinned, home, opts, settings);
    const {manifest, notes} = await describeModel(converted.facts, {labelsFile: opts.labels, overrides: opts.preprocess});
    const dir = await installModel(converted.onnx, manifest, home);
    if (record && archive) await recordChecksum(record, {sha256: archive.sha256, bytes: archive.bytes, model: plan.name}, home, settings.lockTimeoutMs);
    return {name: plan.name, dir, manifest: await readManifest(dir), installed: true, archive, notes};
  } finally {
    if (workdir) await rm(workdir, {recursive: true, force: true});
    await lock.release();
  }
}
