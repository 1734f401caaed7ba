import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { probe } from '../../src/media/probe.js';
import { V2mError } from '../../src/errors.js';
import { ffmpeg, SAMPLE_CLIP, syntheticClip, temporaryFolder, vp8WithVorbis } from '../helpers.js';

describe('probe', () => {
  it('describes a WebM clip without audio', async () => {
    const info = await probe(SAMPLE_CLIP);
    assert.equal(info.video.codec, 'vp9');
    assert.equal(info.video.width, 320);
    assert.equal(info.video.height, 180);
    assert.ok(Math.abs(info.duration - 10) < 0.05);
    assert.equal(info.video.framesPerSecond, 30);
    assert.equal(info.hasAudio, false);
    assert.deepEqual(JSON.parse(JSON.stringify(info)), info, 'MediaInfo round-trips through JSON');
  });

  it('sees the audio stream of a clip that has one', async () => {
    const info = await probe(vp8WithVorbis(path.join(temporaryFolder(), 'clip.webm')));
    assert.equal(info.hasAudio, true);
    assert.equal(info.audio?.codec, 'vorbis');
  });

  it('reads the rotation a phone video carries and reports the displayed size', async () => {
    const folder = temporaryFolder();
    const rotated = path.join(folder, 'rotated.mp4');
    const wide = syntheticClip(path.join(folder, 'wide.mp4'), { seconds: 2, size: '640x272' });
    ffmpeg(['-i', wide, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    const info = await probe(rotated);
    // ffprobe releases disagree on the sign of the display matrix angle; the displayed size does not.
    assert.ok([90, 270].includes(info.video.rotationDegrees), String(info.video.rotationDegrees));
    assert.equal(info.video.displayWidth, 272);
    assert.equal(info.video.displayHeight, 640);
  });

  it('rejects a text file with a BAD_INPUT error that says what to give instead', async () => {
    const folder = temporaryFolder();
    const fake = path.join(folder, 'notes.mp4');
    writeFileSync(fake, 'this is not a video\n'.repeat(50));
    await assert.rejects(probe(fake), (error: unknown) => {
      assert.ok(error instanceof V2mError);
      assert.equal(error.code, 'BAD_INPUT');
      assert.match(error.message, /not a video v2m can read/);
      return true;
    });
  });
});
