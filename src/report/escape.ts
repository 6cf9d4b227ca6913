/**
 * HTML escaping: every path, label, error message and number the report prints goes through
 * `esc` (text and attribute values alike), so a file named `<script>.jpg` is shown, never run.
 */

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};

/** Text safe inside an element or a quoted attribute value. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A string safe as an HTML id and fragment: letters, digits, `-` and `_` only. */
export function slug(prefix: string, n: number): string {
  return `${prefix}-${n}`;
}
