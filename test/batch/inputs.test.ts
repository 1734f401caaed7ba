// Where a batch's videos come from and where their outputs go: no name from a list file leads
// outside the output folder, clashing names get their own outputs, a rerun maps each video to the
// same names; and a queue job's paths stay inside the shared folder on the worker's side.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { batchInputs, safeStem } from '../../src/batch/inputs.js';
import { progressLine } from '../../src/batch/results.js';
import { insideData, redisConnection, relativeToData } from '../../src/queue/connection.js';
import { temporaryFolder } from '../helpers.js';

test('safeStem: only letters, digits, . _ -; never a hidden or empty name; never a path', { timeout: 5000 }, () => {
  assert.equal(safeStem('/x/My clip (final).mp4'), 'My_clip__final_');
  assert.equal(safeStem('../../etc/passwd'), 'passwd');
  assert.equal(safeStem('/x/..mp4'), 'video');
  assert.equal(safeStem('/x/.hidden.mov'), 'hidden');
  assert.equal(safeStem('/x/Été à Köln.mkv'), 'Été_à_Köln');
  assert.equal(safeStem('/x/a\\b:c*d?.mp4'), 'a_b_c_d_');
  assert.equal(safeStem(`/x/${'n'.repeat(300)}.mp4`).length, 100);
});

test('batchInputs: a folder\'s videos in order; a list\'s lines relative to it, each once, with unique stems', { timeout: 5000 }, async () => {
  const root = temporaryFolder('v2m-batch-inputs-');
  mkdirSync(path.join(root, 'a'));
  mkdirSync(path.join(root, 'b'));
  mkdirSync(path.join(root, 'a', 'sub'));
  for (const name of ['a/clip.mp4', 'a/Clip.MOV', 'a/notes.txt', 'a/sub/deep.mp4', 'a/clip.v2m.mp4', 'b/clip.mp4']) writeFileSync(path.join(root, name), 'x');

  const folder = await batchInputs(path.join(root, 'a'));
  assert.deepEqual(folder.map((v) => [path.relative(root, v.input), v.stem]), [['a/Clip.MOV', 'Clip'], ['a/clip.mp4', 'clip-2']], 'videos only, not subfolders nor v2m\'s own outputs; clashing names (case aside) numbered');

  const list = path.join(root, 'list.txt');
  writeFileSync(list, ['# the good ones', 'a/clip.mp4', '', 'b/clip.mp4', 'a/clip.mp4', '../../../../etc/passwd', 'b/../a/clip.mp4'].join('\n'));
  const listed = await batchInputs(list);
  assert.deepEqual(listed.map((v) => v.stem), ['clip', 'clip-2', 'passwd'], 'each video once; stems from the file name only');
  assert.equal(listed[2]!.input, '/etc/passwd', 'the input is read where the list says, only the output name is cleaned');
  assert.deepEqual((await batchInputs(list)).map((v) => v.stem), listed.map((v) => v.stem), 'a rerun maps the same names');

  await assert.rejects(batchInputs(path.join(root, 'missing')), /does not exist/);
  mkdirSync(path.join(root, 'empty'));
  await assert.rejects(batchInputs(path.join(root, 'empty')), /names no video/);
});

test('queue paths: the client sends paths relative to the shared folder; a worker refuses one that leads out', { timeout: 5000 }, () => {
  assert.equal(relativeToData('/data', '/data/videos/a.mp4', 'The video'), 'videos/a.mp4');
  assert.equal(relativeToData('/data', '/data', 'The output folder'), '');
  assert.throws(() => relativeToData('/data', '/elsewhere/a.mp4', 'The video'), /not inside the shared data folder/);
  assert.throws(() => relativeToData('/data', '/data-2/a.mp4', 'The video'), /not inside/);
  assert.equal(relativeToData('/data', '/data/..x/a.mp4', 'The video'), '..x/a.mp4', 'a name that starts with two dots is inside');

  assert.equal(insideData('/data', 'videos/a.mp4'), '/data/videos/a.mp4');
  assert.equal(insideData('/data', ''), '/data');
  for (const forged of ['../etc/passwd', 'videos/../../etc', '/etc/passwd', 'C:\\x']) assert.equal(insideData('/data', forged), undefined, forged);
});

test('redisConnection: host, port, user, password, database and TLS from the URL; anything else is a usage error', { timeout: 5000 }, () => {
  assert.deepEqual(redisConnection('redis://u:p%40ss@cache:6380/2'), { host: 'cache', port: 6380, username: 'u', password: 'p@ss', db: 2, tls: undefined, maxRetriesPerRequest: null });
  assert.deepEqual((redisConnection('rediss://cache') as { tls: object; port: number }).tls, {});
  assert.throws(() => redisConnection('http://cache:6379'), /not a Redis address/);
  assert.throws(() => redisConnection('cache:6379'), /not a Redis address/);
  assert.throws(() => redisConnection('redis://cache/x'), /database number/);
});

test('progressLine: videos done of all, and the time left at the rate so far', { timeout: 5000 }, () => {
  assert.equal(progressLine(0, 4, [], 0, 1, 4), 'v2m batch: 0/4 videos done, 0 running, 1 s');
  // Two of four scored in 20 s, one more half done: 2.5 units in 20 s, 1.5 to go → 12 s.
  assert.equal(progressLine(2, 4, [0.5], 2, 20, 4), 'v2m batch: 2/4 videos done, 1 running, 20 s, about 12 s left');
});
