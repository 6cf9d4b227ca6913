/** Locations inside the installed lcnet package. */

import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** package root (this file is dist/src/models/paths.js once compiled) */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CATALOGUE_FILE = join(PACKAGE_ROOT, 'models', 'catalogue.json');
export const IMAGENET_LABELS_FILE = join(PACKAGE_ROOT, 'models', 'labels', 'imagenet1k.txt');

let packageJson: {name: string; version: string} | undefined;

function readPackageJson(): {name: string; version: string} {
  packageJson ??= JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {name: string; version: string};
  return packageJson;
}

/** lcnet's package version, recorded in manifests. */
export function lcnetVersion(): string {
  return readPackageJson().version;
}

/** The npm package and its version, as HTTP requests name their client: `pplcnet/0.1.0`. */
export function userAgent(): string {
  const {name, version} = readPackageJson();
  return `${name}/${version}`;
}
