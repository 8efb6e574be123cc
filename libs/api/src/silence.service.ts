import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MAX_SILENCE_MS, type SilenceDto, type SilenceRequest } from '@ioc/contracts';
import { CLOCK, LOGGER, type Clock, type Logger } from '@ioc/platform';
import { SilenceRepository, UserRepository, type SilenceRecord } from '@ioc/storage';
import { ApiServiceError } from './api.errors';

/** Ended silences stay listed this long (why was it quiet last night?). */
const LIST_ENDED_FOR_MS = 7 * 24 * 3_600_000;

type Names = ReadonlyMap<string, string>;

export const toSilenceDto = (s: SilenceRecord, now: number, names: Names): SilenceDto => ({
  id: s.id,
  matchers: s.matchers,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  comment: s.comment,
  createdBy: s.createdBy,
  createdByName: names.get(s.createdBy) ?? null,
  createdAt: s.createdAt.toISOString(),
  expiredBy: s.expiredBy,
  expiredByName: s.expiredBy ? (names.get(s.expiredBy) ?? null) : null,
  expiredAt: s.expiredAt?.toISOString() ?? null,
  active: s.startsAt.getTime() <= now && now < s.endsAt.getTime(),
});

/**
 * Silences, stored: the correlate role reads the ones in force every few seconds and applies them in the engine (so
 * they reach it from any API process and survive restarts). Expiring one ends it now; the record stays.
 */
@Injectable()
export class SilenceService {
  constructor(
    private readonly silences: SilenceRepository,
    private readonly users: UserRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(input: SilenceRequest, by: string): Promise<SilenceDto> {
    const now = this.clock.nowMs();
    const startsAt = input.startsAt?.getTime() ?? now;
    const endsAt = input.endsAt.getTime();
    if (endsAt <= now)
      throw new ApiServiceError('SILENCE_INVALID', 'endsAt must be in the future', {
        endsAt: input.endsAt.toISOString(),
      });
    if (endsAt <= startsAt) throw new ApiServiceError('SILENCE_INVALID', 'endsAt must be after startsAt', {});
    if (endsAt - startsAt > MAX_SILENCE_MS)
      throw new ApiServiceError('SILENCE_INVALID', 'a silence lasts at most 7 days', {});
    const s = await this.silences.create({
      id: randomUUID(),
      matchers: input.matchers,
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
      comment: input.comment,
      createdBy: by,
    });
    this.logger.info({ silenceId: s.id, matchers: s.matchers, endsAt: s.endsAt, by }, 'silence created');
    return toSilenceDto(s, now, await this.namesOf([s]));
  }

  async list(): Promise<SilenceDto[]> {
    const now = this.clock.nowMs();
    const silences = await this.silences.list(new Date(now - LIST_ENDED_FOR_MS), 500);
    const names = await this.namesOf(silences);
    return silences.map((s) => toSilenceDto(s, now, names));
  }

  async expire(id: string, by: string): Promise<SilenceDto> {
    const now = this.clock.nowMs();
    const s = await this.silences.expire(id, by, new Date(now));
    if (!s) throw new ApiServiceError('SILENCE_NOT_FOUND', `no silence ${id}`, { silenceId: id });
    this.logger.info({ silenceId: id, by }, 'silence expired');
    return toSilenceDto(s, now, await this.namesOf([s]));
  }

  /** Display names of the users who created or ended these silences. */
  private async namesOf(silences: readonly SilenceRecord[]): Promise<Names> {
    const users = await this.users.findByIds(
      silences.flatMap((s) => (s.expiredBy ? [s.createdBy, s.expiredBy] : [s.createdBy])),
    );
    return new Map([...users].map(([id, u]) => [id, u.displayName]));
  }
}
