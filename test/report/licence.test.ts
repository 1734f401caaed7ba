import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { licenceStatement } from '../../src/report/licence.js';
import { BUNDLED_SOUNDFONTS, DEFAULT_SOUNDFONT } from '../../src/render/soundfont.js';

describe('licence statement', () => {
  it('gives the music to the user and names the default SoundFont and its licence', () => {
    const statement = licenceStatement(DEFAULT_SOUNDFONT);
    assert.match(statement.music, /yours/);
    assert.ok(statement.soundFont.includes(DEFAULT_SOUNDFONT));
    assert.match(statement.soundFont, /MIT/);
    assert.match(statement.models, /POP909/);
  });

  it('says what a copyleft bank means, and sends the user to their own SoundFont’s licence', () => {
    const gpl = Object.keys(BUNDLED_SOUNDFONTS).find((name) => /GPL/.test(name))!;
    assert.match(licenceStatement(gpl).soundFont, /GPL-2\.0/);
    assert.match(licenceStatement('MyStrings.sf2').soundFont, /you chose \(MyStrings\.sf2\).*check it/);
  });
});
