// The HTTP API and the web page, on Fastify. Every route has a schema: it validates what comes in
// (ids are UUIDs, result kinds an enum — no parameter ever reaches the file system as given) and
// it is what /openapi.json and /docs describe.

import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ErrorObject } from 'ajv';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ZipFile } from 'yazl';
import { EMOTIONS } from '../analysis/emotion.js';
import { MUX_MODES, STYLE_CHOICES, TEMPO_FREEDOMS } from '../config.js';
import { isV2mError } from '../errors.js';
import { V2M_VERSION } from '../version.js';
import { API_CSP, isWellFormedToken, newToken, ownerOf, PAGE_CSP, refusal, reportCsp, requestToken, setSafetyHeaders } from './access.js';
import { downloadName, jobFiles, jobFolder, RESULT_KINDS, resultFile, type ResultKind } from './job-files.js';
import { API_DEFAULTS, API_OPTIONS, describeOptionError, JOB_OPTIONS_SCHEMA } from './job-options.js';
import { ApiError, type JobService } from './jobs.js';
import { JOB_STATES, type JobRecord } from './store.js';

export interface AppOptions {
  /** Largest accepted upload, in bytes. */
  uploadLimitBytes: number;
  /** Host names the server answers to (see access.ts); others get 421. */
  allowedHosts: ReadonlySet<string>;
}

const ID_PARAM = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'job id (a UUID)' } },
} as const;

const JOB_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: [...JOB_STATES] },
    progress: { type: 'number', minimum: 0, maximum: 1 },
    stage: { type: 'string' },
    error: { type: ['string', 'null'] },
    name: { type: 'string', description: "the uploaded file's name (display only)" },
    options: JOB_OPTIONS_SCHEMA,
    parent: { type: ['string', 'null'], description: 'the job this one was regenerated from' },
    reusedAnalysis: { type: 'boolean' },
    attempts: { type: 'integer' },
    summary: {
      type: ['object', 'null'],
      properties: { style: { type: 'string' }, key: { type: 'string' }, tempo: { type: 'number' }, cuts: { type: 'integer' }, duration: { type: 'number' } },
    },
    results: { type: ['object', 'null'], properties: Object.fromEntries(RESULT_KINDS.map((kind) => [kind, { type: 'string' }])) },
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    finishedAt: { type: ['integer', 'null'] },
  },
} as const;

/** A new job's answer: the job and the token that opens it (the caller's own, or a new one if it sent none). */
const CREATED_JOB_SCHEMA = {
  ...JOB_SCHEMA,
  properties: { ...JOB_SCHEMA.properties, token: { type: 'string', description: "the capability that opens this job: send it as 'Authorization: Bearer <token>' (or ?token=) on every request about it" } },
} as const;

const ERROR_SCHEMA = { type: 'object', properties: { error: { type: 'string' }, statusCode: { type: 'integer' } } } as const;

/** What a client sees of a job: the record plus the URLs of its results once it is done. */
export function jobView(job: JobRecord) {
  // A preview exists only for videos browsers cannot play as scored.
  const kinds = RESULT_KINDS.filter((kind) => (kind !== 'preview' || job.summary?.preview === true) && (kind !== 'stems' || job.options.stems === true));
  const results = job.state === 'done' ? Object.fromEntries(kinds.map((kind) => [kind, `/jobs/${job.id}/result/${kind}`])) : null;
  const { videoExtension: _extension, owner: _owner, ...shown } = job;
  return { ...shown, results };
}

/** The built web page: dist/web beside dist/server, or dist/web from the sources under tsx. */
function webFolder(): string | undefined {
  const candidates = ['../web', '../../dist/web'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  return candidates.find((folder) => existsSync(path.join(folder, 'index.html')));
}

export async function buildApp(service: JobService, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024, // JSON bodies are a few options; videos come as multipart, limited below
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } },
    schemaErrorFormatter: (errors, dataVar) => new Error(dataVar === 'body' ? describeOptionError(errors[0] as ErrorObject) : describeUrlError(errors[0] as ErrorObject, dataVar)),
  });
  const streams = new Set<ServerResponse>();
  // First of all: is this request for this server, from its own pages? Then the headers every answer carries.
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    setSafetyHeaders(reply, path.startsWith('/docs') ? undefined : isApiPath(path) ? API_CSP : PAGE_CSP);
    const refused = refusal(request, options.allowedHosts);
    if (refused) return reply.code(refused.statusCode).send({ error: refused.message, statusCode: refused.statusCode });
  });
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'v2m', version: V2M_VERSION, description: 'Original music for a video: upload it, follow the job, download the scored video, WAV, MIDI and cue sheet.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, { limits: { fileSize: options.uploadLimitBytes, files: 1, fields: 20, fieldSize: 1024, parts: 22, headerPairs: 100 } });
  const web = webFolder();
  await app.register(fastifyStatic, { root: web ?? service.uploadFolder, serve: web !== undefined, index: 'index.html' });
  if (!web) app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.code(503).send({ error: 'The web page is not built. Run npm run build.', statusCode: 503 }));

  app.setErrorHandler((error: FastifyError | ApiError | Error, _request, reply) => {
    const { statusCode, message } = errorResponse(error, options.uploadLimitBytes);
    void reply.code(statusCode).send({ error: message, statusCode });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `No route ${request.method} ${request.url.slice(0, 200)}. See /docs for the API.`, statusCode: 404 });
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/health', { schema: { summary: 'Is the server up, and how busy is it (with --queue: the whole queue, and its workers)', response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    status: 'ok',
    version: V2M_VERSION,
    ...(await service.backend.health()),
  }));

  app.get('/options', { schema: { summary: 'The choices a job accepts, with their defaults', response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    styles: STYLE_CHOICES,
    moods: EMOTIONS,
    muxModes: MUX_MODES,
    tempoChanges: TEMPO_FREEDOMS,
    defaults: API_DEFAULTS,
    uploadLimitBytes: options.uploadLimitBytes,
    schema: JOB_OPTIONS_SCHEMA,
    // The option table (config.ts) the page builds its controls from: labels, ranges, choices, help.
    controls: API_OPTIONS,
  }));

  app.get('/jobs', { schema: { summary: "The caller's jobs (those its token opens), newest first; none without a token", response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: JOB_SCHEMA } } } } } }, async (request) => {
    const token = requestToken(request);
    return { jobs: token ? (await service.backend.list(ownerOf(token))).map(jobView) : [] };
  });

  app.post(
    '/jobs',
    {
      schema: {
        summary: "Upload a video (multipart field 'video') with options as further fields; answers 202 with the queued job",
        consumes: ['multipart/form-data'],
        body: { type: 'object', required: ['video'], properties: { video: { type: 'string', format: 'binary' }, ...JOB_OPTIONS_SCHEMA.properties } },
        response: { 202: CREATED_JOB_SCHEMA, 400: ERROR_SCHEMA, 413: ERROR_SCHEMA, 415: ERROR_SCHEMA },
      },
      // The body is a stream of parts, checked part by part below, not a parsed object.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const token = requestToken(request) ?? (carriesToken(request) ? undefined : newToken());
      if (!token) throw new ApiError(400, 'The token sent is not one this server can take: 32–128 characters of A–Z, a–z, 0–9, - and _ (or send none, and the answer brings a new one).');
      if (!request.isMultipart()) {
        throw new ApiError(415, "Send the video as multipart/form-data, with the file in the field 'video' (e.g. curl -F video=@clip.mp4 -F style=piano …/jobs).");
      }
      const upload = path.join(service.uploadFolder, `${randomUUID()}.part`);
      try {
        const fields: Record<string, string> = {};
        let clientName: string | undefined;
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.valueTruncated || part.fieldnameTruncated) throw new ApiError(400, `The field '${part.fieldname.slice(0, 40)}' is too long.`);
            fields[part.fieldname] = String(part.value);
            continue;
          }
          if (part.fieldname !== 'video' || clientName !== undefined) {
            part.file.resume();
            throw new ApiError(400, `Unexpected file in the field '${part.fieldname.slice(0, 40)}'. Send one video, in the field 'video'.`);
          }
          clientName = part.filename || 'video';
          await pipeline(part.file, createWriteStream(upload, { flags: 'wx' }));
          if (part.file.truncated) throw tooLarge(options.uploadLimitBytes);
        }
        if (clientName === undefined) throw new ApiError(400, "The upload has no video: send the file in the multipart field 'video'.");
        const job = await service.create({ file: upload, clientName }, fields, ownerOf(token));
        return reply.code(202).header('location', `/jobs/${job.id}`).send({ ...jobView(job), token });
      } finally {
        await rm(upload, { force: true });
      }
    },
  );

  app.get('/jobs/:id', { schema: { summary: 'One job: state, progress, stage, error', params: ID_PARAM, response: { 200: JOB_SCHEMA, 404: ERROR_SCHEMA } } }, async (request) => {
    const { id } = request.params as { id: string };
    return jobView(await service.get(id, callerOf(request)));
  });

  app.get(
    '/jobs/:id/events',
    { schema: { summary: 'Server-sent events: the job (event "job") on every change until it is done or failed', params: ID_PARAM } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await service.get(id, callerOf(request));
      reply.hijack();
      const stream = reply.raw;
      // A hijacked reply bypasses Fastify's headers: the ones set so far go out with these.
      stream.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      streams.add(stream);
      const heartbeat = setInterval(() => stream.write(': still here\n\n'), 15_000);
      let closed = false;
      const close = () => {
        closed = true;
        clearInterval(heartbeat);
        service.backend.events.off('change', onChange);
        streams.delete(stream);
        stream.end();
      };
      // Reads are asynchronous (Redis): one at a time, in order, so that an older state never follows a newer one.
      let reading = Promise.resolve();
      const onChange = (changed: string) => {
        if (changed !== id) return;
        // Asked now (SQLite answers with the state of this very change), written in the order asked.
        const asked = service.backend.get(id).catch(() => 'unreadable' as const);
        reading = reading.then(async () => {
          const job = await asked;
          if (closed || job === 'unreadable') return; // Redis away for a moment: the next change or the client's retry tells
          if (!job) {
            stream.write('event: deleted\ndata: {}\n\n');
            close();
            return;
          }
          stream.write(`event: job\ndata: ${JSON.stringify(jobView(job))}\n\n`);
          if (job.state === 'done' || job.state === 'failed') close();
        });
      };
      service.backend.events.on('change', onChange);
      request.raw.on('close', close);
      onChange(id);
    },
  );

  app.get(
    '/jobs/:id/result/:kind',
    {
      schema: {
        summary: 'A result file of a finished job (video and audio support range requests); ?download=1 asks the browser to save it',
        params: { ...ID_PARAM, required: ['id', 'kind'], properties: { ...ID_PARAM.properties, kind: { type: 'string', enum: [...RESULT_KINDS] } } },
        querystring: { type: 'object', properties: { download: { type: 'string', enum: ['', '1', 'true', '0', 'false'], description: '1 or true: save as a file' } } },
      },
    },
    async (request, reply) => {
      const { id, kind } = request.params as { id: string; kind: ResultKind };
      const download = ['', '1', 'true'].includes((request.query as { download?: string }).download ?? 'no');
      const job = await service.get(id, callerOf(request));
      if (job.state !== 'done') throw new ApiError(409, `Job '${id}' is ${job.state}; its results exist once it is done.`);
      if (kind === 'preview' && job.summary?.preview !== true) throw new ApiError(404, `Job '${id}' has no preview: its scored video plays in browsers as it is.`);
      if (kind === 'stems' && job.options.stems !== true) throw new ApiError(404, `Job '${id}' has no stems: it was scored without the option stems. Regenerate it with stems: true.`);
      const file = resultFile(jobFiles(jobFolder(service.options.dataFolder, id), job.videoExtension), kind);
      const name = downloadName(job.name, kind, job.videoExtension);
      if (kind === 'stems') return reply.header('content-disposition', contentDisposition('attachment', name)).type('application/zip').send(await stemsZip(file, name.replace(/\.zip$/, '')));
      reply.header('content-disposition', contentDisposition(download ? 'attachment' : 'inline', name));
      if (kind === 'report') {
        // The report's player points at the sibling URL 'video'; opened with ?token=, the video needs it too.
        const token = requestToken(request)!;
        const html = (await readFile(file, 'utf8')).replace(' src="video"></video>', ` src="video?token=${encodeURIComponent(token)}"></video>`);
        return reply.header('content-security-policy', reportCsp(html)).type('text/html; charset=utf-8').send(html);
      }
      return reply.sendFile(path.basename(file), path.dirname(file), { cacheControl: false });
    },
  );

  app.post(
    '/jobs/:id/regenerate',
    {
      schema: {
        summary: "A new job on the same video with changed options (unchanged ones are the parent's); reuses the parent's analysis",
        params: ID_PARAM,
        body: { ...JOB_OPTIONS_SCHEMA, nullable: true },
        response: { 202: JOB_SCHEMA, 400: ERROR_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const job = await service.regenerate(id, (request.body as Record<string, unknown> | null) ?? {}, callerOf(request));
      return reply.code(202).header('location', `/jobs/${job.id}`).send(jobView(job));
    },
  );

  app.post(
    '/jobs/:id/retry',
    { schema: { summary: 'Run a failed job again from its kept video, with the same options', params: ID_PARAM, response: { 202: JOB_SCHEMA, 404: ERROR_SCHEMA, 409: ERROR_SCHEMA } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const job = await service.retry(id, callerOf(request));
      return reply.code(202).header('location', `/jobs/${job.id}`).send(jobView(job));
    },
  );

  app.delete('/jobs/:id', { schema: { summary: 'Stop the job if it runs, and delete it and its files', params: ID_PARAM } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    await service.removeOwned(id, callerOf(request));
    return reply.code(204).send();
  });

  return app;
}

function contentDisposition(how: 'attachment' | 'inline', name: string): string {
  return `${how}; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The stems as one zip, streamed as it is made (nothing written to disk, memory bounded by yazl's
 * buffers): `<name>/<role>.wav`. Stored, not deflated: float WAVs barely shrink, and storing costs no CPU.
 */
async function stemsZip(folder: string, name: string): Promise<NodeJS.ReadableStream> {
  const wavs = (await readdir(folder).catch(() => [] as string[])).filter((file) => file.endsWith('.wav')).sort();
  if (wavs.length === 0) throw new ApiError(404, 'This job has no stems on disk (they may have been cleaned up). Regenerate it with stems: true.');
  const zip = new ZipFile();
  for (const wav of wavs) zip.addFile(path.join(folder, wav), `${name}/${wav}`, { compress: false });
  zip.end();
  return zip.outputStream;
}

/** The owner a request speaks for: the hash of its token, or undefined without one. */
function callerOf(request: FastifyRequest): string | undefined {
  const token = requestToken(request);
  return token ? ownerOf(token) : undefined;
}

/** Whether the request tries to send a token at all (a malformed one is refused, not replaced). */
function carriesToken(request: FastifyRequest): boolean {
  const query = (request.query as { token?: unknown } | undefined)?.token;
  return request.headers.authorization !== undefined || (typeof query === 'string' && !isWellFormedToken(query)) || Array.isArray(query);
}

const API_PATHS = ['/jobs', '/health', '/options', '/openapi.json'];

function isApiPath(path: string): boolean {
  return API_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function describeUrlError(error: ErrorObject | undefined, part: string): string {
  const name = error?.instancePath.slice(1) ?? '';
  if (name === 'id') return 'That is not a job id: job ids are UUIDs, as POST /jobs returns them.';
  if (name === 'kind') return `Unknown result. Choose one of: ${RESULT_KINDS.join(', ')}.`;
  return `Invalid ${part}: ${name || part} ${error?.message ?? 'is not valid'}.`;
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `The upload is larger than this server's limit of ${formatBytes(limitBytes)}. Send a shorter or smaller video, or start the server with a larger --max-upload.`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${bytes} bytes`;
}

/** Maps whatever went wrong to a status and a message for the client (never a stack or a server path). */
function errorResponse(error: FastifyError | ApiError | Error, uploadLimitBytes: number): { statusCode: number; message: string } {
  if (error instanceof ApiError) return { statusCode: error.statusCode, message: error.message };
  if (isV2mError(error)) return { statusCode: error.code === 'USAGE' ? 400 : error.code === 'BAD_INPUT' ? 415 : 500, message: error.message };
  const fastifyError = error as FastifyError;
  const multipartProblem = describeMultipartError(fastifyError);
  if (multipartProblem) return { statusCode: 400, message: multipartProblem };
  if (fastifyError.code === 'FST_REQ_FILE_TOO_LARGE' || fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { statusCode: 413, message: tooLarge(uploadLimitBytes).message };
  if (fastifyError.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { statusCode: 415, message: "Send a video as multipart/form-data with the file in the field 'video', and options as JSON." };
  if (fastifyError.validation) return { statusCode: 400, message: error.message };
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return { statusCode: status, message: error.message };
  console.error('v2m serve: unexpected error:', error);
  return { statusCode: 500, message: 'v2m failed unexpectedly; the server log has the details. Try again, or report the problem with the video attached.' };
}

/** A malformed or over-full multipart upload, said so that the sender knows what to change; undefined for other errors. */
function describeMultipartError(error: FastifyError): string | undefined {
  const how = "Send one video in the field 'video', with options as further fields (e.g. curl -F video=@clip.mp4 -F style=piano …/jobs).";
  switch (error.code) {
    case 'FST_FILES_LIMIT':
      return `The upload holds more than one file. ${how}`;
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return `The upload holds too many fields (at most 20). ${how}`;
    case 'FST_PROTO_VIOLATION':
      return `The upload has a field name that is not allowed ('__proto__', 'constructor'…). ${how}`;
    case 'FST_MP_PREMATURE_CLOSE':
      return `The upload ended before it was complete. ${how}`;
    default:
      break;
  }
  if (/Unexpected end of (form|multipart)|Malformed (part|urlencoded)|Boundary not found|Multipart: /i.test(error.message)) {
    return `The multipart body is malformed (${error.message}). ${how}`;
  }
  return undefined;
}

export type JobView = ReturnType<typeof jobView>;
