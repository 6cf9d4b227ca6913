/**
 * The progress bar of classify/eval/bench: files done, images/s, ETA and failures, drawn with
 * cli-progress on stderr, only when stderr is a terminal and progress was not turned off.
 */

import {cliProgress} from '../lazy-modules.js';

export interface FilesProgress {
  setTotal(total: number): void;
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

const NONE: FilesProgress = {setTotal() {}, update() {}, stop() {}};

export function filesProgress(
  enabled: boolean,
  label: string,
  extraFormat = '',
  initial: Record<string, string | number> = {},
  stream: NodeJS.WriteStream = process.stderr,
): FilesProgress {
  if (!enabled || !stream.isTTY) return NONE;
  const started = performance.now();
  let total = 0;
  const bar = new (cliProgress().SingleBar)(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} files | {rate} img/s | ETA {eta_formatted}${extraFormat}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress().Presets.shades_classic,
  );
  // drawn from its first news on: what the command writes to stderr before (a warning about the
  // model, say) then stays on lines of its own instead of being drawn over; news of files done
  // before the total is known draws them as the total so far, never an empty 0/0
  let drawn = false;
  const rate = (done: number) => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? (done / seconds).toFixed(0) : '0';
  };
  return {
    setTotal(t) {
      total = t;
      if (drawn) return bar.setTotal(t);
      drawn = true;
      bar.start(total, 0, {rate: '0', ...initial});
    },
    update(done, extra = {}) {
      const payload = {rate: rate(done), ...extra};
      const grew = done > total;
      if (grew) total = done;
      if (!drawn) {
        drawn = true;
        return bar.start(total, done, {...initial, ...payload});
      }
      if (grew) bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      if (drawn) bar.stop();
    },
  };
}
