/**
 * The npm package as users get it: `npm pack` of this checkout, then npm's own installer on the
 * tarball in a temporary folder, without the network.
 *
 * `npm install -g TARBALL --offline` cannot do it: it resolves the dependencies' version ranges
 * from the registry's package documents, and a CI machine's npm cache holds none after `npm ci`
 * (the lock file names every version), only the tarballs. So the tarball is installed by
 * `npm ci --offline` in a folder whose lock file holds the tarball and the production entries of
 * the project's own lock: the versions the tests ran with, each fetched from npm's cache by its
 * integrity, exactly as `npm ci` of this checkout left them there.
 */

import {spawnSync, type SpawnSyncReturns} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {ROOT} from './shared-data.js';

/** What `npm pack --json` says of the tarball it wrote. */
export interface PackedTarball {
  /** absolute path */
  path: string;
  name: string;
  version: string;
  integrity: string;
  /** every file in the tarball, relative to the package root */
  files: string[];
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

interface LockFile {
  packages: Record<string, LockEntry>;
}

/**
 * The environment npm runs in: the caller's, without the npm_* variables a surrounding
 * `npm test` sets (its prefix and command would otherwise steer the inner npm back to this
 * checkout), but with the cache and registry it was told to use.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  for (const k of ['npm_config_cache', 'npm_config_registry']) if (process.env[k]) env[k] = process.env[k];
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

export function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, {cwd, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
}

/** Packs this checkout as it is built (no `prepare`: dist/ is already there) into `dest`. */
export function packProject(dest: string): PackedTarball {
  const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dest], ROOT);
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status}): ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as {filename: string; name: string; version: string; integrity: string; files: {path: string}[]}[];
  if (!info) throw new Error(`npm pack printed no tarball: ${r.stdout}`);
  return {path: join(dest, info.filename), name: info.name, version: info.version, integrity: info.integrity, files: info.files.map((f) => f.path)};
}

/** The registry URL npm records for a package's tarball (used only on a cache miss, which --offline refuses). */
function registryTarball(name: string, version: string): string {
  return `https://registry.npmjs.org/${name}/-/${name.split('/').at(-1)}-${version}.tgz`;
}

/**
 * Writes into `app` a package.json that depends on the tarball alone and the lock file that pins
 * its dependencies to the project's production entries.
 */
export function writeAppDependingOn(app: string, tarball: PackedTarball): void {
  const project = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as LockFile;
  const root = project.packages['']!;
  const spec = `file:${tarball.path}`;
  const packages: Record<string, LockEntry> = {
    '': {name: 'app', dependencies: {[tarball.name]: spec}},
    [`node_modules/${tarball.name}`]: {
      version: tarball.version,
      resolved: spec,
      integrity: tarball.integrity,
      dependencies: root.dependencies,
      bin: root.bin,
      engines: root.engines,
    },
  };
  for (const [path, entry] of Object.entries(project.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev || entry.link) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[path] = {...entry, resolved: entry.resolved ?? registryTarball(name, entry.version!)};
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({name: 'app', private: true, dependencies: {[tarball.name]: spec}}, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({name: 'app', lockfileVersion: 3, requires: true, packages}, null, 2));
}

/** `npm ci` in `app`, from npm's cache only; scripts are skipped (onnxruntime-node's would download CUDA libraries). */
export function installOffline(app: string): SpawnSyncReturns<string> {
  return npm(['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', app], app);
}
