import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {glibcVersion, neededVersions} from './support/elf-versions.js';
import {ROOT} from './support/shared-data.js';

/** The oldest glibc each prebuilt addon must load on (manylinux2014: CentOS 7's 2.17). */
const BASELINE = [2, 17];

function newerThan(v: number[], base: number[]): boolean {
  for (let i = 0; i < Math.max(v.length, base.length); i++) {
    const a = v[i] ?? 0;
    const b = base[i] ?? 0;
    if (a !== b) return a > b;
  }
  return false;
}

describe('the prebuilt native addon', () => {
  it('needs no glibc symbol version newer than 2.17, so it loads on every common Linux server', function () {
    const addon = join(ROOT, 'prebuilds', 'linux-x64', 'lcnet-jpeg.node');
    if (!existsSync(addon)) this.skip();
    const needed = neededVersions(addon);
    assert.ok((needed.get('libc.so.6') ?? []).length > 0, `no versions needed from libc.so.6: ${JSON.stringify([...needed])}`);
    const tooNew = [...needed].flatMap(([lib, names]) =>
      names.filter((name) => {
        const v = glibcVersion(name);
        return v !== null && newerThan(v, BASELINE);
      }).map((name) => `${name} (${lib})`),
    );
    assert.deepEqual(tooNew, [], `needs ${tooNew.join(', ')}`);
    // nothing but glibc (libc and the dynamic loader): libjpeg is linked in
    assert.deepEqual([...needed.keys()].filter((lib) => lib !== 'libc.so.6' && !lib.startsWith('ld-linux')), []);
  });

  it('reads the versions the ELF file really names (objdump -T agrees)', function () {
    const addon = join(ROOT, 'prebuilds', 'linux-x64', 'lcnet-jpeg.node');
    if (!existsSync(addon)) this.skip();
    const libc = neededVersions(addon).get('libc.so.6')!;
    // the addon calls clock_gettime (GLIBC_2.17 on x86-64) and memcpy (GLIBC_2.14)
    for (const v of ['GLIBC_2.2.5', 'GLIBC_2.14', 'GLIBC_2.17']) assert.ok(libc.includes(v), `${v} in ${libc.join(', ')}`);
    assert.ok(newerThan([2, 33], BASELINE) && !newerThan([2, 17], BASELINE) && newerThan([2, 17, 1], BASELINE) && !newerThan([2, 2, 5], BASELINE));
  });
});
