// The v2m web page: pick a video and options, upload it, follow the job stage by stage, then watch
// the scored video over its timeline (the same lanes as the HTML report), regenerate, download.

import { cueSheetLanes, LANE_CSS } from '../../src/report/lanes.js';
import { laneSvg, PLOT, TimeAxis, timeTicks } from '../../src/report/svg.js';
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
  style: element<HTMLSelectElement>('style'),
  mood: element<HTMLSelectElement>('mood'),
  seed: element<HTMLInputElement>('seed'),
  tempo: element<HTMLInputElement>('tempo'),
  tempoChanges: element<HTMLSelectElement>('tempo-changes'),
  faces: element<HTMLInputElement>('faces'),
  score: element<HTMLButtonElement>('score'),
  uploadProgress: element<HTMLProgressElement>('upload-progress'),
  uploadStatus: element('upload-status'),
  formError: element('form-error'),
  job: element('job'),
  jobTitle: element('job-title'),
  stages: element<HTMLOListElement>('stages'),
  jobProgress: element<HTMLProgressElement>('job-progress'),
  jobStatus: element('job-status'),
  jobError: element('job-error'),
  result: element('result'),
  player: element<HTMLVideoElement>('player'),
  summary: element('summary'),
  timeline: element('timeline'),
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

function formOptions(): JobOptions {
  const seed = Number(ui.seed.value);
  return {
    style: ui.style.value,
    mood: ui.mood.value || undefined,
    seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : 1,
    faces: ui.faces.checked,
    // An empty tempo box: the picture's tempo; a number locks the music to it (the server checks the range).
    tempo: ui.tempo.value === '' ? undefined : Number(ui.tempo.value),
    tempoChanges: ui.tempoChanges.value,
  };
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
  show(ui.uploadProgress, true);
  try {
    const job = await api.upload(chosenFile, formOptions(), (fraction) => {
      ui.uploadProgress.value = fraction;
      ui.uploadStatus.textContent = `uploading ${Math.round(fraction * 100)} %`;
    });
    ui.uploadStatus.textContent = 'uploaded';
    open(job);
  } catch (error) {
    showError(ui.formError, (error as Error).message);
    ui.uploadStatus.textContent = '';
  } finally {
    ui.score.disabled = !chosenFile;
    show(ui.uploadProgress, false);
  }
});

// --- following a job ---------------------------------------------------------------------------

function open(job: Job): void {
  stopFollowing?.();
  current = job;
  history.replaceState(null, '', `#job=${job.id}`);
  show(ui.job, true);
  show(ui.result, false);
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
  const seed = `seed ${job.options.seed}${job.reusedAnalysis ? ', analysis reused' : ''}`;
  ui.jobStatus.textContent =
    job.state === 'queued' ? `waiting in the queue (${seed})` : job.state === 'running' ? `${Math.round(job.progress * 100)} % · ${job.stage} (${seed})` : `${job.state} (${seed})`;
  ui.jobStatus.dataset.state = job.state;
  showError(ui.jobError, job.state === 'failed' ? job.error ?? 'The job failed.' : null);
}

async function showResult(job: Job): Promise<void> {
  const results = job.results!;
  ui.player.src = withToken(results.video);
  ui.downloads.replaceChildren(
    ...(
      [
        ['video', 'Video'],
        ['audio', 'WAV'],
        ['midi', 'MIDI'],
        ['cues', 'Cue sheet'],
        ['report', 'Report'],
      ] as const
    ).map(([kind, label]) => {
      const link = document.createElement('a');
      link.href = withToken(kind === 'report' ? results[kind] : `${results[kind]}?download=true`);
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
    drawTimeline(await api.cues(job));
  } catch (error) {
    ui.timeline.textContent = `The timeline could not be drawn: ${(error as Error).message}`;
  }
}

// --- the timeline under the player -----------------------------------------------------------------

function drawTimeline(cues: Awaited<ReturnType<typeof api.cues>>): void {
  const axis = new TimeAxis(cues.input.duration);
  const wanted = new Set(['cuts', 'visual-beats', 'motion', 'emotion', 'chords', 'tempo']);
  const lanes = cueSheetLanes(axis, cues).filter((lane) => wanted.has(lane.feature));
  ui.timeline.innerHTML = lanes.map((lane) => laneSvg(axis, lane)).join('') + timeTicks(axis);
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
  placeCursor(ui.player.currentTime);
  requestAnimationFrame(followPlayback);
}
requestAnimationFrame(followPlayback);

ui.timeline.addEventListener('click', (event) => {
  const lane = (event.target as Element).closest('svg.lane');
  if (!lane || !Number.isFinite(ui.player.duration)) return;
  const box = lane.getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * PLOT.width;
  if (x >= PLOT.labelWidth) ui.player.currentTime = ((x - PLOT.labelWidth) / (PLOT.width - PLOT.padding - PLOT.labelWidth)) * Number((lane as SVGSVGElement).dataset.duration);
});

// --- regenerating --------------------------------------------------------------------------------

async function regenerate(options: JobOptions): Promise<void> {
  if (!current) return;
  showError(ui.jobError, null);
  try {
    open(await api.regenerate(current.id, options));
  } catch (error) {
    showError(ui.jobError, (error as Error).message);
  }
}

ui.newSeed.addEventListener('click', () => {
  const seed = (current?.options.seed ?? 0) + 1;
  ui.seed.value = String(seed);
  void regenerate({ seed });
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
  ui.style.replaceChildren(...choices.styles.map((style) => new Option(style, style, false, style === choices.defaults.style)));
  ui.mood.append(...choices.moods.map((mood) => new Option(mood, mood)));
  ui.seed.value = String(choices.defaults.seed);
  ui.tempoChanges.replaceChildren(...choices.tempoChanges.map((how) => new Option(how, how, false, how === choices.defaults.tempoChanges)));
  ui.faces.checked = choices.defaults.faces;
  await refreshJobs();
  const linked = /^#job=([0-9a-f-]{36})$/.exec(location.hash)?.[1];
  if (linked) await api.job(linked).then(open, () => history.replaceState(null, '', location.pathname));
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => showError(ui.formError, `The page could not start: ${(error as Error).message}`));
