// A MuVi-Sync folder in miniature for the model tests: the data set's layout and formats, three short videos.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporaryFolder } from '../helpers.js';

/** A MuVi-Sync folder in miniature: the same layout and formats, three short videos. */
export function tinyDataSet(): string {
  const root = temporaryFolder('v2m-muvi-');
  const write = (relative: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  };
  const videos: Record<string, { chords: string[]; sad: boolean; density: number[] }> = {
    '001': { chords: ['C', 'C', 'A:min', 'F', 'G'], sad: false, density: [2, 2, 4, 4, 6] },
    '002': { chords: ['A:min', 'A:min', 'D:min7', 'E', 'A:min'], sad: true, density: [1, 1, 1, 2, 2] },
    '003': { chords: ['N', 'C', 'A:min', 'A:min', 'F'], sad: false, density: [3, 3, 3, 3, 3] },
  };
  for (const [id, video] of Object.entries(videos)) {
    write(`vevo_chord/lab_v2_norm/all/${id}.lab`, `key C major\n${video.chords.map((c, s) => `${s} ${c}`).join('\n')}\n`);
    const emotion = video.sad ? '0.01 0.01 0.01 0.95 0.01 0.01' : '0.2 0.1 0.1 0.1 0.3 0.2';
    write(`vevo_emotion/6c_l14p/all/${id}.lab`, `time exciting_prob fearful_prob tense_prob sad_prob relaxing_prob neutral_prob\n${video.chords.map((_, s) => `${s} ${emotion}`).join('\n')}\n`);
    for (const [feature, value] of [['vevo_motion', 3], ['vevo_scene_offset', 0], ['vevo_loudness', 0.2]] as const) {
      write(`${feature}/all/${id}.lab`, video.chords.map((_, s) => `${s} ${value}`).join('\n'));
    }
    write(`vevo_note_density/all/${id}.lab`, video.density.map((d, s) => `${s} ${d}`).join('\n'));
  }
  write('vevo_meta/split/v1/train.txt', '001\n003\n');
  write('vevo_meta/split/v1/val.txt', '003\n');
  write('vevo_meta/split/v1/test.txt', '002\n');
  return root;
}
