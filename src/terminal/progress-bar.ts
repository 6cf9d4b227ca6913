/**
 * Terminal UI for downloads: a progress bar (cli-progress) drawn on stderr only when stderr is a
 * terminal, and the stderr report of a model downloaded on first use. Used by the commands and
 * by the library API's `downloadProgress: true`; the download code itself only calls callbacks.
 */

import type * as CliProgress from 'cli-progress';
import {cliProgress} from '../lazy-modules.js';
import type {FetchProgress} from '../models/download/fetch-file.js';
import {formatBytes} from '../text/bytes.js';

export interface ProgressDisplay {
  update(p: FetchProgress): void;
  /** erases nothing: leaves the final state on its own line */
  stop(): void;
}

/** A progress bar labelled `label` on `stream`, or null when `stream` is not a TTY. */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay | null {
  if (!stream.isTTY) return null;
  let bar: CliProgress.SingleBar | undefined;
  return {
    update(p) {
      const total = p.total ?? 0;
      const payload = {done: formatBytes(p.received), size: p.total === null ? '?' : formatBytes(p.total)};
      if (!bar) {
        bar = new (cliProgress().SingleBar)(
          {
            stream,
            format: `${label} [{bar}] {percentage}% {done}/{size} eta {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 50,
          },
          cliProgress().Presets.shades_classic,
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

/** The callbacks of `ensureModel` that report a first-use download on stderr. */
export interface DownloadReport {
  onDownload(name: string, url: string): void;
  onProgress?: (p: FetchProgress) => void;
  onStatus?: (message: string) => void;
  /** ends the bar, if one was drawn */
  stop(): void;
}

/**
 * A first-use download told on stderr: one line saying what is fetched, then a bar on a
 * terminal, or status lines (waiting, retrying, converting ...) when stderr is not one.
 */
export function stderrDownloadReport(stream: NodeJS.WriteStream = process.stderr): DownloadReport {
  let bar: ProgressDisplay | null = null;
  const report: DownloadReport = {
    onDownload(name, url) {
      stream.write(`lcnet: model ${name} is not installed yet; downloading it once (${url})\n`);
      bar = terminalProgress(`Downloading ${name}`, stream);
    },
    onProgress: (p) => bar?.update(p),
    onStatus: (m) => {
      if (!bar) stream.write(`lcnet: ${m}\n`);
    },
    stop: () => bar?.stop(),
  };
  return report;
}
