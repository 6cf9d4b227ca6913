/**
 * Worker-thread entry: one onnxruntime session fed batches from the shared buffers. Several
 * single-threaded sessions in parallel keep every core busy without the barrier stalls an
 * intra-op thread pool suffers when decoders share the cores.
 */

import {parentPort} from 'node:worker_threads';
import {InferenceSession, startRuntime} from './infer.js';
import type {InferClose, InferReady, InferRequest, InferResult, InferWorkerConfig} from './infer-protocol.js';
import {leftRuntime, startedEarly, withConfig} from './worker-config.js';

// a worker started early starts onnxruntime's runtime while it waits for its model, and says
// when it is out of it (a process that ends meanwhile waits for that)
const runtime = startedEarly() ? startRuntime().finally(leftRuntime) : Promise.resolve();

withConfig<InferWorkerConfig>((config) => {
  const views = config.buffers.map((b) => new Float32Array(b));
  const [height, width] = config.size;
  const loaded = (async () => {
    try {
      await runtime;
      const session = await InferenceSession.create(config.model, config.inputName, config.outputName, {threads: config.threads, graphCache: config.graphCache});
      parentPort!.postMessage({ready: true} satisfies InferReady);
      // a session's first run costs ten times a later one (memory first touched, weights first
      // read): one image of zeros takes it while the first batch is still being decoded
      await session.run(new Float32Array(3 * height * width), 1, height, width).catch(() => undefined);
      return session;
    } catch (e) {
      parentPort!.postMessage({ready: false, error: (e as Error).message} satisfies InferReady);
      process.exit(0);
    }
  })();

  // listening from the start: a close may come while the session still loads (the pool closed)
  parentPort!.on('message', (req: InferRequest | InferClose) => {
    void loaded.then((session) => {
      if ('close' in req) {
        // the pool sends this only when no run is in flight
        void session.release().finally(() => parentPort!.close());
        return;
      }
      const t = performance.now();
      session.run(views[req.buffer]!, req.count, height, width).then(
        ({values, classes}) => {
          // the runtime owns its output memory: hand over a copy
          const copy = values.slice();
          parentPort!.postMessage({id: req.id, ok: true, values: copy, classes, inferMs: performance.now() - t} satisfies InferResult, [copy.buffer]);
        },
        (e: unknown) => parentPort!.postMessage({id: req.id, ok: false, error: (e as Error).message} satisfies InferResult),
      );
    });
  });
});
