/** The simulator's engine: scenarios, fault switches, the run. No React, no DOM. */
export * from './types.ts';
export * from './validate.ts';
export * from './scenarios.ts';
export * from './faults.ts';
export * from './run.ts';
export * from './steps.ts';
export * from './request.ts';
export * from './plan.ts';
export * from './file.ts';
export * from './layout.ts';
