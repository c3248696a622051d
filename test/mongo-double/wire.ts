// TEST DOUBLE of MongoDB, part 1: the wire protocol's framing (not MongoDB; see mongo-double.ts).
// Every message starts with a 16-byte header (messageLength, requestID, responseTo, opCode, all
// little-endian int32). The driver sends:
// - OP_QUERY (2004) only for its first handshake on a connection (a legacy `isMaster` on
//   admin.$cmd, before it knows the server speaks OP_MSG); answered with OP_REPLY (1);
// - OP_MSG (2013) for everything after: uint32 flagBits (bit 0 checksumPresent, bit 1 moreToCome,
//   bit 16 exhaustAllowed), then sections: kind 0 is the command body (one BSON document), kind 1
//   is a document sequence (int32 size, cstring identifier, BSON documents until the size is
//   used up) through which the driver sends `documents` / `updates` / `deletes`; a CRC-32C
//   checksum follows when bit 0 is set. The reply is an OP_MSG with one kind 0 section.
// Compression (OP_COMPRESSED) is never agreed: the double's hello names no compressor.
import { BSON, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
const HEADER_SIZE = 16;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;
/** The server's maxMessageSizeBytes: a larger message is a broken stream, not a request. */
export const MAX_MESSAGE_SIZE = 48_000_000;

export interface WireRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command with its document sequences folded in as arrays (as the server sees it). */
  command: Document;
  /** OP_QUERY's full collection name (admin.$cmd); OP_MSG carries `$db` in the command. */
  database: string;
  /** moreToCome on a request: the client wants no answer (w:0 writes). */
  expectsReply: boolean;
}

export class WireProtocolError extends Error {}

/** Splits a TCP byte stream into whole messages. */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): WireRequest[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const requests: WireRequest[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) throw new WireProtocolError(`message length ${length} out of range`);
      if (this.pending.length < length) break;
      requests.push(parseMessage(this.pending.subarray(0, length)));
      this.pending = this.pending.subarray(length);
    }
    return requests;
  }
}

function cString(buffer: Buffer, at: number): { value: string; next: number } {
  const end = buffer.indexOf(0, at);
  if (end < 0) throw new WireProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', at, end), next: end + 1 };
}

function bsonAt(buffer: Buffer, at: number): { doc: Document; next: number } {
  const size = buffer.readInt32LE(at);
  if (size < 5 || at + size > buffer.length) throw new WireProtocolError('BSON document overruns its message');
  return { doc: BSON.deserialize(buffer.subarray(at, at + size)), next: at + size };
}

export function parseMessage(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) {
    // flags(4) fullCollectionName(cstring) numberToSkip(4) numberToReturn(4) query [fieldSelector]
    const name = cString(message, HEADER_SIZE + 4);
    const { doc } = bsonAt(message, name.next + 8);
    return { requestId, opCode, command: doc, database: name.value.split('.')[0] ?? 'admin', expectsReply: true };
  }
  if (opCode !== OP_MSG) throw new WireProtocolError(`opCode ${opCode} is not served by the double`);
  const flags = message.readUInt32LE(HEADER_SIZE);
  const end = message.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let at = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (at < end) {
    const kind = message[at];
    at += 1;
    if (kind === 0) {
      const { doc, next } = bsonAt(message, at);
      body = doc;
      at = next;
    } else if (kind === 1) {
      const sectionEnd = at + message.readInt32LE(at);
      const identifier = cString(message, at + 4);
      const docs: Document[] = [];
      for (let next = identifier.next; next < sectionEnd; ) {
        const read = bsonAt(message, next);
        docs.push(read.doc);
        next = read.next;
      }
      sequences.push([identifier.value, docs]);
      at = sectionEnd;
    } else {
      throw new WireProtocolError(`OP_MSG section kind ${kind} is unknown`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return { requestId, opCode, command: body, database: String(body.$db ?? 'admin'), expectsReply: (flags & MORE_TO_COME) === 0 };
}

function header(length: number, responseTo: number, opCode: number, requestId: number): Buffer {
  const head = Buffer.alloc(HEADER_SIZE);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

/** The answer in the form the request came in: OP_MSG for OP_MSG, OP_REPLY for OP_QUERY. */
export function encodeReply(request: WireRequest, reply: Document, requestId: number): Buffer {
  const body = BSON.serialize(reply);
  if (request.opCode === OP_QUERY) {
    // responseFlags(4) cursorID(8) startingFrom(4) numberReturned(4) documents
    const fields = Buffer.alloc(20);
    fields.writeInt32LE(1, 16);
    return Buffer.concat([header(HEADER_SIZE + 20 + body.length, request.requestId, OP_REPLY, requestId), fields, body]);
  }
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  return Buffer.concat([header(HEADER_SIZE + 5 + body.length, request.requestId, OP_MSG, requestId), flagsAndKind, body]);
}
