// Writing outputs safely: to a hidden temporary name beside the target, then renamed, so a reader
// never sees half a file and a failure never clobbers an existing one.

import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function temporaryPathFor(target: string): string {
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  return path.join(path.dirname(target), `.v2m-tmp-${tag}-${path.basename(target)}`);
}

export async function writeFileAtomically(target: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(target);
  try {
    await writeFile(temporary, data);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
}
