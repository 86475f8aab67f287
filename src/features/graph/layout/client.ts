/**
 * The page's side of the layout worker: one worker, started on first use;
 * a newer request supersedes an older one still running (its result is
 * dropped), so quick filter changes never pile up.
 */
import type { LayoutInput } from './layered.ts';
import type { LayoutDone, LayoutRequest, LayoutResponse } from './protocol.ts';

export class LayoutSuperseded extends Error {
  constructor() {
    super('layout superseded by a newer request');
    this.name = 'LayoutSuperseded';
  }
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve(r: LayoutDone): void; reject(e: Error): void }>();

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./layout.worker.ts', import.meta.url), {
    type: 'module',
    name: 'ect-graph-layout',
  });
  worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
    const res = event.data;
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.ok) p.resolve(res);
    else p.reject(new Error(`layout failed: ${res.error}`));
  };
  worker.onerror = (event) => {
    const error = new Error(`the layout worker failed: ${event.message || 'unknown error'}`);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  return worker;
}

/** Lays out in the worker. Rejects with LayoutSuperseded when a newer call came first. */
export function layoutInWorker(input: LayoutInput): Promise<LayoutDone> {
  for (const [id, p] of pending) {
    p.reject(new LayoutSuperseded());
    pending.delete(id);
  }
  const id = nextId++;
  const req: LayoutRequest = { id, input };
  return new Promise<LayoutDone>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const transfer: Transferable[] = [input.src.buffer, input.dst.buffer];
    if (typeof input.width !== 'number') transfer.push(input.width.buffer);
    if (typeof input.height !== 'number') transfer.push(input.height.buffer);
    getWorker().postMessage(req, transfer);
  });
}
