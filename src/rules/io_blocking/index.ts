import type { Rule } from '../types.js';
import { IO101 } from './IO101-http-without-timeout.js';
import { IO102 } from './IO102-blocking-io-single-threaded-server.js';
import { IO103 } from './IO103-open-without-with.js';
import { IO104 } from './IO104-sleep-in-handler.js';
import { IO105 } from './IO105-timeout-none-or-huge.js';

export const ioBlockingRules: Rule[] = [IO101, IO102, IO103, IO104, IO105];
