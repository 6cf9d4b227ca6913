/** Locations inside the installed lcnet package. */

import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** package root (this file is dist/src/models/paths.js once compiled) */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CATALOGUE_FILE = join(PACKAGE_ROOT, 'models', 'catalogue.json');
export const IMAGENET_LABELS_FILE = join(PACKAGE_ROOT, 'models', 'labels', 'imagenet1k.txt');

let version: string | undefined;

/** lcnet's package version, recorded in manifests. */
export function lcnetVersion(): string {
  version ??= (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {version: string}).version;
  return version;
}
