/** Locations inside the installed lcnet package. */

import {fileURLToPath} from 'node:url';
import {join} from 'node:path';

/** package root (this file is dist/src/models/paths.js once compiled) */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CATALOGUE_FILE = join(PACKAGE_ROOT, 'models', 'catalogue.json');
export const IMAGENET_LABELS_FILE = join(PACKAGE_ROOT, 'models', 'labels', 'imagenet1k.txt');
