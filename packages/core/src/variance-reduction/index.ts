export type { TableInit } from './gradient-table.js';
export * from './noise-race.js';
export * from './sag.js';
export * from './saga.js';
export * from './svrg.js';
