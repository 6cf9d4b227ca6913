import assert from 'node:assert/strict';
import {backoffMs, parseRetryAfter} from '../src/models/download/backoff.js';
import {findEntry, loadCatalogue, parseCatalogue} from '../src/models/download/catalogue.js';
import {DEFAULT_SETTINGS, parseBytes, settingsFromEnv} from '../src/models/download/settings.js';
import {nameFromPath} from '../src/models/download/sources.js';

describe('download: catalogue, settings and naming', () => {
  it('loads and validates the shipped catalogue', () => {
    const cat = loadCatalogue();
    assert.equal(cat.models.length, 40);
    assert.equal(cat.default, 'PPLCNet_x1_0');
    for (const m of cat.models) {
      assert.ok(m.urls[0]!.endsWith(`/${m.name}_infer.tar`), m.name);
      assert.equal(m.format === 'paddle3', m.urls[0]!.includes('/paddle3.0.0/'), m.name);
    }
  });

  it('finds entries exactly, then case-insensitively', () => {
    const cat = loadCatalogue();
    assert.equal(findEntry(cat, 'PPLCNet_x0_5')?.name, 'PPLCNet_x0_5');
    assert.equal(findEntry(cat, 'pp-lcnet_x1_0_doc_ori')?.name, 'PP-LCNet_x1_0_doc_ori');
    assert.equal(findEntry(cat, 'PPLCNet_x3_0'), undefined);
  });

  it('names the offending field of an invalid catalogue', () => {
    const good = loadCatalogue();
    const bad = (patch: object) => ({default: good.default, models: [{...good.models[4], ...patch}]});
    assert.throws(() => parseCatalogue(bad({format: 'paddle9'}), 'c.json'), /c\.json: models\[0\] \(PPLCNet_x1_0\): format must be/);
    assert.throws(() => parseCatalogue(bad({urls: ['ftp://x']}), 'c.json'), /urls must be/);
    assert.throws(() => parseCatalogue(bad({preprocess: {resize: {kind: 'short'}}}), 'c.json'), /preprocess\.resize/);
    assert.throws(() => parseCatalogue({default: 'nope', models: [good.models[0]]}, 'c.json'), /default: must name a listed model/);
    assert.throws(() => parseCatalogue({default: good.default, models: [good.models[4], {...good.models[4], name: 'pplcnet_X1_0'}]}, 'c.json'), /listed twice/);
  });

  it('reads timeouts, retries and caps from the environment', () => {
    assert.deepEqual(settingsFromEnv({}), DEFAULT_SETTINGS);
    const s = settingsFromEnv({LCNET_DOWNLOAD_TIMEOUT: '2.5', LCNET_CONNECT_TIMEOUT: '3', LCNET_DOWNLOAD_RETRIES: '0', LCNET_DOWNLOAD_MAX_BYTES: '300M', LCNET_EXTRACT_MAX_BYTES: '1G', LCNET_LOCK_TIMEOUT: '60'});
    assert.equal(s.idleTimeoutMs, 2500);
    assert.equal(s.connectTimeoutMs, 3000);
    assert.equal(s.retries, 0);
    assert.equal(s.maxDownloadBytes, 300 * 1024 ** 2);
    assert.equal(s.maxExtractBytes, 1024 ** 3);
    assert.equal(s.lockTimeoutMs, 60_000);
    assert.throws(() => settingsFromEnv({LCNET_DOWNLOAD_TIMEOUT: '-1'}), /LCNET_DOWNLOAD_TIMEOUT must be a positive number of seconds/);
    assert.throws(() => settingsFromEnv({LCNET_DOWNLOAD_RETRIES: 'many'}), /LCNET_DOWNLOAD_RETRIES must be a whole number/);
    assert.equal(parseBytes('512k', 'x'), 512 * 1024);
    assert.equal(parseBytes('1048576', 'x'), 1048576);
  });

  it('backs off exponentially with jitter, honouring Retry-After up to the cap', () => {
    assert.equal(backoffMs(0, 500, 15_000, undefined, () => 0), 250);
    assert.equal(backoffMs(3, 500, 15_000, undefined, () => 0.999999), 4000);
    assert.equal(backoffMs(10, 500, 15_000, undefined, () => 0.999999), 15_000);
    assert.equal(backoffMs(0, 500, 15_000, 9000, () => 0), 9000);
    assert.equal(backoffMs(0, 500, 15_000, 600_000, () => 0), 15_000);
    assert.equal(parseRetryAfter('7'), 7000);
    const ms = parseRetryAfter(new Date(Date.now() + 5000).toUTCString())!;
    assert.ok(ms > 3000 && ms <= 5000, String(ms));
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('derives model names from archive, folder and file names', () => {
    assert.equal(nameFromPath('/dl/PPLCNet_x1_0_infer.tar'), 'PPLCNet_x1_0');
    assert.equal(nameFromPath('PP-LCNet_x0_25_textline_ori_infer/'), 'PP-LCNet_x0_25_textline_ori');
    assert.equal(nameFromPath('https://mirror/x/PPLCNet_x0_5_infer.tar.gz?sig=1'), 'PPLCNet_x0_5');
    assert.equal(nameFromPath('my-model.onnx'), 'my-model');
  });
});
