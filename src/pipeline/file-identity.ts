/**
 * What identifies a file's content in a record: its size and its modification time. The time is
 * written as ISO 8601 in UTC with milliseconds, truncated (never rounded) from the file system's
 * finer time, so that every place that builds or compares an identity gets the same text for the
 * same file: a resume compares these strings, and a rounding in one place and a truncation in
 * another would make an unchanged file look changed.
 */

export function recordedMtime(mtimeMs: number): string {
  return new Date(Math.floor(mtimeMs)).toISOString();
}
