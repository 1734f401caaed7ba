// Who may do what on the server. A job belongs to the client that created it: the client holds a
// capability token (256 random bits, made by the server on its first upload, or by the client
// itself — the web page makes one and keeps it in localStorage) and the server keeps only the
// token's SHA-256. Every route on a job asks for the token (`Authorization: Bearer …`, or `?token=`
// on the links a browser opens: the player, downloads, the report, the event stream); without the
// right one a job does not exist (404). Beside that, requests must name this server (the Host
// check stops DNS rebinding) and come from its own pages (the Origin check stops cross-site posts).

import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A token is 32–128 URL-safe characters (the server's own are 43: 256 bits in base64url). */
const TOKEN_FORM = /^[A-Za-z0-9_-]{32,128}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps of a token: its SHA-256, so that a copy of the database opens no job. */
export function ownerOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token a request carries (header first, then `?token=`), or undefined when it has none of the right form. */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const fromHeader = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const fromQuery = (request.query as { token?: unknown } | undefined)?.token;
  const token = fromHeader ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  return token !== undefined && TOKEN_FORM.test(token) ? token : undefined;
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_FORM.test(token);
}

const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);

/**
 * Host names this server answers to: the address it is bound to, the localhost names, and
 * `extra` (--allow-host). Bound to every address (0.0.0.0, ::), it also answers to this machine's
 * own addresses and name.
 */
export function allowedHostNames(boundHost: string, extra: readonly string[]): Set<string> {
  const names = new Set([...LOCAL_NAMES, boundHost, ...extra].map(normaliseHostName));
  if (WILDCARD_ADDRESSES.has(boundHost)) {
    names.add(normaliseHostName(os.hostname()));
    for (const addresses of Object.values(os.networkInterfaces())) for (const address of addresses ?? []) names.add(normaliseHostName(address.address));
  }
  return names;
}

/** The host name of a Host header or an Origin's host (port and IPv6 brackets taken off, lower case). */
export function hostNameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return normaliseHostName(bracketed[1]!);
  const colons = host.split(':').length - 1;
  return normaliseHostName(colons === 1 ? host.slice(0, host.lastIndexOf(':')) : host);
}

function normaliseHostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Why a request may not be served here (status and message), or undefined when it may. */
export function refusal(request: FastifyRequest, allowed: ReadonlySet<string>): { statusCode: number; message: string } | undefined {
  const host = request.headers.host;
  if (!host || !allowed.has(hostNameOf(host))) {
    return {
      statusCode: 421,
      message: `This server does not answer to the host '${String(host ?? '').slice(0, 100)}'. If that is its name, start it with --allow-host ${hostNameOf(String(host ?? 'NAME')).slice(0, 100) || 'NAME'}.`,
    };
  }
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return undefined;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return { statusCode: 403, message: 'The request comes from a page this server does not know (a malformed Origin).' };
    }
    if (hostNameOf(originHost) !== hostNameOf(host) && !allowed.has(hostNameOf(originHost))) {
      return { statusCode: 403, message: `Requests that change jobs are taken only from this server's own page, not from '${origin.slice(0, 100)}'.` };
    }
  } else if (origin === 'null' || request.headers['sec-fetch-site'] === 'cross-site') {
    return { statusCode: 403, message: "Requests that change jobs are taken only from this server's own page." };
  }
  return undefined;
}

/** The page: its own scripts only; styles may be set inline (the timeline's SVG); media from here. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** API answers and files: nothing runs, nothing frames them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers every response carries (the page's and the report's CSP are set where they are served). */
export function setSafetyHeaders(reply: FastifyReply, csp: string | undefined): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  // Result links carry ?token=: never send them on to another site.
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-resource-policy', 'same-origin');
  if (csp) reply.header('content-security-policy', csp);
}

/** The report's CSP: its own inline script and style (pinned by hash for the script), the poster inline, the video from here. */
export function reportCsp(html: string): string {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`);
  return `default-src 'none'; script-src ${hashes.join(' ') || "'none'"}; style-src 'unsafe-inline'; img-src data:; media-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}
