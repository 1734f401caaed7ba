import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editorMarkers, markersCsv, markersEdl, timecode } from '../../src/report/markers.js';

const CUES = {
  input: { path: 'clip.mp4', duration: 12, width: 320, height: 180, framesPerSecond: 25, hasAudio: false },
  hitPoints: [
    { time: 3.04, kind: 'cut', weight: 0.9, landing: 'downbeat' as const, offset: 0 },
    { time: 7.48, kind: 'cut', weight: 0.8, landing: 'accent' as const, offset: 0.03 },
  ],
  sections: [
    { start: 0, end: 3.04, beats: 5, tempo: 98, energy: 0.3, part: 'intro', bars: [5] },
    { start: 3.04, end: 12, beats: 15, tempo: 98, energy: 0.6, part: 'outro', bars: [4, 4, 4, 3] },
  ],
};

describe('editor markers', () => {
  it('writes timecode at the video rate, non-drop, from the nearest frame', () => {
    assert.equal(timecode(3.04, 25), '00:00:03:01');
    assert.equal(timecode(3661.5, 25), '01:01:01:13');
    // 29.97: frame 300 of the video is 00:00:10:00 at the nominal 30.
    assert.equal(timecode(300 / 29.97, 29.97), '00:00:10:00');
  });

  it('lists every cut and section start in time order, in the CSV and in the EDL', () => {
    const markers = editorMarkers(CUES);
    assert.deepEqual(markers.map((m) => `${m.name}@${m.seconds}`), ['section 1@0', 'section 2@3.04', 'cut 1@3.04', 'cut 2@7.48']);
    const csv = markersCsv(CUES).trim().split('\n');
    assert.equal(csv[0], 'Name,Timecode,Seconds,Kind,Music');
    assert.ok(csv.includes('cut 1,00:00:03:01,3.040,cut,downbeat'));
    assert.ok(csv.includes('cut 2,00:00:07:12,7.480,cut,accent'));
    const edl = markersEdl(CUES, 'clip.mp4');
    assert.match(edl, /^TITLE: clip\.mp4\nFCM: NON-DROP FRAME\n/);
    assert.equal(edl.match(/^\d{3} {2}001 {6}V {5}C {8}/gm)?.length, 4);
    assert.match(edl, /00:00:07:12 00:00:07:13 00:00:07:12 00:00:07:13\n \|C:ResolveColorRed \|M:cut 2 · accent \|D:1/);
  });
});
