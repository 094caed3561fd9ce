import type { Rule } from '../types.js';
import { SY201 } from './SY201-sync-wait-result-discarded.js';
import { SY202 } from './SY202-serialization-round-trip.js';

export const syncOpsRules: Rule[] = [SY201, SY202];
