import type { Rule } from '../types.js';
import { SY201 } from './SY201-sync-wait-result-discarded.js';
import { SY202 } from './SY202-serialization-round-trip.js';
import { SY203 } from './SY203-sleep-holding-lock.js';
import { SY204 } from './SY204-serial-shutdown.js';

export const syncOpsRules: Rule[] = [SY201, SY202, SY203, SY204];
