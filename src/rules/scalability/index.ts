import type { Rule } from '../types.js';
import { SC701 } from './SC701-single-threaded-server.js';
import { SC702 } from './SC702-global-lock-across-io.js';
import { SC703 } from './SC703-linear-scan-in-loop.js';
import { SC704 } from './SC704-shared-file-contention.js';
import { SC705 } from './SC705-small-listen-backlog.js';
import { SC706 } from './SC706-unbounded-thread-per-item.js';

export const scalabilityRules: Rule[] = [SC701, SC702, SC703, SC704, SC705, SC706];
