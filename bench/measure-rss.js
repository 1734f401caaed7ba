// Runs a Node script in this process and prints its peak resident set size on stderr at exit, so the
// bench can read the memory of `v2m score` itself (Node reports maxRSS in kilobytes).
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
process.on('exit', () => process.stderr.write(`PEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(script).href);
