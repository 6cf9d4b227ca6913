/**
 * The symbol versions a shared object needs from each library (its .gnu.version_r section, as
 * `objdump -T` or `readelf -V` list them), read from a 64-bit little-endian ELF file: enough to
 * tell which glibc an addon can load on without a binutils on the machine.
 */

import {readFileSync} from 'node:fs';

/** SHT_GNU_verneed */
const VERNEED = 0x6ffffffe;

/** library name -> the version names needed from it, e.g. {'libc.so.6': ['GLIBC_2.2.5', ...]} */
export function neededVersions(path: string): Map<string, string[]> {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {type: b.readUInt32LE(at + 4), offset: Number(b.readBigUInt64LE(at + 0x18)), link: b.readUInt32LE(at + 0x28), info: b.readUInt32LE(at + 0x2c)};
  };
  const needed = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== VERNEED) continue;
    const strings = section(s.link).offset;
    const name = (at: number) => b.toString('latin1', strings + at, b.indexOf(0, strings + at));
    // Elf64_Verneed: vn_version, vn_cnt (u16), vn_file, vn_aux, vn_next (u32); sh_info entries
    for (let n = 0, vn = s.offset; n < s.info; n++) {
      const versions: string[] = [];
      // Elf64_Vernaux: vna_hash (u32), vna_flags, vna_other (u16), vna_name, vna_next (u32)
      for (let k = 0, aux = vn + b.readUInt32LE(vn + 8); k < b.readUInt16LE(vn + 2); k++) {
        versions.push(name(b.readUInt32LE(aux + 8)));
        aux += b.readUInt32LE(aux + 12);
      }
      needed.set(name(b.readUInt32LE(vn + 4)), versions);
      vn += b.readUInt32LE(vn + 12);
    }
  }
  return needed;
}

/** Compares glibc version names numerically: GLIBC_2.17 < GLIBC_2.2.5 is false. */
export function glibcVersion(name: string): number[] | null {
  const m = /^GLIBC_(\d+(?:\.\d+)*)$/.exec(name);
  return m ? m[1]!.split('.').map(Number) : null;
}
