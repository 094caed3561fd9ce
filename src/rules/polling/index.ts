import type { Rule } from '../types.js';
import { PO301 } from './PO301-sleep-polling-filesystem.js';
import { PO302 } from './PO302-busy-wait.js';
import { PO303 } from './PO303-interval-below-100ms.js';
import { PO304 } from './PO304-polling-http-endpoint.js';
import { PO305 } from './PO305-fixed-interval-no-backoff.js';
import { PO306 } from './PO306-sleep-instead-of-wait.js';

export const pollingRules: Rule[] = [PO301, PO302, PO303, PO304, PO305, PO306];
