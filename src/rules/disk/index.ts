import type { Rule } from '../types.js';
import { DK401 } from './DK401-fsync-per-message.js';
import { DK402 } from './DK402-json-read-modify-write.js';
import { DK403 } from './DK403-listing-in-loop.js';
import { DK404 } from './DK404-unchanged-file-reread.js';
import { DK405 } from './DK405-non-atomic-shared-write.js';
import { DK406 } from './DK406-temp-file-per-message.js';
import { DK407 } from './DK407-flush-per-line.js';
import { DK408 } from './DK408-recursive-walk-hot-path.js';
import { DK409 } from './DK409-same-path-stat-repeated.js';

export const diskRules: Rule[] = [DK401, DK402, DK403, DK404, DK405, DK406, DK407, DK408, DK409];
