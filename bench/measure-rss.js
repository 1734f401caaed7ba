// Runs a Node script in this process and prints, on stderr at exit, its peak resident set size (Node
// reports maxRSS in kilobytes) and how many ffmpeg/ffprobe processes it started, so the bench can read
// both for `v2m score` itself.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
// The CLI's own media/run (dist/cli/main.js → dist/media/run.js: the same module instance) counts the starts.
const run = await import(pathToFileURL(path.resolve(path.dirname(script), '..', 'media', 'run.js')).href).catch(() => undefined);
process.on('exit', () => process.stderr.write(`PEAK_RSS_KB=${process.resourceUsage().maxRSS}\nTOOL_STARTS=${run?.toolStarts?.() ?? -1}\n`));
await import(pathToFileURL(script).href);
