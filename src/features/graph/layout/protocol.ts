/** Messages between the page and the layout worker. */
import type { LayoutInput } from './layered.ts';

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}

export type LayoutResponse =
  | {
      id: number;
      ok: true;
      x: Float64Array;
      y: Float64Array;
      backEdges: number;
      width: number;
      height: number;
      /** Time spent laying out, in the worker. */
      ms: number;
    }
  | { id: number; ok: false; error: string };

export type LayoutDone = Extract<LayoutResponse, { ok: true }>;
