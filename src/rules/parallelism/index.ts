import type { Rule } from '../types.js';
import { PA901 } from './PA901-sequential-independent-io.js';
import { PA902 } from './PA902-cpu-bound-loop.js';
import { PA903 } from './PA903-sequential-subprocesses.js';

export const parallelismRules: Rule[] = [PA901, PA902, PA903];
