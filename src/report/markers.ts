// markers: the cue points as files an editor imports — a CSV any tool reads (name, timecode, seconds,
// what it is, how the music meets it) and an EDL of markers in the form DaVinci Resolve imports
// (File → Import → Timeline Markers from EDL). Timecode is non-drop-frame at the video's nominal rate.

import type { CueSheet } from './cues.js';

export interface EditorMarker {
  name: string;
  seconds: number;
  kind: 'cut' | 'fade' | 'dissolve' | 'section';
  /** How the music meets it ("downbeat", "eighth", "accent" …) or, for a section, its part. */
  detail: string;
}

/**
 * Every hit point and every section start, in time order, on the video's clock: with --from the
 * cue sheet counts from the music's start, and the markers move by `placement.from` to sit on the
 * scored video's (and the source video's) own frames.
 */
export function editorMarkers(cues: Pick<CueSheet, 'hitPoints' | 'sections' | 'placement'>): EditorMarker[] {
  const from = cues.placement?.from ?? 0;
  const hits = cues.hitPoints.map((hit, i) => ({ name: `${hit.kind} ${i + 1}`, seconds: from + hit.time, kind: hit.kind as EditorMarker['kind'], detail: hit.landing }));
  const sections = cues.sections.map((section, i) => ({ name: `section ${i + 1}`, seconds: from + section.start, kind: 'section' as const, detail: section.part }));
  return [...sections, ...hits].sort((a, b) => a.seconds - b.seconds || (a.kind === 'section' ? -1 : 1));
}

/** HH:MM:SS:FF at the nominal rate (29.97 counts as 30, non-drop), from the frame nearest `seconds`. */
export function timecode(seconds: number, framesPerSecond: number): string {
  const nominal = Math.max(1, Math.round(framesPerSecond));
  const frame = Math.round(seconds * framesPerSecond);
  const pad = (value: number) => String(value).padStart(2, '0');
  const totalSeconds = Math.floor(frame / nominal);
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}:${pad(frame % nominal)}`;
}

export function markersCsv(cues: Pick<CueSheet, 'hitPoints' | 'sections' | 'input' | 'placement'>): string {
  const rows = editorMarkers(cues).map((marker) => [marker.name, timecode(marker.seconds, cues.input.framesPerSecond), marker.seconds.toFixed(3), marker.kind, marker.detail].join(','));
  return `${['Name', 'Timecode', 'Seconds', 'Kind', 'Music'].join(',')}\n${rows.map((row) => `${row}\n`).join('')}`;
}

/** Markers as an EDL: one one-frame event per marker, its name and colour in the comment line. */
export function markersEdl(cues: Pick<CueSheet, 'hitPoints' | 'sections' | 'input' | 'placement'>, title: string): string {
  const fps = cues.input.framesPerSecond;
  const lines = [`TITLE: ${title.replace(/[\r\n]/g, ' ')}`, 'FCM: NON-DROP FRAME', ''];
  editorMarkers(cues).forEach((marker, i) => {
    const start = timecode(marker.seconds, fps);
    const end = timecode(marker.seconds + 1 / fps, fps);
    const colour = marker.kind === 'section' ? 'ResolveColorBlue' : marker.detail === 'accent' ? 'ResolveColorRed' : 'ResolveColorGreen';
    lines.push(`${String(i + 1).padStart(3, '0')}  001      V     C        ${start} ${end} ${start} ${end}`);
    lines.push(` |C:${colour} |M:${marker.name} · ${marker.detail} |D:1`, '');
  });
  return lines.join('\n');
}
