// EventStoreDB positions ({commit, prepare}, byte offsets in the transaction log) and the port's
// single bigint Position.
//
// Why one bigint is enough (checked against the server's source, EventStore/EventStore):
// - Streams.Append and Streams.BatchAppend both end in StorageWriterService's WritePrepares
//   handler, which writes every event of an append as its own prepare record flagged
//   IsCommitted (an implicit commit), the first also TransactionBegin and the last
//   TransactionEnd. No separate commit record is written.
// - AllReader.ReadAllEventsForward/Backward turn an IsCommitted prepare into
//   `new CommitEventRecord(eventRecord, eventRecord.LogPosition)` and page with
//   TFPos(LogPosition, LogPosition): the commit position of such an event is its own prepare
//   position. Streams.Read sends OriginalPosition's commit and prepare, so every event written
//   by a gRPC append, single or multi-event, reads back from $all with commit == prepare,
//   distinct per event and strictly increasing.
// - Only explicit transactions (TransactionStart/Write/Commit, offered by the legacy TCP API
//   and never by gRPC) write a commit record after their prepares; their events share the
//   commit record's position, with prepare < commit. One bigint cannot order those, so the
//   adapter refuses to read such an event (UnsupportedPositionError) instead of guessing.
// - An append's answer carries the commit position of its last event (CommitAck.LogPosition of
//   the TransactionEnd prepare). Servers before 21.x answered prepare = the transaction's first
//   event for a multi-event append and no position at all for an idempotent retry; the adapter
//   uses the commit position only and looks the position up when it is missing.
// So position = commit, and {commit: p, prepare: p} rebuilds the server's position losslessly.
// Over HTTP it travels as the decimal string of the bigint, which clients treat as opaque.

export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

export class UnsupportedPositionError extends Error {
  readonly code = 'unsupported_position';
  constructor(streamId: string, revision: string, position: EsdbPosition) {
    super(
      `Event ${streamId}@${revision} has commit position ${position.commit} but prepare position ${position.prepare}: ` +
        'it was written in an explicit (TCP) transaction, which orderstream cannot order by one position',
    );
    this.name = 'UnsupportedPositionError';
  }
}

/** The port's position of an event read from the server. */
export function fromEsdbPosition(streamId: string, revision: string, commit: string, prepare: string): bigint {
  const position = { commit: BigInt(commit), prepare: BigInt(prepare) };
  if (position.commit !== position.prepare) throw new UnsupportedPositionError(streamId, revision, position);
  return position.commit;
}

/** The server's position of an event the port knows by `position`. */
export function toEsdbPosition(position: bigint): EsdbPosition {
  return { commit: position, prepare: position };
}
