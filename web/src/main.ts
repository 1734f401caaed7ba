// The v2m web page: pick a video, upload it, follow the job stage by stage, then watch the scored
// video over its timeline (the same lanes as the HTML report) with the options beside it, regenerate,
// download. The controls are made from the server's option table (GET /options); the server checks
// the values and the page shows what it says.

import { cueSheetLanes, LANE_CSS, laneSeconds } from '../../src/report/lanes.js';
import { laneSvg, PLOT, TimeAxis, timeTicks } from '../../src/report/svg.js';
import type { OptionSpec } from '../../src/config.js';
import { api, withToken, type Job, type JobOptions } from './api.js';
import './style.css';

/** The pipeline's stages in order, with the words the page shows for them. */
const STAGES: ReadonlyArray<[stage: string, label: string]> = [
  ['probe', 'read'],
  ['analyze', 'watch'],
  ['compose', 'compose'],
  ['synthesize', 'play'],
  ['master', 'master'],
  ['mux', 'mux'],
];

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}.`);
  return found as T;
}

const ui = {
  drop: element<HTMLLabelElement>('drop'),
  file: element<HTMLInputElement>('file'),
  fileName: element('file-name'),
  controls: element('controls'),
  advancedControls: element('advanced-controls'),
  advanced: element<HTMLDetailsElement>('advanced'),
  optionsError: element('options-error'),
  score: element<HTMLButtonElement>('score'),
  uploadRow: element('upload-row'),
  uploadProgress: element<HTMLProgressElement>('upload-progress'),
  uploadStatus: element('upload-status'),
  formError: element('form-error'),
  job: element('job'),
  noJob: element('no-job'),
  jobTitle: element('job-title'),
  stages: element<HTMLOListElement>('stages'),
  jobProgress: element<HTMLProgressElement>('job-progress'),
  jobStatus: element('job-status'),
  jobError: element('job-error'),
  result: element('result'),
  player: element<HTMLVideoElement>('player'),
  summary: element('summary'),
  reasons: element('reasons'),
  timeline: element('timeline'),
  emotionLegend: element('emotion-legend'),
  newSeed: element<HTMLButtonElement>('new-seed'),
  applyOptions: element<HTMLButtonElement>('apply-options'),
  downloads: element('downloads'),
  jobs: element<HTMLUListElement>('jobs'),
};

let chosenFile: File | undefined;
let current: Job | undefined;
let stopFollowing: (() => void) | undefined;

function show(target: HTMLElement, visible: boolean): void {
  target.hidden = !visible;
}

function showError(target: HTMLElement, message: string | null): void {
  target.textContent = message ?? '';
  show(target, message !== null);
}

// --- the options panel, made from the option table ----------------------------------------------

/** One control per option of the table, by option name. */
const controls = new Map<string, { spec: OptionSpec; input: HTMLInputElement | HTMLSelectElement }>();

/** The id a control gets: the option's name in kebab case (tempoChanges → #tempo-changes). */
const controlId = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

function makeControl(spec: OptionSpec, fallback: string | number | boolean | undefined): HTMLLabelElement {
  const label = document.createElement('label');
  label.title = spec.help;
  let input: HTMLInputElement | HTMLSelectElement;
  if (spec.kind === 'choice') {
    input = document.createElement('select');
    // An option without a default is chosen from the picture unless the user picks one.
    if (fallback === undefined) input.append(new Option('from the picture', ''));
    input.append(...spec.choices!.map((choice) => new Option(choice, choice)));
  } else {
    input = document.createElement('input');
    if (spec.kind === 'switch') input.type = 'checkbox';
    else if (spec.kind === 'text') {
      input.type = 'text';
      if (spec.maxLength) input.maxLength = spec.maxLength;
      input.placeholder = fallback === undefined ? 'from the picture' : '';
    } else {
      input.type = 'number';
      input.inputMode = spec.kind === 'integer' ? 'numeric' : 'decimal';
      input.min = String(spec.minimum);
      input.max = String(spec.maximum);
      input.step = spec.kind === 'integer' ? '1' : 'any';
      if (fallback === undefined) input.placeholder = 'from the picture';
    }
  }
  input.id = controlId(spec.name);
  input.name = spec.name;
  controls.set(spec.name, { spec, input });
  const text = document.createElement('span');
  text.textContent = spec.label;
  if (spec.kind === 'switch') label.append(input, text);
  else label.append(text, input);
  label.className = spec.kind === 'switch' ? 'check' : '';
  return label;
}

/** Puts `options` (a job's, or the defaults) into the controls; what it leaves out is cleared. */
function loadOptions(options: object): void {
  for (const [name, { spec, input }] of controls) {
    const value = (options as Record<string, unknown>)[name];
    if (spec.kind === 'switch') (input as HTMLInputElement).checked = value === true;
    else input.value = value === undefined || value === null ? '' : String(value);
  }
}

/** Whether `options` set anything under "More options" away from its default: then it is unfolded. */
function usesAdvancedOptions(options: object): boolean {
  return [...controls.values()].some(({ spec }) => spec.advanced && (options as Record<string, unknown>)[spec.name] !== undefined && (options as Record<string, unknown>)[spec.name] !== defaults[spec.name]);
}

/** The server's defaults (GET /options). */
let defaults: Record<string, unknown> = {};

/** The controls' values as typed: empty means "not set"; the server says what is wrong with the rest. */
function formOptions(): JobOptions {
  const options: JobOptions = {};
  for (const [name, { spec, input }] of controls) {
    if (spec.kind === 'switch') options[name] = (input as HTMLInputElement).checked;
    else if (input.value.trim() !== '') options[name] = input.value.trim();
  }
  return options;
}

// --- choosing a file -------------------------------------------------------------------------

function choose(file: File | undefined): void {
  chosenFile = file;
  ui.fileName.textContent = file ? `${file.name} (${(file.size / 1024 ** 2).toFixed(1)} MB)` : '';
  ui.score.disabled = !file;
  ui.drop.classList.toggle('chosen', file !== undefined);
}

ui.file.addEventListener('change', () => choose(ui.file.files?.[0]));
for (const type of ['dragenter', 'dragover'] as const) {
  ui.drop.addEventListener(type, (event) => {
    event.preventDefault();
    ui.drop.classList.add('over');
  });
}
for (const type of ['dragleave', 'drop'] as const) ui.drop.addEventListener(type, () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (event) => {
  event.preventDefault();
  choose(event.dataTransfer?.files[0]);
});

ui.score.addEventListener('click', async () => {
  if (!chosenFile) return;
  showError(ui.formError, null);
  ui.score.disabled = true;
  showError(ui.optionsError, null);
  show(ui.uploadRow, true);
  try {
    const job = await api.upload(chosenFile, formOptions(), (fraction) => {
      ui.uploadProgress.value = fraction;
      ui.uploadStatus.textContent = `uploading ${Math.round(fraction * 100)} %`;
    });
    ui.uploadStatus.textContent = 'uploaded';
    open(job);
  } catch (error) {
    // A refused option is shown beside the options, anything else under the upload.
    showError(/^Option /.test((error as Error).message) ? ui.optionsError : ui.formError, (error as Error).message);
    ui.uploadStatus.textContent = '';
  } finally {
    ui.score.disabled = !chosenFile;
    show(ui.uploadRow, false);
  }
});

// --- following a job ---------------------------------------------------------------------------

function open(job: Job): void {
  stopFollowing?.();
  current = job;
  history.replaceState(null, '', `#job=${job.id}`);
  show(ui.job, true);
  show(ui.noJob, false);
  show(ui.result, false);
  ui.applyOptions.disabled = false;
  ui.newSeed.disabled = false;
  // The controls show the options this job was made with, so that "Regenerate" starts from them.
  loadOptions(job.options);
  if (usesAdvancedOptions(job.options)) ui.advanced.open = true;
  ui.player.removeAttribute('src');
  ui.timeline.replaceChildren();
  ui.jobTitle.textContent = job.name;
  render(job);
  if (job.state === 'done') void showResult(job);
  else if (job.state !== 'failed') stopFollowing = api.follow(job.id, onJob);
  void refreshJobs();
}

function onJob(job: Job): void {
  if (job.id !== current?.id) return;
  const wasDone = current.state === 'done';
  current = job;
  render(job);
  if (job.state === 'done' && !wasDone) void showResult(job);
  if (job.state === 'done' || job.state === 'failed') void refreshJobs();
}

function render(job: Job): void {
  const index = STAGES.findIndex(([stage]) => stage === job.stage);
  ui.stages.replaceChildren(
    ...STAGES.map(([stage, label], i) => {
      const item = document.createElement('li');
      item.textContent = label;
      item.dataset.stage = stage;
      const state = job.state === 'done' || i < index ? 'finished' : i === index ? 'active' : 'waiting';
      item.className = state;
      if (state === 'active') item.setAttribute('aria-current', 'step');
      return item;
    }),
  );
  ui.jobProgress.value = job.progress;
  ui.jobProgress.setAttribute('aria-valuetext', `${Math.round(job.progress * 100)} %, ${job.stage}`);
  const seed = `seed ${job.options.seed}${job.reusedAnalysis ? ', analysis reused' : ''}`;
  ui.jobStatus.textContent =
    job.state === 'queued' ? `waiting in the queue (${seed})` : job.state === 'running' ? `${Math.round(job.progress * 100)} % · ${job.stage}${timeLeft(job)} (${seed})` : `${job.state} (${seed})`;
  ui.jobStatus.dataset.state = job.state;
  showError(ui.jobError, job.state === 'failed' ? job.error ?? 'The job failed.' : null);
}

/** Where a running job stood when the page first saw it run: the pace since then gives the time left. */
const paceFrom = new Map<string, { at: number; progress: number }>();
/** Before this much progress (or this long) seen, the time left would be a guess: none is shown. */
const ETA_AFTER_PROGRESS = 0.05;
const ETA_AFTER_MS = 2_000;

/** " · about 12 s left", or '' while it would be a guess. */
function timeLeft(job: Job): string {
  const now = performance.now();
  const from = paceFrom.get(job.id) ?? { at: now, progress: job.progress };
  paceFrom.set(job.id, from);
  const done = job.progress - from.progress;
  const elapsed = now - from.at;
  if (done < ETA_AFTER_PROGRESS || elapsed < ETA_AFTER_MS) return '';
  const seconds = Math.max(1, Math.round((elapsed * (1 - job.progress)) / done / 1000));
  return seconds >= 90 ? ` · about ${Math.round(seconds / 60)} min left` : ` · about ${seconds} s left`;
}

async function showResult(job: Job): Promise<void> {
  const results = job.results!;
  // The scored video's own stream when browsers play it, else the server's H.264 preview of it.
  ui.player.src = withToken(results.preview ?? results.video);
  ui.downloads.replaceChildren(
    ...(
      [
        ['video', 'Video'],
        ['audio', 'WAV'],
        ['midi', 'MIDI'],
        ['cues', 'Cue sheet'],
        ['report', 'Report'],
        ['markers', 'Markers (CSV)'],
        ['stems', 'Stems (zip)'],
      ] as const
    ).filter(([kind]) => results[kind] !== undefined).map(([kind, label]) => {
      const link = document.createElement('a');
      link.href = withToken(kind === 'report' ? results[kind]! : `${results[kind]}?download=true`);
      if (kind === 'report') link.target = '_blank';
      else link.download = '';
      link.textContent = label;
      link.dataset.kind = kind;
      link.className = 'button secondary';
      return link;
    }),
  );
  const summary = job.summary;
  ui.summary.textContent = summary ? `${summary.style}, ${summary.key}, ${summary.tempo} BPM, ${summary.cuts} cut(s) · ${summary.duration.toFixed(1)} s` : '';
  show(ui.result, true);
  try {
    const cues = await api.cues(job);
    drawTimeline(cues);
    showReasons(cues.reasons);
  } catch (error) {
    ui.timeline.textContent = `The timeline could not be drawn: ${(error as Error).message}`;
  }
}

// --- the timeline under the player -----------------------------------------------------------------

type Cues = Awaited<ReturnType<typeof api.cues>>;

/** How close a planned hit point must be to a cut to count as the music landing on it. */
const HIT_TOLERANCE_SECONDS = 0.05;
/** Landings on the beat grid; an accent on its own frame does not count as landing on the cut. */
const ON_THE_GRID = new Set(['downbeat', 'beat', 'eighth', 'sixteenth']);

/** Where the music starts in the scored video (--from): the lanes count from there; a loop's show one cycle. */
let musicFrom = 0;
let loopSeconds = 0;

/** Where the video's time falls in the music. */
function musicTime(videoTime: number): number {
  const time = Math.max(0, videoTime - musicFrom);
  return loopSeconds > 0 ? time % loopSeconds : time;
}

function drawTimeline(cues: Cues): void {
  musicFrom = cues.placement?.from ?? 0;
  loopSeconds = cues.placement?.loop ? cues.placement.musicSeconds : 0;
  const axis = new TimeAxis(laneSeconds(cues));
  const wanted = new Set(['cuts', 'visual-beats', 'motion', 'emotion', 'chords', 'tempo', 'speech']);
  const landed = (time: number) => cues.hitPoints.some((hit) => Math.abs(hit.time - time) <= HIT_TOLERANCE_SECONDS && ON_THE_GRID.has(hit.landing));
  const lanes = cueSheetLanes(axis, cues, landed).filter((lane) => wanted.has(lane.feature));
  ui.timeline.innerHTML = lanes.map((lane) => laneSvg(axis, lane)).join('') + timeTicks(axis);
  ui.timeline.setAttribute('aria-valuemax', String(laneSeconds(cues)));
  const emotionLane = cues.emotion?.labels ?? [];
  ui.emotionLegend.replaceChildren(
    'emotion:',
    ...emotionLane.map((name, i) => {
      const item = document.createElement('span');
      item.innerHTML = `<span class="swatch band-${i}"></span> `;
      item.append(name);
      return item;
    }),
  );
}

/** Why the music does what it does: the reasons the composer gave for its style, key and tempo. */
function showReasons(reasons: Cues['reasons']): void {
  ui.reasons.replaceChildren(
    ...Object.entries(reasons).flatMap(([what, why]) => {
      const term = document.createElement('dt');
      term.textContent = what;
      const detail = document.createElement('dd');
      detail.textContent = why;
      return [term, detail];
    }),
  );
}

/** Moves every lane's cursor to `time` (seconds). */
function placeCursor(time: number): void {
  const left = PLOT.labelWidth;
  const right = PLOT.width - PLOT.padding;
  for (const lane of ui.timeline.querySelectorAll<SVGSVGElement>('svg.lane')) {
    const x = String(left + (right - left) * Math.min(1, time / Number(lane.dataset.duration)));
    const cursor = lane.querySelector('.cursor');
    cursor?.setAttribute('x1', x);
    cursor?.setAttribute('x2', x);
  }
}

function followPlayback(): void {
  const time = musicTime(ui.player.currentTime);
  placeCursor(time);
  const now = time.toFixed(1);
  if (ui.timeline.getAttribute('aria-valuenow') !== now) {
    ui.timeline.setAttribute('aria-valuenow', now);
    ui.timeline.setAttribute('aria-valuetext', `${now} s`);
  }
  requestAnimationFrame(followPlayback);
}
requestAnimationFrame(followPlayback);

ui.timeline.addEventListener('click', (event) => {
  const lane = (event.target as Element).closest('svg.lane');
  if (!lane || !Number.isFinite(ui.player.duration)) return;
  const box = lane.getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * PLOT.width;
  if (x >= PLOT.labelWidth) ui.player.currentTime = musicFrom + ((x - PLOT.labelWidth) / (PLOT.width - PLOT.padding - PLOT.labelWidth)) * Number((lane as SVGSVGElement).dataset.duration);
});

/** Seconds each key moves the player by (shift: five times as far). */
const SEEK_KEYS: Record<string, number> = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

ui.timeline.addEventListener('keydown', (event) => {
  const duration = ui.player.duration;
  if (!Number.isFinite(duration)) return;
  let target: number | undefined;
  if (event.key === 'Home') target = 0;
  else if (event.key === 'End') target = duration;
  else if (event.key in SEEK_KEYS) target = ui.player.currentTime + SEEK_KEYS[event.key]! * (event.shiftKey ? 5 : 1);
  if (target === undefined) return;
  event.preventDefault();
  ui.player.currentTime = Math.min(duration, Math.max(0, target));
});

// --- regenerating --------------------------------------------------------------------------------

async function regenerate(options: JobOptions): Promise<void> {
  if (!current) return;
  showError(ui.optionsError, null);
  try {
    open(await api.regenerate(current.id, options));
  } catch (error) {
    // The server's words (e.g. "Option 'seed' must be >= 0"), never a silently changed value.
    showError(ui.optionsError, (error as Error).message);
  }
}

ui.newSeed.addEventListener('click', () => {
  const seed = (current?.options.seed ?? 0) + 1;
  void regenerate({ ...formOptions(), seed });
});
ui.applyOptions.addEventListener('click', () => void regenerate(formOptions()));

// --- past jobs ---------------------------------------------------------------------------------

async function refreshJobs(): Promise<void> {
  const jobs = await api.jobs().catch(() => undefined);
  if (!jobs) return;
  if (jobs.length === 0) return;
  ui.jobs.replaceChildren(
    ...jobs.map((job) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      const when = new Date(job.createdAt).toLocaleString();
      const what = job.summary ? `${job.summary.style}, ${job.summary.key}, ${job.summary.tempo} BPM` : job.state;
      button.textContent = `${job.name} — ${what} · seed ${job.options.seed}`;
      button.addEventListener('click', () => void api.job(job.id).then(open));
      const meta = document.createElement('span');
      meta.className = `muted state-${job.state}`;
      meta.textContent = ` ${job.state} · ${when}`;
      item.append(button, meta);
      if (job.id === current?.id) item.setAttribute('aria-current', 'true');
      return item;
    }),
  );
}

// --- start ---------------------------------------------------------------------------------

async function start(): Promise<void> {
  const laneStyle = document.createElement('style');
  laneStyle.textContent = LANE_CSS;
  document.head.append(laneStyle);
  const choices = await api.choices();
  for (const spec of choices.controls) (spec.advanced ? ui.advancedControls : ui.controls).append(makeControl(spec, choices.defaults[spec.name]));
  defaults = choices.defaults;
  loadOptions(choices.defaults);
  await refreshJobs();
  const linked = /^#job=([0-9a-f-]{36})$/.exec(location.hash)?.[1];
  if (linked) await api.job(linked).then(open, () => history.replaceState(null, '', location.pathname));
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => showError(ui.formError, `The page could not start: ${(error as Error).message}`));
