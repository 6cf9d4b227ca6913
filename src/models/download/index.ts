/** The model download and install library used by `lcnet download` and `lcnet classify`. */

export {defaultModelName, findEntry, loadCatalogue, type Catalogue, type CatalogueEntry} from './catalogue.js';
export {ensureModel, type EnsureOptions} from './ensure.js';
export {DownloadError, type DownloadErrorKind} from './errors.js';
export {describeFailure, offlineMessage} from './failure.js';
export type {FetchProgress} from './fetch-file.js';
export {downloadModel, type ArchiveInfo, type Converter, type DownloadOptions, type DownloadResult} from './install.js';
export {listModels, type ListedModel} from './listing.js';
export {SETTINGS_ENV, settingsFromEnv, type DownloadSettings} from './settings.js';
