import type { Rule } from '../types.js';
import { CA801 } from './CA801-config-read-per-request.js';
import { CA802 } from './CA802-no-connection-reuse.js';
import { CA803 } from './CA803-deterministic-work-per-iteration.js';
import { CA804 } from './CA804-pure-function-recomputed.js';
import { CA805 } from './CA805-same-sample-repeated.js';

export const cachingRules: Rule[] = [CA801, CA802, CA803, CA804, CA805];
