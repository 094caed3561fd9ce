// Public surface of `clawperf stress` (runtime evidence: how cost grows from 1 to N agents).
export { runStress, writeStressFiles, stressPaths, everyAgentExitedEarly, validateOptions, StressInputError, METHOD_NOTES } from './run.js';
export { compareStress, loadStressResult, SAME_BAND } from './compare.js';
export { formatStressTable, formatComparison } from './format.js';
export { renderSvg } from './svg.js';
export { growthOf, classify, METRICS, LINEAR_BAND } from './metrics.js';
export { killAllSync } from './reaper.js';
export type * from './types.js';
