// Finds the ffmpeg and ffprobe executables: FFMPEG_PATH / FFPROBE_PATH first, then the system PATH,
// then the static binaries that ship inside npm packages (so a machine with only Node and npm works).

import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { internalError } from '../errors.js';

export type MediaTool = 'ffmpeg' | 'ffprobe';

const ENV_VARIABLE: Record<MediaTool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };
const NPM_PACKAGE: Record<MediaTool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

const resolved = new Map<MediaTool, string>();

/** Absolute path of a working executable for `tool`; throws an INTERNAL error naming the fixes. */
export function toolPath(tool: MediaTool): string {
  const cached = resolved.get(tool);
  if (cached) return cached;
  const found = fromEnvironment(tool) ?? fromSystemPath(tool) ?? fromNpmPackage(tool);
  if (!found) {
    throw internalError(
      `${tool} was not found. Install ffmpeg (e.g. apt-get install ffmpeg), set ${ENV_VARIABLE[tool]} ` +
        `to its path, or run 'npm install' so that ${NPM_PACKAGE[tool]} provides it.`,
    );
  }
  resolved.set(tool, found);
  return found;
}

function fromEnvironment(tool: MediaTool): string | undefined {
  const configured = process.env[ENV_VARIABLE[tool]];
  if (!configured) return undefined;
  if (!isExecutable(configured)) {
    throw internalError(`${ENV_VARIABLE[tool]} is set to '${configured}', which is not an executable file. Fix or unset it.`);
  }
  return configured;
}

function fromSystemPath(tool: MediaTool): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!folder) continue;
    const candidate = path.join(folder, tool);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpmPackage(tool: MediaTool): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const installer = require(NPM_PACKAGE[tool]) as { path?: string };
    if (!installer.path) return undefined;
    ensureExecutable(installer.path);
    return isExecutable(installer.path) ? installer.path : undefined;
  } catch {
    // The package is optional (it has no binary for every platform); absence is reported by toolPath.
    return undefined;
  }
}

/** npm may skip the installer's own `chmod u+x` postinstall step; do it here instead. */
function ensureExecutable(file: string): void {
  if (isExecutable(file)) return;
  try {
    chmodSync(file, statSync(file).mode | 0o755);
  } catch {
    // Read-only install: isExecutable below reports the failure.
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
