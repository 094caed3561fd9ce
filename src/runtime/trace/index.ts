// Runtime evidence: `clawperf trace` (run a command under the audit-hook sitecustomize) and the join
// of its result to static findings.
export { runTrace, writeResult, DEFAULT_OUTPUT, SITECUSTOMIZE } from './run.js';
export { joinTrace, kindsForFinding, type JoinOptions } from './join.js';
export { formatTraceTable } from './format.js';
export { readTrace } from './read.js';
export { TRACE_KINDS, TraceUsageError, type TraceKind, type TraceLine, type TraceOptions, type TraceProcess, type TraceResult } from './types.js';
