/** A download progress bar (cli-progress) drawn on stderr, only when stderr is a terminal. */

import cliProgress from 'cli-progress';
import type {FetchProgress} from './fetch-file.js';

export interface ProgressDisplay {
  update(p: FetchProgress): void;
  /** erases nothing: leaves the final state on its own line */
  stop(): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A progress bar labelled `label` on `stream`, or null when `stream` is not a TTY. */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay | null {
  if (!stream.isTTY) return null;
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(p) {
      const total = p.total ?? 0;
      const payload = {done: formatBytes(p.received), size: p.total === null ? '?' : formatBytes(p.total)};
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} [{bar}] {percentage}% {done}/{size} eta {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, p.received, payload);
      } else {
        bar.setTotal(total);
        bar.update(p.received, payload);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
