// Clips with planted answers for the cut detector, drawn by ffmpeg's own sources (testsrc2,
// mandelbrot, colour bars, title cards of boxes): real cuts between similar shots, and things that
// are not cuts — flashes, flicker, a disc crossing the lens, a fade to black at the end, a line of
// a title card changing. Nothing is read from ../shared, so the tests run on a clean clone.

import path from 'node:path';
import { ffmpeg } from '../helpers.js';

export const CLIP_FPS = 25;
const SIZE = '320x180';
const seconds = (frame: number) => frame / CLIP_FPS;

/** What a planted disturbance is; none of them is a change of shot. */
export type DistractorKind = 'flash' | 'black-frame' | 'flicker' | 'light' | 'occlusion' | 'fade-out' | 'text-change';

export interface PlantedClip {
  name: string;
  file: string;
  /** The first frame of each new shot, seconds: the hard cuts that must be found. */
  cuts: number[];
  /** Disturbances inside one shot, from their first to their last frame, seconds: no cut may fall in them. */
  distractors: Array<{ kind: DistractorKind; start: number; end: number }>;
}

/** One shot: an ffmpeg source chain (320×180, 25 fps) and how many frames of it to keep. */
interface Shot {
  /** A filter graph that ends in the pad `[out]`; it may use other pads, named after `out`. */
  graph: (out: string) => string;
  frames: number;
  /** This shot continues the one before it (a card whose text changes): the join is that distractor, not a cut. */
  continues?: DistractorKind;
}

/** A lavfi source with optional filters after it, e.g. source('testsrc2', 'hue=h=90'). */
function source(name: string, filters = ''): Shot['graph'] {
  return (out) => `${name}${name.includes('=') ? ':' : '='}s=${SIZE}:r=${CLIP_FPS}${filters ? `,${filters}` : ''}[${out}]`;
}

/** Filters applied to frames `first`…`last` of a shot only (frame numbers count from the shot's start). */
function during(first: number, last: number, filter: string): string {
  return `${filter}:enable='between(n,${first},${last})'`;
}

const whiteFrames = (first: number, last: number) => during(first, last, 'drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill');
const blackFrames = (first: number, last: number) => during(first, last, 'drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill');
/** A camera flash that brightens without burning out: a translucent white veil. */
const brightFrames = (first: number, last: number) => during(first, last, 'drawbox=x=0:y=0:w=iw:h=ih:color=white@0.45:t=fill');

/** A title card: a plain background with light boxes standing for lines of text. */
function titleCard(background: string, lines: ReadonlyArray<readonly [x: number, y: number, width: number]>, filters = ''): Shot['graph'] {
  const boxes = lines.map(([x, y, width]) => `drawbox=x=${x}:y=${y}:w=${width}:h=14:color=#f0e8d0:t=fill`).join(',');
  return source(`color=c=${background}`, [boxes, filters].filter(Boolean).join(','));
}

const CARD_LINES = [
  [60, 50, 200],
  [90, 76, 140],
  [110, 120, 100],
] as const;

/** How long an occluder is in view: half a second. */
const OCCLUSION_FRAMES = 12;

/**
 * A dark disc (`shape` 'disc') or a skin-coloured block ('hand') crossing `background` from left to
 * right from frame `enter`, in view for OCCLUSION_FRAMES: a steady 'sweep', or a 'swipe' that covers
 * most of the frame within two frames, drifts, and leaves within two (a hand close to the lens).
 */
function occluded(background: Shot['graph'], shape: 'disc' | 'hand', motion: 'sweep' | 'swipe', enter: number): Shot['graph'] {
  const [width, height, y] = shape === 'disc' ? [240, 240, -30] : [230, 240, -30];
  const alpha = shape === 'disc' ? `255*lt(hypot(X-${width / 2},Y-${height / 2}),${width / 2})` : '255';
  const colour = shape === 'disc' ? 'r=25:g=18:b=12' : 'r=170:g=120:b=95';
  const k = `(n-${enter})`;
  const last = OCCLUSION_FRAMES - 1;
  // x of the occluder's left edge at frame k of its crossing.
  const x =
    motion === 'sweep'
      ? `-${width}+(${k}+1)*${((320 + width) / (OCCLUSION_FRAMES + 1)).toFixed(3)}`
      : `if(lt(${k},2),-${width}+(${k}+1)*${width / 2},if(lt(${k},${last - 1}),(${k}-1)*${((320 - width) / (last - 2)).toFixed(3)},320-(${last + 1}-${k})*${(320 / 3).toFixed(3)}))`;
  return (out) =>
    `${background(`${out}bg`)};` +
    `color=c=black:s=${width}x${height}:r=${CLIP_FPS},format=rgba,geq=${colour}:a='${alpha}'[${out}fg];` +
    `[${out}bg][${out}fg]overlay=x='${x}':y=${y}:enable='between(n,${enter},${enter + last})':shortest=1[${out}]`;
}

/** Joins shots into one H.264 file; returns the file, the planted cut times and the joins that are no cut. */
function joinShots(shots: readonly Shot[], file: string): Pick<PlantedClip, 'file' | 'cuts' | 'distractors'> {
  const chains = shots.map((shot, i) => `${shot.graph(`s${i}`)};[s${i}]trim=end_frame=${shot.frames},setpts=PTS-STARTPTS,format=yuv420p[v${i}]`);
  const concat = `${shots.map((_, i) => `[v${i}]`).join('')}concat=n=${shots.length}:v=1:a=0[joined]`;
  ffmpeg(['-filter_complex', `${chains.join(';')};${concat}`, '-map', '[joined]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-r', String(CLIP_FPS), file]);
  const cuts: number[] = [];
  const distractors: PlantedClip['distractors'] = [];
  let frame = 0;
  shots.forEach((shot, i) => {
    if (i > 0 && shot.continues) distractors.push({ kind: shot.continues, start: seconds(frame), end: seconds(frame + 1) });
    else if (i > 0) cuts.push(seconds(frame));
    frame += shot.frames;
  });
  return { file, cuts, distractors };
}

/** Flashes in one moving shot (1 and 3 white frames, a black frame, a bright veil), then a real cut with a flash just after it. */
function flashes(folder: string): PlantedClip {
  const first = source('mandelbrot', [whiteFrames(25, 25), whiteFrames(50, 52), blackFrames(75, 75), brightFrames(95, 96)].join(','));
  const second = source('testsrc2', whiteFrames(12, 12));
  const { file, cuts } = joinShots([{ graph: first, frames: 120 }, { graph: second, frames: 60 }], path.join(folder, 'flashes.mp4'));
  return {
    name: 'flashes',
    file,
    cuts,
    distractors: [
      { kind: 'flash', start: seconds(25), end: seconds(26) },
      { kind: 'flash', start: seconds(50), end: seconds(53) },
      { kind: 'black-frame', start: seconds(75), end: seconds(76) },
      { kind: 'flash', start: seconds(95), end: seconds(97) },
      { kind: 'flash', start: seconds(120 + 12), end: seconds(120 + 13) },
    ],
  };
}

/** A title card that flickers (a veil on for two frames in five), then is lit brighter for good, then cuts to another card. */
function flickeringCard(folder: string): PlantedClip {
  const flicker = "drawbox=x=0:y=0:w=iw:h=ih:color=white@0.3:t=fill:enable='between(n,20,60)*lt(mod(n,5),2)'";
  const dimmer = "drawbox=x=0:y=0:w=iw:h=ih:color=black@0.35:t=fill:enable='between(n,75,84)*lt(mod(n,4),2)'";
  const relit = "drawbox=x=0:y=0:w=iw:h=ih:color=white@0.25:t=fill:enable='gte(n,100)'";
  const card = titleCard('navy', CARD_LINES, [flicker, dimmer, relit].join(','));
  const other = titleCard('#602020', [[40, 70, 240], [80, 96, 160]]);
  const { file, cuts } = joinShots([{ graph: card, frames: 130 }, { graph: other, frames: 40 }], path.join(folder, 'flicker.mp4'));
  return {
    name: 'flickering title card',
    file,
    cuts,
    distractors: [
      { kind: 'flicker', start: seconds(20), end: seconds(61) },
      { kind: 'flicker', start: seconds(75), end: seconds(85) },
      { kind: 'light', start: seconds(100), end: seconds(101) },
    ],
  };
}

/**
 * Lyric cards over one background: the lines change twice (one line, then all of them) — no cut —
 * then a real cut to a card of another colour with the same lines.
 */
function changingCard(folder: string): PlantedClip {
  const lyrics: ReadonlyArray<ReadonlyArray<readonly [number, number, number]>> = [
    CARD_LINES,
    [CARD_LINES[0], CARD_LINES[1], [70, 120, 180]],
    [[30, 40, 260], [50, 66, 220], [100, 100, 120], [40, 134, 240]],
  ];
  const shots: Shot[] = [
    { graph: titleCard('navy', lyrics[0]!), frames: 40 },
    { graph: titleCard('navy', lyrics[1]!), frames: 35, continues: 'text-change' },
    { graph: titleCard('navy', lyrics[2]!), frames: 35, continues: 'text-change' },
    { graph: titleCard('#1e5a32', lyrics[2]!), frames: 40 },
  ];
  return { name: 'changing lyric card', ...joinShots(shots, path.join(folder, 'card.mp4')) };
}

/**
 * Things crossing the lens: a disc sweeping over a zooming fractal in 0.5 s, a hand swiping close
 * over still colour bars (in and out in two frames each), a disc swiping over testsrc2; real cuts
 * between the three shots.
 */
function occlusions(folder: string): PlantedClip {
  const shots: Shot[] = [
    { graph: occluded(source('mandelbrot'), 'disc', 'sweep', 20), frames: 55 },
    { graph: occluded(source('smptehdbars'), 'hand', 'swipe', 30), frames: 65 },
    { graph: occluded(source('testsrc2'), 'disc', 'swipe', 15), frames: 50 },
    { graph: occluded(source('color=c=#405060', CARD_LINES.map(([x, y, w]) => `drawbox=x=${x}:y=${y}:w=${w}:h=14:color=white:t=fill`).join(',')), 'hand', 'swipe', 12), frames: 40 },
  ];
  const { file, cuts } = joinShots(shots, path.join(folder, 'occlusion.mp4'));
  let start = 0;
  const distractors = shots.map((shot, i) => {
    const enter = [20, 30, 15, 12][i]!;
    const crossing = { start: seconds(start + enter), end: seconds(start + enter + OCCLUSION_FRAMES) };
    start += shot.frames;
    return { kind: 'occlusion' as const, ...crossing };
  });
  return { name: 'occlusions', file, cuts, distractors };
}

/**
 * A defocused hand close to the lens, popping in over a fractal the camera slowly eases into and
 * waving left and right (2.5 times a second) for 1.6 s before it drops out of view; then a real cut
 * to colour bars.
 */
function wavingHand(folder: string): PlantedClip {
  const [enter, frames] = [30, 40];
  const hand = (out: string) =>
    `${source('mandelbrot=start_scale=1.5:end_scale=1:end_pts=400')(`${out}bg`)};` +
    `color=c=black:s=220x260:r=${CLIP_FPS},format=rgba,geq=r=150:g=105:b=85:a='255*lt(hypot(X-110,Y-130),105)',boxblur=8[${out}fg];` +
    `[${out}bg][${out}fg]overlay=x='60+180*sin(2*PI*2.5*(n-${enter})/${CLIP_FPS})':y=-40:enable='between(n,${enter},${enter + frames - 1})':shortest=1[${out}]`;
  const { file, cuts } = joinShots([{ graph: hand, frames: 95 }, { graph: source('smptebars'), frames: 30 }], path.join(folder, 'waving.mp4'));
  return { name: 'waving hand', file, cuts, distractors: [{ kind: 'occlusion', start: seconds(enter), end: seconds(enter + frames) }] };
}

/** Two endings: a 1 s fade to black, and a fade to a dim picture that drops to black for its last two frames. */
function fadeOuts(folder: string): PlantedClip[] {
  const smooth = joinShots(
    [
      { graph: source('testsrc2'), frames: 40 },
      { graph: source('mandelbrot', 'fade=t=out:start_frame=35:nb_frames=25'), frames: 62 },
    ],
    path.join(folder, 'fade-out.mp4'),
  );
  const abrupt = joinShots(
    [
      { graph: source('smptebars'), frames: 35 },
      { graph: source('testsrc2', `fade=t=out:start_frame=30:nb_frames=40,${blackFrames(48, 49)}`), frames: 50 },
    ],
    path.join(folder, 'fade-out-abrupt.mp4'),
  );
  return [
    { name: 'fade to black', ...smooth, distractors: [{ kind: 'fade-out', start: seconds(40 + 35), end: seconds(102) }] },
    { name: 'fade dropping to black', ...abrupt, distractors: [{ kind: 'fade-out', start: seconds(35 + 30), end: seconds(85) }] },
  ];
}

/** Real cuts between look-alike shots: one pattern shifted, recoloured or re-zoomed, and sources with similar colours. */
function similarShots(folder: string): PlantedClip {
  const shifted = (name: string, x: number, y: number, filters = ''): Shot['graph'] => (out) =>
    `${name}=s=400x225:r=${CLIP_FPS},crop=320:180:${x}:${y}${filters ? `,${filters}` : ''}[${out}]`;
  const shots: Shot[] = [
    { graph: source('testsrc2'), frames: 30 },
    { graph: shifted('testsrc2', 60, 30), frames: 34 },
    { graph: source('testsrc2', 'hue=h=70'), frames: 28 },
    { graph: source('mandelbrot'), frames: 36 },
    { graph: source('mandelbrot=start_x=-0.7436438870371587:start_y=0.1318259042053119:start_scale=1.2'), frames: 31 },
    { graph: source('mandelbrot', 'hue=h=120'), frames: 29 },
    { graph: source('smptebars'), frames: 27 },
    { graph: source('smptehdbars'), frames: 33 },
    { graph: source('testsrc'), frames: 30 },
    { graph: shifted('testsrc', 40, 20, 'hue=s=0.6'), frames: 26 },
    { graph: source('life=mold=10:ratio=0.5:seed=7:death_color=#203040:life_color=#c0a080', SETTLED), frames: 35 },
    { graph: source('life=mold=10:ratio=0.5:seed=11:death_color=#203040:life_color=#c0a080', SETTLED), frames: 30 },
    { graph: source('smptehdbars', 'hflip'), frames: 30 },
  ];
  return { name: 'similar shots', ...joinShots(shots, path.join(folder, 'similar.mp4')), distractors: [] };
}

/** Skips a second: life's first generations swarm, then its colonies settle into a texture. */
const SETTLED = 'trim=start_frame=25,setpts=PTS-STARTPTS';

/**
 * Cutting away and back within a second or two, as a dialogue or an insert does: the first shot
 * returns after a busy scrolling texture and after a fast zoom; every join is a cut.
 */
function cutAwayAndBack(folder: string): PlantedClip {
  const shots: Shot[] = [
    { graph: source('testsrc2'), frames: 40 },
    { graph: source('cellauto=rule=110:scroll=1:random_fill_ratio=0.5'), frames: 30 },
    { graph: source('testsrc2'), frames: 35 },
    { graph: source('mandelbrot=start_scale=2:end_scale=0.2:end_pts=40'), frames: 20 },
    { graph: source('testsrc2'), frames: 30 },
  ];
  return { name: 'cut away and back', ...joinShots(shots, path.join(folder, 'away-and-back.mp4')) };
}

/** Every planted clip, written into `folder`. */
export function buildDistractorClips(folder: string): PlantedClip[] {
  return [flashes(folder), flickeringCard(folder), changingCard(folder), occlusions(folder), wavingHand(folder), ...fadeOuts(folder), similarShots(folder), cutAwayAndBack(folder)];
}

/**
 * testsrc2 then a half-second cross-dissolve into the fractal (the second fades in over the first's
 * last frames); returns the file and the dissolve's start and end, seconds.
 */
export function buildHalfSecondDissolve(folder: string): { file: string; start: number; end: number } {
  const [before, dissolve, after] = [50, 12, 40];
  const file = path.join(folder, 'dissolve.mp4');
  const graph = [
    `testsrc2=s=${SIZE}:r=${CLIP_FPS},trim=end_frame=${before + dissolve},setpts=PTS-STARTPTS[a]`,
    `mandelbrot=s=${SIZE}:r=${CLIP_FPS},trim=end_frame=${dissolve + after},setpts=PTS-STARTPTS,split[b1][b2]`,
    `[b1]trim=end_frame=${dissolve},setpts=PTS-STARTPTS,format=yuva420p,fade=t=in:start_frame=0:nb_frames=${dissolve}:alpha=1,setpts=PTS-STARTPTS+${before}/(${CLIP_FPS}*TB)[top]`,
    `[b2]trim=start_frame=${dissolve},setpts=PTS-STARTPTS[rest]`,
    '[a][rest]concat=n=2:v=1:a=0[base]',
    '[base][top]overlay=eof_action=pass,format=yuv420p[out]',
  ].join(';');
  ffmpeg(['-filter_complex', graph, '-map', '[out]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
  return { file, start: seconds(before), end: seconds(before + dissolve) };
}
