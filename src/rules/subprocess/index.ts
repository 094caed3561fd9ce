import type { Rule } from '../types.js';
import { SP501 } from './SP501-spawn-in-hot-path.js';
import { SP502 } from './SP502-shell-spawn.js';
import { SP503 } from './SP503-subprocess-for-stdlib.js';
import { SP504 } from './SP504-subprocess-without-timeout.js';
import { SP505 } from './SP505-systemctl-per-unit.js';
import { SP506 } from './SP506-popen-never-waited.js';

export const subprocessRules: Rule[] = [SP501, SP502, SP503, SP504, SP505, SP506];
