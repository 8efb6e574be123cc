import type { Logger } from 'pino';
import type { DeviceMessage, QuarantinedMessage, RejectionCode } from '@ioc/domain';
import type { IngestBatch, IngestCommitResult, NewDevice } from '@ioc/storage';
import type { Clock } from '@ioc/platform';
import { GroupCommitter } from './group-committer';
import { senderFeedbackTopic, type MessageDecoder } from '@ioc/contracts';
import type { DeviceDirectory, LastSeenTracker } from './device-directory';
import type { DeviceRateLimiter } from './device-rate-limiter';

/** What one MQTT publish turns into; committed atomically with the other units of its batch. */
export interface IngestUnit {
  readonly topic: string;
  readonly payload: Buffer;
  readonly accepted: DeviceMessage[];
  readonly quarantined: QuarantinedMessage[];
  readonly newDevices: NewDevice[];
  /** Set when the publish asked for a receipt on its sender's feedback topic (MQTT 5 request/response). */
  readonly reply: UnitReply | undefined;
}

/** MQTT 5 request/response properties of a publish, as received. */
export interface ReplyRequest {
  readonly responseTopic: string;
  readonly correlationData?: Buffer;
}

/** A receipt to send for a unit: where, with what correlation, about a publish received when. */
export interface UnitReply extends ReplyRequest {
  readonly receivedAt: Date;
}

/** What became of one unit that asked for a receipt, after its commit. */
export interface UnitOutcome {
  readonly topic: string;
  readonly reply: UnitReply;
  /** Accepted messages stored by this commit. */
  readonly stored: readonly DeviceMessage[];
  /** Accepted messages that had been stored before (redelivery, resend). */
  readonly duplicates: readonly DeviceMessage[];
  readonly quarantined: readonly QuarantinedMessage[];
}

export interface IngestPorts {
  readonly commit: (batch: IngestBatch) => Promise<IngestCommitResult>;
  readonly isTransient: (err: unknown) => boolean;
  /** Hands newly stored messages to the internal event stream (after commit); `wire` is their encoding, if at hand. */
  readonly publishStored: (messages: DeviceMessage[], wire?: string) => Promise<unknown>;
  /** Tells the sender why a message was refused (best effort, after commit). */
  readonly notifyRejected: (rejected: readonly QuarantinedMessage[]) => void;
  /** Answers a unit that asked for a receipt (best effort, after its commit); never called for the others. */
  readonly notifyOutcome: (outcome: UnitOutcome) => void;
  /** Told about every committed batch (metrics). */
  readonly observeCommit?: (commit: CommitObservation) => void;
  /**
   * Told about accepted messages as soon as they are judged, before their commit: the correlation role in the same
   * process sees a reading without waiting for the database. A redelivered message is seen again (the engine
   * deduplicates by device and message id).
   */
  readonly observeAccepted?: (messages: readonly DeviceMessage[]) => void;
}

export interface CommitObservation {
  readonly units: number;
  readonly accepted: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: readonly QuarantinedMessage[];
  readonly seconds: number;
}

export interface IngestStats {
  received: number;
  accepted: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  streamFailures: number;
}

export interface IngestPipelineOptions {
  readonly maxBatch: number;
  readonly maxConcurrentFlushes: number;
  readonly retryMaxMs: number;
}

/**
 * Decode → check the device → take from its rate → group commit → (caller acknowledges) → publish. `handle` resolves
 * only after the message's outcome, stored or quarantined, is committed, so the MQTT acknowledgement never precedes
 * durability.
 */
export class IngestPipeline {
  readonly stats: IngestStats = {
    received: 0,
    accepted: 0,
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    streamFailures: 0,
  };
  private readonly committer: GroupCommitter<IngestUnit>;

  constructor(
    private readonly decoder: MessageDecoder,
    private readonly directory: DeviceDirectory,
    private readonly rateLimiter: DeviceRateLimiter,
    private readonly lastSeen: LastSeenTracker,
    private readonly ports: IngestPorts,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: IngestPipelineOptions,
  ) {
    this.committer = new GroupCommitter<IngestUnit>({
      maxBatch: options.maxBatch,
      maxConcurrent: options.maxConcurrentFlushes,
      retryMaxMs: options.retryMaxMs,
      commit: (units) => this.commitUnits(units),
      isTransient: ports.isTransient,
      onPoison: (unit, err) => poisonToQuarantine(unit, err),
      logger,
    });
  }

  get committerStats() {
    return this.committer.stats;
  }

  get pending(): number {
    return this.committer.pending;
  }

  drain(): Promise<void> {
    return this.committer.drain();
  }

  /**
   * `reply`: the publish's MQTT 5 responseTopic and correlationData, when it had a responseTopic. Answered (after the
   * commit, {@link IngestPorts.notifyOutcome}) only when it is the sender's own feedback topic: the IOC answers nobody
   * else, so it cannot be made to publish where the sender may not read.
   */
  handle(topic: string, payload: Buffer, reply?: ReplyRequest): Promise<void> {
    this.stats.received++;
    const unit = this.prepare(topic, payload, reply);
    if (unit.accepted.length && this.ports.observeAccepted) {
      try {
        this.ports.observeAccepted(unit.accepted);
      } catch (err) {
        // An observer's failure must not cost the message its storage.
        this.logger.error({ err, topic }, 'accepted-message observer failed');
      }
    }
    return this.committer.submit(unit);
  }

  /**
   * Synchronous part of handling: decode, judge each accepted message against the device registry, then take it from
   * its device's rate (at the receive time, so a replay of the same input gives the same verdicts).
   */
  prepare(topic: string, payload: Buffer, reply?: ReplyRequest): IngestUnit {
    const receivedAt = this.clock.now();
    const { accepted, rejected } = this.decoder.decode(topic, payload, receivedAt);
    const unit: IngestUnit = {
      topic,
      payload,
      accepted: [],
      quarantined: rejected,
      newDevices: [],
      reply: reply === undefined ? undefined : this.replyOf(topic, reply, receivedAt),
    };
    const nowMs = receivedAt.getTime();
    for (const m of accepted) {
      const check = this.directory.check(m);
      if (!check.ok) {
        unit.quarantined.push(quarantineAccepted(m, unit, check.code, check.reason));
        continue;
      }
      if (!this.rateLimiter.take(m.deviceId, nowMs)) {
        const reason = `device "${m.deviceId}" is over its rate limit of ${this.rateLimiter.describe()}`;
        unit.quarantined.push(quarantineAccepted(m, unit, 'RATE_LIMITED', reason));
        continue;
      }
      if (check.newDevice) unit.newDevices.push(check.newDevice);
      unit.accepted.push(m);
    }
    return unit;
  }

  private replyOf(topic: string, reply: ReplyRequest, receivedAt: Date): UnitReply | undefined {
    const own = senderFeedbackTopic(topic);
    if (reply.responseTopic !== own) {
      this.logger.debug(
        { topic, responseTopic: reply.responseTopic, expected: own ?? null },
        'no receipt: the responseTopic is not the sender’s own feedback topic',
      );
      return undefined;
    }
    return { responseTopic: reply.responseTopic, correlationData: reply.correlationData, receivedAt };
  }

  private async commitUnits(units: IngestUnit[]): Promise<void> {
    const batch: IngestBatch = {
      accepted: units.flatMap((u) => u.accepted),
      quarantined: units.flatMap((u) => u.quarantined),
      newDevices: units.flatMap((u) => u.newDevices),
    };
    const started = performance.now();
    const result = await this.ports.commit(batch);
    this.ports.observeCommit?.({
      units: units.length,
      accepted: batch.accepted.length,
      stored: result.stored.length,
      duplicates: result.duplicates,
      quarantined: batch.quarantined,
      seconds: (performance.now() - started) / 1000,
    });
    this.directory.confirm(batch.newDevices);
    for (const m of batch.accepted) this.lastSeen.note(m.deviceId, m.receivedAt);
    this.stats.accepted += batch.accepted.length;
    this.stats.stored += result.stored.length;
    this.stats.duplicates += result.duplicates;
    this.stats.quarantined += batch.quarantined.length;
    if (batch.quarantined.length) {
      // A device over its rate is logged once per batch, with a count: one flooding device must not flood the logs.
      let overRate: Map<string, { messages: number; reason: string }> | undefined;
      for (const q of batch.quarantined) {
        if (q.code === 'RATE_LIMITED' && q.deviceId !== undefined) {
          overRate ??= new Map();
          const seen = overRate.get(q.deviceId);
          if (seen) seen.messages++;
          else overRate.set(q.deviceId, { messages: 1, reason: q.reason });
          continue;
        }
        this.logger.warn(
          {
            deviceId: q.deviceId,
            gatewayId: q.gatewayId,
            msgId: q.msgId,
            code: q.code,
            topic: q.topic,
            reason: q.reason,
          },
          'message quarantined',
        );
      }
      for (const [deviceId, { messages, reason }] of overRate ?? []) {
        this.logger.warn({ deviceId, code: 'RATE_LIMITED', messages, reason }, 'messages quarantined over the rate');
      }
      this.ports.notifyRejected(batch.quarantined);
    }
    // Receipts, for the units that asked for one: nothing at all is done for the others.
    let fresh: Set<DeviceMessage> | undefined;
    for (const unit of units) {
      if (unit.reply === undefined) continue;
      fresh ??= new Set(result.stored);
      this.notifyOutcome(unit, unit.reply, fresh);
    }
    if (result.stored.length) {
      // Stored is stored: a stream failure is logged and counted, never turned into a redelivery.
      await this.ports.publishStored(result.stored, result.storedWire).catch((err) => {
        this.stats.streamFailures++;
        this.logger.error({ err, messages: result.stored.length }, 'publishing to the event stream failed');
      });
    }
  }

  /** `fresh`: what the commit stored, the very objects of the batch's accepted; the others were duplicates. */
  private notifyOutcome(unit: IngestUnit, reply: UnitReply, fresh: ReadonlySet<DeviceMessage>): void {
    const stored: DeviceMessage[] = [];
    const duplicates: DeviceMessage[] = [];
    for (const m of unit.accepted) (fresh.has(m) ? stored : duplicates).push(m);
    try {
      this.ports.notifyOutcome({ topic: unit.topic, reply, stored, duplicates, quarantined: unit.quarantined });
    } catch (err) {
      this.logger.warn({ err, topic: unit.topic }, 'sending a receipt failed');
    }
  }
}

/**
 * An accepted message that is refused after all (device check, database): kept as received — the whole publish for a
 * per-device topic, the entry (with its deviceId and kind) for a gateway batch.
 */
function quarantineAccepted(
  m: DeviceMessage,
  unit: Pick<IngestUnit, 'topic' | 'payload'>,
  code: RejectionCode,
  reason: string,
  details?: Record<string, unknown>,
): QuarantinedMessage {
  return {
    receivedAt: m.receivedAt,
    topic: unit.topic,
    payload: m.gatewayId
      ? Buffer.from(JSON.stringify({ ...m.body, deviceId: m.deviceId, kind: m.kind }))
      : unit.payload,
    code,
    reason,
    deviceId: m.deviceId,
    msgId: m.msgId,
    gatewayId: m.gatewayId,
    details,
  };
}

/** A unit the database refused: its accepted messages go to quarantine with the database's reason. */
export function poisonToQuarantine(unit: IngestUnit, err: unknown): IngestUnit {
  const reason = `the database rejected the message: ${(err as Error)?.message ?? String(err)}`;
  const sqlstate = (err as { code?: string })?.code;
  return {
    ...unit,
    accepted: [],
    newDevices: [],
    quarantined: [
      ...unit.quarantined,
      ...unit.accepted.map((m) =>
        quarantineAccepted(m, unit, 'STORAGE_REJECTED', reason, sqlstate ? { sqlstate } : undefined),
      ),
    ],
  };
}
