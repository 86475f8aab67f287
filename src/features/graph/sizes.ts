/** The drawn size of each kind of node: shared by the layout, the React Flow nodes and the exports. */
export const TASK_W = 212;
export const TASK_H = 76;
export const GHOST_W = 196;
export const GHOST_H = 52;
export const GROUP_W = 232;
export const GROUP_H = 92;

export type NodeKind = 'task' | 'ghost' | 'group';

export const sizeOf = (kind: NodeKind): [number, number] =>
  kind === 'task' ? [TASK_W, TASK_H] : kind === 'ghost' ? [GHOST_W, GHOST_H] : [GROUP_W, GROUP_H];
