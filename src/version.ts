// v2m's own version, read once from package.json (one level above both src/ and dist/).

import { createRequire } from 'node:module';

export const V2M_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
