/**
 * Reads a push sent as application/json-seq (RFC 7464; protocol 2, shared/sync/protocol.ts pushBodySeq): records
 * that each start with U+001E (record separator) and end with a line feed. The first is the push without payloads
 * (pushHeaderSchema); then one record per op, its payload's JSON text as the desk stores it. The payload texts are
 * cut out as they are — never parsed here: the materialiser parses each one when it applies it, and rejects one that
 * is not JSON (invalid-payload) like any other bad payload.
 *
 * Refused here with 400, before anything is written: a body that is not UTF-8, holds a NUL byte (no JSON text
 * does; the database could not store it), does not start with a record separator, has a record without its line
 * feed, or a header that is not JSON. The server checks the header against pushHeaderSchema and the number of
 * payload records against its ops.
 */
import { isUtf8 } from 'node:buffer';
import { HubError } from './errors.js';

const RS = 0x1e;
const LF = 0x0a;

function bad(message: string): HubError {
  return new HubError(400, 'BAD_JSON', `This push is not a valid application/json-seq body: ${message}`);
}

export interface PushSeq {
  /** the first JSON text, parsed (checked by the caller) */
  header: unknown;
  /** the payload texts, in op order */
  payloadTexts: string[];
}

export function readPushSeq(body: Buffer): PushSeq {
  if (body.length === 0 || body[0] !== RS) throw bad('each JSON text must follow a record separator (U+001E).');
  if (body.indexOf(0) !== -1) throw bad('it holds a NUL byte.');
  if (!isUtf8(body)) throw bad('it is not UTF-8.');
  const records: string[] = [];
  for (let start = 1; ; ) {
    const next = body.indexOf(RS, start);
    const end = next === -1 ? body.length : next;
    if (end === start || body[end - 1] !== LF) throw bad(`record ${records.length + 1} does not end with a line feed.`);
    records.push(body.toString('utf8', start, end - 1));
    if (next === -1) break;
    start = next + 1;
  }
  let header: unknown;
  try {
    header = JSON.parse(records[0]!);
  } catch {
    throw bad('its first record (the push without payloads) is not JSON.');
  }
  return { header, payloadTexts: records.slice(1) };
}
