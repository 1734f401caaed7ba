#!/usr/bin/env node
// The `v2m` command: a thin shell around scoreVideo / analyzeFile. Results on stdout (JSON with
// --json), progress and errors on stderr, and exit codes from EXIT_CODES (see README).

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { STYLE_CHOICES, DEFAULT_OPTIONS, optionHelp, type ScoreOptions, type StyleChoice } from '../config.js';
import { STYLES } from '../compose/styles.js';
import { EXIT_CODES, fromSystemError, SOME_FAILED_EXIT_CODE, usageError } from '../errors.js';
import { checkModelKind, MODEL_KINDS } from '../models/kinds.js';
import { DEFAULT_SERVER_OPTIONS } from '../server/defaults.js';
import { DEFAULT_ATTEMPTS, DEFAULT_LOCK_SECONDS, DEFAULT_QUEUE_NAME } from '../queue/connection.js';
import { V2M_VERSION } from '../version.js';
import { progressPrinter } from './progress.js';

function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return parsed;
}

function decimal(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('expected a number.');
  return parsed;
}

function buildProgram(): Command {
  const program = new Command()
    .name('v2m')
    .description('Writes original music for a video: it watches the cuts, motion and light, composes to them and returns the scored video, WAV, MIDI and a cue sheet.')
    .version(V2M_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('score')
    .description('score a video: writes OUT.mp4 (scored video), OUT.wav, OUT.mid and OUT.cues.json')
    .argument('<video>', 'the video to score (MP4, MOV, MKV, WebM…); it is only read, never changed')
    .option('-o, --output <file>', 'scored video path (.mp4, .m4v, .mov or .mkv); the other outputs go beside it (default: <video>.v2m.mp4)')
    .option('--seed <n>', optionHelp('seed'), wholeNumber, DEFAULT_OPTIONS.seed)
    .option('--style <name>', optionHelp('style'), DEFAULT_OPTIONS.style)
    .option('--key <key>', optionHelp('key'))
    .option('--tempo <bpm>', optionHelp('tempo'), decimal)
    .option('--tempo-changes <how>', optionHelp('tempoChanges'), DEFAULT_OPTIONS.tempoChanges)
    .option('--mood <mood>', optionHelp('mood'))
    .option('--primer <chords>', optionHelp('primer'))
    .option('--intensity <0-1>', optionHelp('intensity'), decimal)
    .option('--instruments <list>', optionHelp('instruments'))
    .option('--style-from <file.mid>', 'take tempo, instruments, density and swing from a MIDI file (style by example)')
    .option('--chords <source>', optionHelp('chords'), DEFAULT_OPTIONS.chords)
    .option('--temperature <t>', optionHelp('temperature'), decimal, DEFAULT_OPTIONS.temperature)
    .option('--top-k <k>', optionHelp('topK'), wholeNumber, DEFAULT_OPTIONS.topK)
    .option('--dynamics <source>', optionHelp('dynamics'), DEFAULT_OPTIONS.dynamics)
    .option('--no-faces', 'skip face and expression detection (faster; emotion then reads light, colour and motion only)')
    .option('--objects', optionHelp('objects'))
    .option('--mux <mode>', optionHelp('mux'), DEFAULT_OPTIONS.mux)
    .option('--original-gain <dB>', optionHelp('originalGainDb'), decimal, DEFAULT_OPTIONS.originalGainDb)
    .option('--no-duck', "with mux mix: leave the music at its level under speech (by default it goes down where the video's own sound has speech)")
    .option('--duck-db <dB>', optionHelp('duckDb'), decimal, DEFAULT_OPTIONS.duckDb)
    .option('--audio-format <format>', optionHelp('audioFormat'), DEFAULT_OPTIONS.audioFormat)
    .option('--stems', optionHelp('stems'))
    .option('--copy-video', optionHelp('copyVideo'))
    .option('--duration <s>', optionHelp('duration'), decimal)
    .option('--loop', optionHelp('loop'))
    .option('--from <s>', optionHelp('from'), decimal)
    .option('--to <s>', optionHelp('to'), decimal)
    .option('--soundfont <file>', 'play the music with this General MIDI SoundFont (.sf2 or .sf3) instead of the shipped one')
    .option('--allow-damaged', 'score a damaged video (decode errors, a missing tail) with a warning instead of refusing it (exit 3)')
    .option('--json', 'print the cue sheet as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', `\nStyles:\n${Object.values(STYLES).map((s) => `  ${s.name.padEnd(8)} ${s.description}`).join('\n')}`)
    .action(async (video: string, flags: ScoreFlags) => {
      const options = scoreOptionsFrom(flags);
      // Each command loads only what it runs (the server, the trainer and the synthesizer take a while to load).
      const { scoreVideo, stopCleanlyOnSignals } = await import('../pipeline.js');
      stopCleanlyOnSignals();
      const { landingSummary, tempoSummary } = await import('../report/html.js');
      const result = await scoreVideo(video, options, progressPrinter(process.stderr, flags.quiet === true));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result.cues, null, 2)}\n`);
      } else {
        const { cues, outputs } = result;
        process.stdout.write(
          `Scored video: ${outputs.video}\n` +
            `Music: ${outputs.audio}  MIDI: ${outputs.midi}  Cue sheet: ${outputs.cues}  Report: ${outputs.report}\n` +
            `Markers for an editor: ${outputs.markers} (CSV), ${outputs.edl} (EDL)\n` +
            `${cues.style}, ${cues.key}, ${tempoSummary(cues)}; hit points: ${landingSummary(cues.landingsBySetting[cues.tempoChanges])}; ${cues.audio.integratedLufs.toFixed(1)} LUFS\n`,
        );
      }
    });

  program
    .command('analyze')
    .description('analyse a video and print what v2m sees: cuts and per-second motion, brightness, scene offset')
    .argument('<video>', 'the video to analyse')
    .option('--json', 'print the analysis as JSON (the analysis part of the cue sheet)')
    .option('--no-faces', 'skip face and expression detection')
    .option('--objects', 'also name the objects in view (slower)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (video: string, flags: { json?: boolean; quiet?: boolean; faces: boolean; objects?: boolean }) => {
      const objects = flags.objects === true;
      // The face models load in their thread while this one loads the analysis: a fifth of a second sooner.
      const faceDetector = flags.faces ? (await import('../analysis/faces.js')).startFaceDetector({ objects }) : undefined;
      const { analyzeFile } = await import('../analyze-file.js');
      const { sheet } = await analyzeFile(video, { faces: flags.faces, objects, faceDetector }, progressPrinter(process.stderr, flags.quiet === true || flags.json === true));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(sheet, null, 2)}\n`);
        return;
      }
      const motion = sheet.features.motionMean;
      process.stdout.write(
        `${sheet.input.path}: ${sheet.input.duration} s, ${sheet.input.width}x${sheet.input.height}, ${sheet.input.framesPerSecond} fps\n` +
          `cuts: ${sheet.cuts.map((c) => c.time.toFixed(2) + (c.confidence < 0.5 ? ' (unsure)' : '')).join(', ') || 'none'}\n` +
          `not cuts: ${sheet.rejectedCuts.map((r) => `${r.time.toFixed(2)} ${r.reason}`).join(', ') || 'none'}\n` +
          `fades and dissolves: ${sheet.transitions.map((t) => `${t.kind} ${t.start.toFixed(2)}–${t.end.toFixed(2)}`).join(', ') || 'none'}\n` +
          `mean motion: ${(motion.reduce((a, b) => a + b, 0) / motion.length).toFixed(2)} (0–255)\n`,
      );
    });
  program
    .command('eval')
    .description('score videos the v2m way and two baseline ways (fixed: 120 BPM piano arpeggios; random: random tempo and key), render all, and print the metrics of EVALUATION.md side by side')
    .argument('<target>', "a video, a folder of videos, 'models' with --data to score the chord and dynamics models on MuVi-Sync, 'music' to compare v2m's music with held-out POP909, or 'melody' with --data to score the melody model on POP909 beside its n-gram")
    .argument('[folder]', "with 'music': the clips to score (default: ../shared/media when it is there)")
    .option('--styles <list>', `comma-separated styles to evaluate: ${STYLE_CHOICES.join(', ')} (with 'music': default every style but auto)`, 'auto')
    .option('--seeds <n>', 'seeds 1…n per style (n ≥ 2 also measures seed diversity)', wholeNumber, 1)
    .option('--cuts <file>', 'ground-truth cut times for a single video: a JSON list of seconds')
    .option('--report <file>', 'also write an HTML report comparing the videos and baselines')
    .option('--keep <folder>', 'keep every rendered WAV and MIDI in this folder')
    .option('--data <folder>', "with 'models': the MuVi-Sync folder (vevo_chord, vevo_meta…)")
    .option('--split <name>', "with 'models': train, val or test", 'test')
    .option('--models <folder>', "with 'models': weights to evaluate (amt.weights, chord-lm.weights, dynamics.weights; default: the shipped ones)")
    .option('--pop909 <folder>', "with 'music': the POP909 data set (default: $V2M_DATA/pop909 or ../shared/data/pop909)")
    .option('--baseline <file>', "with 'music': the previous composer's figures (default: docs/eval-music-baseline.json; 'none' to leave out)")
    .option('--midi <folder>', "with 'music': measure these MIDI files (<clip>.<style>.mid) instead of scoring clips")
    .option('--save-baseline <file>', "with 'music': also write the measured figures as a baseline file")
    .option('--json', 'print the results as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (target: string, folder: string | undefined, flags: EvalFlags, command: Command) => {
      if (target === 'music') {
        await evalMusic(folder, flags, command.getOptionValueSource('styles') === 'default');
        return;
      }
      if (folder !== undefined) throw usageError(`A second argument ('${folder}') is only taken by 'v2m eval music <folder>'.`);
      if (target === 'melody') {
        if (!flags.data) throw usageError("'v2m eval melody' needs --data <folder holding pop909/>.");
        const { evaluateMelody, melodyTable } = await import('../models/melody-eval.js');
        const split = flags.split === 'val' ? 'val' : flags.split === 'test' ? 'test' : undefined;
        if (!split) throw usageError("'v2m eval melody' scores held-out songs: --split val or test.");
        const result = await evaluateMelody(flags.data, split, flags.models ? path.join(flags.models, 'melody.weights') : undefined);
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${melodyTable(result)}\n`);
        return;
      }
      if (target === 'models' && flags.data) {
        const { checkSplit, evaluateModels, modelsTable } = await import('../models/index.js');
        const result = await evaluateModels(flags.data, checkSplit(flags.split), flags.models);
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${modelsTable(result)}\n`);
        return;
      }
      const styles = flags.styles.split(',').map((s) => s.trim()) as StyleChoice[];
      const unknown = styles.filter((s) => !STYLE_CHOICES.includes(s));
      if (unknown.length > 0) throw usageError(`Unknown style '${unknown[0]}' in --styles. Choose from: ${STYLE_CHOICES.join(', ')}.`);
      if (flags.seeds < 1) throw usageError('--seeds must be at least 1.');
      const { evaluate, evaluationJson, evaluationText, readCutsFile } = await import('../eval/index.js');
      const cuts = flags.cuts ? await readCutsFile(flags.cuts) : undefined;
      const log = flags.quiet || flags.json ? undefined : (message: string) => process.stderr.write(`${message}\n`);
      const result = await evaluate(target, { styles, seeds: flags.seeds, cuts, keepFolder: flags.keep, onProgress: log });
      if (flags.report) await (await import('../report/html.js')).writeEvaluationReport(result.evaluations, flags.report);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...(evaluationJson(result.evaluations) as object), skipped: result.skipped }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${evaluationText(result)}\n`);
    });
  program
    .command('train')
    .description("train a model on MuVi-Sync's train split (epoch chosen on val): amt (chords from video), chord-lm (the same decoder without video, its baseline) or dynamics (biGRU: note density and loudness); or melody (GRU) on POP909's train split")
    .argument('<model>', MODEL_KINDS.join(' | '))
    .requiredOption('--data <folder>', 'the MuVi-Sync folder (vevo_chord, vevo_meta…); for melody the folder holding pop909/')
    .requiredOption('--out <folder>', 'where the weights, checkpoints and loss curve go')
    .option('--epochs <n>', 'most epochs (early stopping may end sooner)', wholeNumber, 12)
    .option('--batch <n>', 'windows per batch', wholeNumber, 16)
    .option('--learning-rate <lr>', 'peak learning rate (after warm-up, then cosine decay)', decimal, 2e-3)
    .option('--lambda <0-1>', 'amt: weight of the chord cross-entropy; the rest goes to the affective loss', decimal, 0.4)
    .option('--width <n>', 'model width (amt, chord-lm) or GRU size (dynamics)', wholeNumber)
    .option('--seed <n>', 'seed of the initial weights and the batches', wholeNumber, 1)
    .option('--pretrain <list>', 'amt, chord-lm: also learn chord sequences from pop909,billboard (no video)', '')
    .option('--pretrain-data <folder>', 'folder holding pop909/ and billboard/ (default: beside --data)')
    .option('--init <weights>', 'amt, chord-lm: start from these weights where they match (e.g. an AMT from a trained chord-lm; its video paths start at zero)')
    .option('--freeze', 'with --init: keep the seeded chord-lm part fixed, train only the video paths')
    .option('--video-dropout <0-1>', "amt: share of training windows whose video is hidden, so the model stays a good chord-lm and learns what the video adds", decimal, 0)
    .option('--choose-by <figure>', 'amt, chord-lm: keep the epoch with the best validation loss or hits1 (top-1 hit rate)', 'loss')
    .option('--resume', 'continue from the checkpoint in --out')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (kind: string, flags: TrainFlags) => {
      const model = checkModelKind(kind);
      const { checkPretraining, trainCommand } = await import('../models/train-command.js');
      let lastWasBar = false;
      const result = await trainCommand(model, {
        data: flags.data,
        out: flags.out,
        epochs: flags.epochs,
        batchSize: flags.batch,
        learningRate: flags.learningRate,
        lambda: flags.lambda,
        width: flags.width,
        seed: flags.seed,
        resume: flags.resume === true,
        init: flags.init,
        freeze: flags.freeze === true,
        videoDropout: flags.videoDropout,
        chooseBy: flags.chooseBy,
        pretrain: checkPretraining(flags.pretrain),
        pretrainFolder: flags.pretrainData ?? path.dirname(path.resolve(flags.data)),
        onProgress: flags.quiet
          ? undefined
          : (line, done) => {
              if (process.stderr.isTTY) process.stderr.write(`\r${line}${done ? '\n' : ''}`);
              else if (done) process.stderr.write(`${line}\n`);
              lastWasBar = !done;
            },
      });
      if (lastWasBar && process.stderr.isTTY) process.stderr.write('\n');
      const best = result.chosenBy === 'hits1' ? `hits@1 ${(100 * result.bestValidation).toFixed(1)} %` : `loss ${result.bestValidation.toFixed(4)}`;
      process.stdout.write(`Trained ${model}: best validation ${best} at epoch ${result.bestEpoch} of ${result.epochsRun}, ${Math.round(result.seconds)} s. Weights: ${result.weightsFile}\n`);
    });

  addBatchCommands(program);

  program
    .command('serve')
    .description('start the HTTP API and the web page: upload a video, follow the job, watch and download the result')
    .option('--host <address>', 'address to listen on (127.0.0.1 keeps it on this machine)', DEFAULT_SERVER_OPTIONS.host)
    .option('--port <n>', 'port to listen on (0 picks a free one)', wholeNumber, DEFAULT_SERVER_OPTIONS.port)
    .option('--data <folder>', 'folder for the job database, uploads and results (created if missing)', DEFAULT_SERVER_OPTIONS.dataFolder)
    .option('--concurrency <n>', 'jobs scored at the same time (one per CPU core unless given)', wholeNumber, DEFAULT_SERVER_OPTIONS.concurrency)
    .option('--max-upload <MB>', 'largest accepted upload in megabytes', decimal, DEFAULT_SERVER_OPTIONS.uploadLimitBytes / 1024 ** 2)
    .option('--keep <hours>', 'delete finished jobs and their files this many hours after they finished', decimal, DEFAULT_SERVER_OPTIONS.retentionMs / 3600_000)
    .option('--allow-host <name>', 'also answer to this host name (repeatable); by default only the --host address and localhost names, against DNS rebinding', (name: string, names: string[]) => [...names, name], [] as string[])
    .option('--queue <redis-url>', 'keep the jobs on this Redis (redis://host:6379) for `v2m worker --queue … --data <this --data>` processes to score, on any machine that mounts the data folder; this server then scores none itself unless --concurrency is given')
    .option('--queue-name <name>', 'with --queue: the BullMQ queue (the workers must use the same)', DEFAULT_QUEUE_NAME)
    .option('--lock-seconds <s>', "with --queue and --concurrency: how long this server's own job locks last unrenewed", wholeNumber, DEFAULT_LOCK_SECONDS)
    .action(async (flags: ServeFlags, command: Command) => {
      // With --queue, workers score; this server scores only the --concurrency it is given (0 allowed).
      if (flags.queue && command.getOptionValueSource('concurrency') === 'default') flags.concurrency = 0;
      if (flags.concurrency < (flags.queue ? 0 : 1)) throw usageError('--concurrency must be at least 1.');
      if (flags.queue && flags.lockSeconds < 2) throw usageError('--lock-seconds must be at least 2.');
      if (!(flags.maxUpload > 0)) throw usageError('--max-upload must be a positive number of megabytes.');
      if (!(flags.keep > 0)) throw usageError('--keep must be a positive number of hours.');
      const { startServer } = await import('../server/index.js');
      const server = await startServer({
        host: flags.host,
        port: flags.port,
        dataFolder: flags.data,
        concurrency: flags.concurrency,
        uploadLimitBytes: Math.round(flags.maxUpload * 1024 ** 2),
        retentionMs: flags.keep * 3600_000,
        allowedHosts: flags.allowHost,
        queue: flags.queue ? { url: flags.queue, queueName: flags.queueName, lockSeconds: flags.lockSeconds } : undefined,
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') throw usageError(`Port ${flags.port} on ${flags.host} is already in use. Choose another with --port (0 picks a free one).`);
        if (error.code === 'EADDRNOTAVAIL') throw usageError(`This machine has no address ${flags.host}. Use --host 127.0.0.1 or one of its addresses.`);
        throw error;
      });
      process.stdout.write(`v2m serve: listening on ${server.url} (data: ${server.service.options.dataFolder}; API docs at ${server.url}/docs)\n`);
      if (flags.queue) {
        const { workers } = await server.service.backend.health();
        const scoring = flags.concurrency > 0 ? `this server scores ${flags.concurrency} at a time` : 'this server scores none itself';
        process.stdout.write(`v2m serve: jobs on ${flags.queue} (queue '${flags.queueName}'); ${scoring}; ${workers ?? 0} worker(s) connected now${workers ? '' : ` — start one: v2m worker --queue ${flags.queue} --data ${server.service.options.dataFolder}`}\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write(flags.queue ? "v2m serve: stopped; the queue's jobs stay on Redis for its workers.\n" : 'v2m serve: stopped; running jobs will resume on the next start.\n');
    });
  return program;
}

interface TrainFlags {
  data: string;
  out: string;
  epochs: number;
  batch: number;
  learningRate: number;
  lambda: number;
  width?: number;
  seed: number;
  pretrain: string;
  pretrainData?: string;
  init?: string;
  freeze?: boolean;
  videoDropout: number;
  chooseBy: string;
  resume?: boolean;
  quiet?: boolean;
}

interface ServeFlags {
  host: string;
  port: number;
  data: string;
  concurrency: number;
  maxUpload: number;
  keep: number;
  allowHost: string[];
  queue?: string;
  queueName: string;
  lockSeconds: number;
}

interface EvalFlags {
  pop909?: string;
  baseline?: string;
  midi?: string;
  saveBaseline?: string;
  data?: string;
  models?: string;
  split: string;
  styles: string;
  seeds: number;
  cuts?: string;
  report?: string;
  keep?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `v2m eval music`: v2m's music (or a folder of MIDI files) and the previous composer against held-out POP909. */
async function evalMusic(folder: string | undefined, flags: EvalFlags, stylesByDefault: boolean): Promise<void> {
  const music = await import('../eval/music.js');
  const styles = (stylesByDefault ? STYLE_CHOICES.filter((s) => s !== 'auto') : flags.styles.split(',').map((s) => s.trim())) as StyleChoice[];
  const unknown = styles.filter((s) => !STYLE_CHOICES.includes(s));
  if (unknown.length > 0) throw usageError(`Unknown style '${unknown[0]}' in --styles. Choose from: ${STYLE_CHOICES.join(', ')}.`);
  if (flags.seeds < 1) throw usageError('--seeds must be at least 1.');
  const pop909 = flags.pop909 ?? music.defaultPop909Folder();
  if (!pop909) throw usageError('Give the POP909 data set with --pop909 <folder> (or set V2M_DATA to the folder holding pop909/).');
  const baseline = flags.baseline === 'none' ? undefined : (flags.baseline ?? (existsSync(music.SHIPPED_MUSIC_BASELINE) ? music.SHIPPED_MUSIC_BASELINE : undefined));
  const log = flags.quiet || flags.json ? undefined : (message: string) => process.stderr.write(`${message}\n`);
  const evaluation = await music.evaluateMusic({ clips: folder ?? music.defaultClipsFolder(), midiFolder: flags.midi, pop909, styles, seeds: flags.seeds, baseline, onProgress: log });
  if (flags.saveBaseline) {
    const source = `v2m ${V2M_VERSION}: v2m eval music ${process.argv.slice(4).join(' ')}`;
    await writeFile(flags.saveBaseline, music.baselineFileText(evaluation.systems[0]!.figures, source));
  }
  process.stdout.write(flags.json ? `${JSON.stringify(music.musicJson(evaluation), null, 2)}\n` : `${music.musicText(evaluation)}\n`);
}

/** The ScoreOptions that `score`'s flags (and `batch`'s, the same ones) stand for; scoreVideo checks every value. */
function scoreOptionsFrom(flags: ScoreFlags): Partial<ScoreOptions> {
  // Flags carry the option names of ScoreOptions, but for these.
  const { json: _json, quiet: _quiet, originalGain, style, mux, chords, dynamics, soundfont, ...same } = flags;
  return {
    ...same,
    style: style as ScoreOptions['style'],
    mux: mux as ScoreOptions['mux'],
    chords: chords as ScoreOptions['chords'],
    dynamics: dynamics as ScoreOptions['dynamics'],
    originalGainDb: originalGain,
    soundFont: soundfont,
  };
}

/** Set by a command that ran to its end but wants another exit code than 0 (`batch` with failed videos). */
let commandExitCode: number | undefined;

/** `v2m batch` (many videos, locally or through a Redis queue) and `v2m worker` (takes the queue's jobs). */
function addBatchCommands(program: Command): void {
  const batch = program
    .command('batch')
    .description('score many videos — a folder\'s or a list file\'s — into one folder, on a pool of processes or through a Redis queue; a rerun skips the videos already scored')
    .argument('<source>', 'a folder of videos (not its subfolders) or a text file naming one video a line (relative to the file; # starts a comment)')
    .requiredOption('--out <folder>', 'where every video\'s outputs (<name>.v2m.mp4, .wav, .mid, .cues.json, .report.html) and batch-report.json go (created if missing)')
    .option('--concurrency <n>', 'videos scored at the same time on this machine (one per CPU core unless given)', wholeNumber, availableParallelism())
    .option('--queue <redis-url>', 'put one job per video on this Redis (redis://host:6379) for `v2m worker`s to score, and wait for them')
    .option('--data <folder>', 'with --queue: the shared folder all workers mount; the videos and --out must lie inside it', '.')
    .option('--queue-name <name>', 'with --queue: the BullMQ queue to use', DEFAULT_QUEUE_NAME)
    .option('--attempts <n>', 'with --queue: tries per video before it is reported failed', wholeNumber, DEFAULT_ATTEMPTS)
    .option('--deadline <hours>', 'with --queue: how long to wait for the jobs; the unfinished ones are then reported failed', decimal, 24)
    .option('-q, --quiet', 'no progress on stderr');
  // Every score option (seed, style, key, tempo, mood, chords…) applies to each video alike.
  const score = program.commands.find((command) => command.name() === 'score')!;
  for (const option of score.options) if (!['output', 'json', 'quiet'].includes(option.attributeName())) batch.addOption(option);
  batch.action(async (source: string, flags: BatchFlags) => {
    if (flags.concurrency < 1) throw usageError('--concurrency must be at least 1.');
    if (flags.attempts < 1) throw usageError('--attempts must be at least 1.');
    if (!(flags.deadline > 0)) throw usageError('--deadline must be a positive number of hours.');
    const { runBatch } = await import('../batch/run.js');
    const { summaryTable } = await import('../batch/results.js');
    const tty = process.stderr.isTTY;
    const { report, reportFile } = await runBatch({
      source,
      outputFolder: flags.out,
      options: scoreOptionsFrom(flags),
      concurrency: flags.concurrency,
      queue: flags.queue ? { url: flags.queue, queueName: flags.queueName, dataFolder: flags.data, deadlineMs: flags.deadline * 3600_000, attempts: flags.attempts } : undefined,
      log: flags.quiet ? undefined : (line, final) => process.stderr.write(tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : final ? `${line}\n` : ''),
    });
    process.stdout.write(`${summaryTable(report)}\nReport: ${reportFile}\n`);
    if (report.counts.failed > 0) commandExitCode = SOME_FAILED_EXIT_CODE;
  });

  program
    .command('worker')
    .description('score the jobs of a Redis queue (from `v2m batch --queue` or `v2m serve --queue`); run one on every machine that mounts the shared data folder')
    .requiredOption('--queue <redis-url>', 'the Redis holding the queue (redis://host:6379)')
    .option('--data <folder>', 'the shared data folder as this machine mounts it', '.')
    .option('--concurrency <n>', 'jobs scored at the same time (one per CPU core unless given)', wholeNumber, availableParallelism())
    .option('--queue-name <name>', 'the BullMQ queue to take jobs from', DEFAULT_QUEUE_NAME)
    .option('--lock-seconds <s>', "how long a job's lock lasts unrenewed: a dead worker's job goes to another within about twice this", wholeNumber, DEFAULT_LOCK_SECONDS)
    .option('-q, --quiet', 'no log lines on stderr')
    .action(async (flags: WorkerFlags) => {
      if (flags.concurrency < 1) throw usageError('--concurrency must be at least 1.');
      if (flags.lockSeconds < 2) throw usageError('--lock-seconds must be at least 2.');
      if (!existsSync(flags.data)) throw usageError(`The data folder '${flags.data}' does not exist here. Mount the shared folder and give its path with --data.`);
      const { startWorker } = await import('../queue/worker.js');
      const worker = await startWorker({
        url: flags.queue,
        queueName: flags.queueName,
        dataFolder: flags.data,
        concurrency: flags.concurrency,
        lockSeconds: flags.lockSeconds,
        log: flags.quiet ? () => undefined : (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`v2m worker: taking jobs from '${flags.queueName}' (data: ${path.resolve(flags.data)}, ${flags.concurrency} at a time)\n`);
      await new Promise<void>((resolve) => {
        // SIGINT/SIGTERM: take no new job, let the running ones finish, then leave.
        const stop = () => void worker.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('v2m worker: stopped.\n');
    });
}

type BatchFlags = ScoreFlags & { out: string; concurrency: number; queue?: string; data: string; queueName: string; attempts: number; deadline: number };

interface WorkerFlags {
  queue: string;
  data: string;
  concurrency: number;
  queueName: string;
  lockSeconds: number;
  quiet?: boolean;
}

/** commander's flags for `score`: ScoreOptions as typed on a command line, plus output switches. */
type ScoreFlags = Omit<ScoreOptions, 'style' | 'mux' | 'originalGainDb' | 'chords' | 'dynamics' | 'soundFont'> & {
  soundfont?: string;
  style: string;
  mux: string;
  chords: string;
  dynamics: string;
  originalGain: number;
  json?: boolean;
  quiet?: boolean;
};

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return EXIT_CODES.USAGE;
  }
  try {
    await program.parseAsync(argv);
    return commandExitCode ?? EXIT_CODES.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; everything else is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
    }
    // A V2mError, or a system error that says the machine failed (disk full, no permission): one line, no stack.
    const known = fromSystemError(error);
    if (known) {
      process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}v2m: ${known.message}\n`);
      return EXIT_CODES[known.code];
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`\nv2m: internal error — this is a bug, please report it with the command you ran.\n${message}\n`);
    return EXIT_CODES.INTERNAL;
  }
}

/**
 * Why this Node cannot run v2m, or undefined when it can. The server's dependencies (content-disposition 3,
 * cookie 2) are ES modules loaded with require(), which works from Node 20.19 and 22.12 on — exactly where
 * process.features.require_module is true (it is false under --no-experimental-require-module, and
 * missing on older Nodes). package.json's `engines` says the same.
 */
function unsupportedNode(): string | undefined {
  const features = process.features as { require_module?: boolean };
  if (features.require_module === true) return undefined;
  const why = features.require_module === false ? ' (require() of ES modules is turned off here)' : '';
  return `v2m needs Node ≥ 20.19 (or ≥ 22.12), where require() can load ES modules; this is Node ${process.version}${why}. Install a current Node LTS from https://nodejs.org.`;
}

const nodeProblem = unsupportedNode();
if (nodeProblem) {
  process.stderr.write(`v2m: ${nodeProblem}\n`);
  process.exitCode = EXIT_CODES.INTERNAL;
} else {
  process.exitCode = await main(process.argv);
}
