/**
 * The layout worker: runs layeredLayout off the main thread. One request at a
 * time per message; the typed arrays travel both ways as transfers (no copy).
 */
import { layeredLayout } from './layered.ts';
import type { LayoutRequest, LayoutResponse } from './protocol.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const req = event.data;
  const t0 = performance.now();
  try {
    const r = layeredLayout(req.input);
    const res: LayoutResponse = {
      id: req.id,
      ok: true,
      x: r.x,
      y: r.y,
      backEdges: r.backEdges,
      width: r.width,
      height: r.height,
      ms: performance.now() - t0,
    };
    scope.postMessage(res, [r.x.buffer, r.y.buffer]);
  } catch (e) {
    scope.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }, []);
  }
};
