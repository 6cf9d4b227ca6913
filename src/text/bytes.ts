/**
 * Sizes for people: bytes below 1 KiB, then KiB, MiB or GiB with one decimal below 10 and none
 * above, so a 20 KB page reads "19.5 KiB" rather than "0.0 MiB".
 */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  // 1023.96 KiB would print as "1024 KiB": that is 1.0 MiB
  if (v.toFixed(v < 10 ? 1 : 0) === '1024' && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
