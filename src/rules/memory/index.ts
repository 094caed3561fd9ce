import type { Rule } from '../types.js';
import { ME601 } from './ME601-unbounded-read-growing-file.js';
import { ME602 } from './ME602-json-load-growing-history.js';
import { ME603 } from './ME603-module-container-only-grows.js';
import { ME604 } from './ME604-string-concat-in-loop.js';
import { ME605 } from './ME605-list-where-iterator-serves.js';

export const memoryRules: Rule[] = [ME601, ME602, ME603, ME604, ME605];
