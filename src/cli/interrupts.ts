/**
 * Graceful interruption: the first SIGINT/SIGTERM asks the run to stop taking new files and to
 * finish (and write) the batches in flight; a second one, or a crash, closes the output at once
 * so it stays valid. `cleanup` runs exactly once, whichever way the process ends.
 *
 * The second signal ends the process by the signal's own default action, not process.exit():
 * exiting while onnxruntime runs in a worker thread makes it abort (exit 134).
 */

export interface Interrupts {
  signal: AbortSignal;
  dispose(): void;
}

export function handleInterrupts(cleanup: () => void, notice: string): Interrupts {
  const controller = new AbortController();
  let done = false;
  const runCleanup = () => {
    if (done) return;
    done = true;
    cleanup();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(`\n${notice}\n`);
      controller.abort(sig);
      return;
    }
    runCleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, sig);
  };
  const onExit = () => runCleanup();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
      runCleanup();
    },
  };
}
