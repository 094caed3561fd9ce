import type { Rule } from '../types.js';
import { PO301 } from './PO301-sleep-polling-filesystem.js';

export const pollingRules: Rule[] = [PO301];
