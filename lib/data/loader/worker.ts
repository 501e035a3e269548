/**
 * Worker entry of the loaders' decoder (see batch_decoder.ts): decodes whole batches off the
 * training thread, so a synchronous training step never stalls decoding. Not re-exported by mod.ts
 * (importing it installs a message handler). Messages: in `{id, paths, augments, size,
 * concurrency}`, out `{id, data}` (a transferred Float32Array) or `{id, error}`.
 * @module
 */
import { decodeStandardized } from "../decode/read_pixels.ts";
import { mapPool } from "./pool.ts";
import type { DecodeRequest } from "./batch_decoder.ts";

const port = globalThis as unknown as {
  onmessage: ((e: MessageEvent<DecodeRequest & { id: number }>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

// One batch at a time, in arrival order: the batch the consumer needs next finishes first.
let queue: Promise<void> = Promise.resolve();
port.onmessage = (e) => {
  queue = queue.then(() => decodeBatch(e.data));
};

async function decodeBatch(request: DecodeRequest & { id: number }): Promise<void> {
  const { id, paths, augments, size } = request;
  const per = size * size * 3;
  try {
    const data = new Float32Array(paths.length * per);
    await mapPool(
      paths,
      (p, i) => decodeStandardized(p, { size, augment: augments[i], out: data, offset: i * per }),
      { concurrency: request.concurrency ?? 4 },
    );
    port.postMessage({ id, data }, [data.buffer]);
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message ?? String(err) });
  }
}
