// A catch-up subscription to $all that outlives the server dropping it: it resubscribes with
// back-off from the last position it delivered (or the server confirmed with a checkpoint), and
// drops what it already delivered. It also watches for a subscription that has stopped without
// saying so, a failure seen in other projects: one that is catching up yet sends nothing for
// `stallTimeoutMs`, or one that is live while the log holds a matching event it has not
// delivered for `stallTimeoutMs`, is cancelled and replaced.
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { AllFilter, SubscribeOptions, SubscriptionMessage } from '../event-store.port.js';
import { backOffDelay, sleep, type BackOff } from '../../scheduling/back-off.js';
import { decodeEvent, eventHeader, planFilter, subscribeRequest } from './esdb-codec.js';
import type { EsdbConnection, ReadRespT } from './esdb-connection.js';
import { ReadResp } from './esdb-connection.js';
import { UnsupportedPositionError, fromEsdbPosition } from './esdb-position.js';

export interface SubscriptionSettings {
  /** See the file comment; also how long a live subscription may trail a matching event. */
  stallTimeoutMs: number;
  /** How often a live subscription compares its position with the newest matching event. */
  probeIntervalMs: number;
  /** A pause this long while catching up prompts that comparison (servers before 23.10 send no caught-up). */
  catchUpQuietMs: number;
  resubscribeBackOff: BackOff;
  /** The server sends a checkpoint after about this many considered events. */
  checkpointEvery: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  stallTimeoutMs: 30_000,
  probeIntervalMs: 10_000,
  catchUpQuietMs: 250,
  resubscribeBackOff: { initialDelayMs: 250, maxDelayMs: 30_000 },
  checkpointEvery: 32,
};

export interface SubscriptionStatus {
  filter: AllFilter | undefined;
  phase: 'connecting' | 'catching-up' | 'live' | 'waiting-to-resubscribe';
  /** Last position delivered or confirmed by a server checkpoint (exclusive resume point). */
  position: bigint | undefined;
  /** Newest matching event the last probe found. */
  head: bigint | undefined;
  /** head - position in log bytes (EventStoreDB positions are byte offsets), 0 when caught up. */
  lagBytes: bigint;
  resubscriptions: number;
  stallsDetected: number;
  lastError: string | undefined;
}

export interface SubscriptionDependencies {
  connection: EsdbConnection;
  /** Position of the newest event the filter keeps, if one is found near the head of $all. */
  newestMatching(filter: AllFilter | undefined): Promise<bigint | undefined>;
  settings: SubscriptionSettings;
  registry: Set<SubscriptionStatus>;
}

class StalledError extends Error {}

const TIMEOUT = Symbol('timeout');
type InboxItem = ReadRespT | { error: Error } | { end: true };

/** Buffers one call's messages; pauses the call while the consumer is behind. */
class Inbox {
  private readonly items: InboxItem[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly call: ClientReadableStream<ReadRespT>) {
    call.on('data', (message: ReadRespT) => this.push(message));
    call.on('error', (error: Error) => this.push({ error }));
    call.on('end', () => this.push({ end: true }));
  }

  private push(item: InboxItem): void {
    this.items.push(item);
    if (this.items.length > 1000) this.call.pause();
    this.wake?.();
  }

  async next(timeoutMs: number, signal: AbortSignal): Promise<InboxItem | typeof TIMEOUT> {
    if (this.items.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    const item = this.items.shift();
    if (this.items.length < 100 && this.call.isPaused()) this.call.resume();
    return item ?? TIMEOUT;
  }

  close(): void {
    this.call.removeAllListeners('data');
    this.call.on('error', () => undefined); // the cancellation below reports itself as an error
    this.call.cancel();
  }
}

export async function* catchUpSubscription(deps: SubscriptionDependencies, options: SubscribeOptions = {}): AsyncGenerator<SubscriptionMessage> {
  const { connection, settings } = deps;
  const plan = planFilter(options.filter);
  const stopping = new AbortController();
  const onAbort = (): void => stopping.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stopping.abort();
  const signal = stopping.signal;
  const status: SubscriptionStatus = {
    filter: options.filter,
    phase: 'connecting',
    position: options.after,
    head: undefined,
    lagBytes: 0n,
    resubscriptions: 0,
    stallsDetected: 0,
    lastError: undefined,
  };
  deps.registry.add(status);
  let attempt = 0;
  try {
    while (!signal.aborted) {
      status.phase = 'connecting';
      let inbox: Inbox | undefined;
      let caughtUp = false;
      let behindSince: number | undefined;
      let silentSince = Date.now();
      try {
        inbox = new Inbox(await connection.subscribe(subscribeRequest(status.position, plan.server, settings.checkpointEvery)));
        status.phase = 'catching-up';
        for (;;) {
          const item = await inbox.next(caughtUp ? settings.probeIntervalMs : Math.min(settings.catchUpQuietMs, settings.stallTimeoutMs), signal);
          if (signal.aborted) return;
          if (item === TIMEOUT) {
            const head = await deps.newestMatching(options.filter);
            status.head = head;
            const behind = head !== undefined && (status.position === undefined || head > status.position);
            status.lagBytes = behind ? head - (status.position ?? 0n) : 0n;
            if (!caughtUp) {
              // A pause while catching up: nothing left to deliver means caught up (a server
              // before 23.10 never says so); something left, for long, means it stopped.
              if (behind) {
                if (Date.now() - silentSince >= settings.stallTimeoutMs) throw new StalledError(`sent nothing for ${settings.stallTimeoutMs} ms while catching up`);
                continue;
              }
              caughtUp = true;
              status.phase = 'live';
              yield { kind: 'caughtUp', position: status.position };
            } else if (!behind) {
              behindSince = undefined;
            } else {
              behindSince ??= Date.now();
              if (Date.now() - behindSince >= settings.stallTimeoutMs) {
                throw new StalledError(`live, yet has not delivered event ${head} for ${settings.stallTimeoutMs} ms`);
              }
            }
            continue;
          }
          silentSince = Date.now();
          if ('error' in item) throw item.error;
          if ('end' in item) throw new Error('the server ended the subscription');
          switch (item.getContentCase()) {
            case ReadResp.ContentCase.EVENT: {
              const read = eventHeader(item);
              if (!read) break;
              const { header, recorded } = read;
              // After a resubscription the server may start before what was already delivered.
              if (status.position !== undefined && header.position <= status.position) break;
              status.position = header.position;
              behindSince = undefined;
              attempt = 0;
              if (plan.keep(header.streamId, header.type)) yield { kind: 'event', event: decodeEvent(header, recorded) };
              break;
            }
            case ReadResp.ContentCase.CHECKPOINT: {
              const checkpoint = item.getCheckpoint()!;
              const position = fromEsdbPosition('$all', 'checkpoint', checkpoint.getCommitPosition(), checkpoint.getPreparePosition());
              if (status.position === undefined || position > status.position) status.position = position;
              behindSince = undefined;
              attempt = 0;
              break;
            }
            case ReadResp.ContentCase.CAUGHT_UP:
              if (!caughtUp) {
                caughtUp = true;
                status.phase = 'live';
                status.lagBytes = 0n;
                yield { kind: 'caughtUp', position: status.position };
              }
              break;
            case ReadResp.ContentCase.FELL_BEHIND:
              caughtUp = false;
              status.phase = 'catching-up';
              break;
            default:
              break; // confirmation
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof UnsupportedPositionError) throw error; // resubscribing cannot help
        if (error instanceof StalledError) status.stallsDetected += 1;
        status.lastError = (error as Error).message;
      } finally {
        inbox?.close();
      }
      attempt += 1;
      status.resubscriptions += 1;
      status.phase = 'waiting-to-resubscribe';
      await sleep(backOffDelay(settings.resubscribeBackOff, attempt), signal);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    deps.registry.delete(status);
  }
}
