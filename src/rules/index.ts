// The rule registry: one folder per dimension, one file per rule.
import { cachingRules } from './caching/index.js';
import { diskRules } from './disk/index.js';
import { ioBlockingRules } from './io_blocking/index.js';
import { memoryRules } from './memory/index.js';
import { parallelismRules } from './parallelism/index.js';
import { pollingRules } from './polling/index.js';
import { scalabilityRules } from './scalability/index.js';
import { subprocessRules } from './subprocess/index.js';
import { syncOpsRules } from './sync_ops/index.js';
import type { Rule } from './types.js';

export const RULES: Rule[] = [
  ...ioBlockingRules, ...syncOpsRules, ...pollingRules, ...diskRules, ...subprocessRules,
  ...memoryRules, ...scalabilityRules, ...cachingRules, ...parallelismRules,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id.toUpperCase());
}
