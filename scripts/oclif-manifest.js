// Writes oclif.manifest.json: every command's id, flags and help, so that running one command
// loads that command's module only (without the manifest oclif imports every command, and with
// them libvips and onnxruntime, before doing anything). Run by `npm run build` after tsc.
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Plugin} from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true});
await plugin.load();
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(plugin.manifest, null, 2) + '\n');
