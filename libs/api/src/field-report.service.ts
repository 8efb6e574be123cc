import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FieldReportDto, FieldReportListQuery, FieldReportRequest } from '@ioc/contracts';
import { FIELD_REPORT_API_CHANNEL, type FieldReport } from '@ioc/domain';
import { CLOCK, LOGGER, type Clock, type Logger } from '@ioc/platform';
import { FieldReportStream, FieldReportTap } from '@ioc/queue';
import { FieldReportRepository, type FieldReportRecord } from '@ioc/storage';
import { ApiServiceError } from './api.errors';
import { API_CITY, type ApiCity } from './city';

const toDto = (r: FieldReportRecord): FieldReportDto => ({
  id: r.id,
  reportedAt: r.reportedAt.toISOString(),
  channel: r.channel,
  category: r.category as FieldReportDto['category'],
  lat: r.lat,
  lon: r.lon,
  text: r.text,
  photoRef: r.photoRef,
  reportedBy: r.reportedBy,
  wardId: r.wardId,
});

/**
 * Field reports (phản ánh hiện trường): stored first, then handed to the correlation engine as evidence — directly
 * when the correlate role runs in this process (FieldReportTap), otherwise on the field-report stream that every
 * correlate process reads. A report lost between the two (Redis down) is still replayed by the next correlation
 * recovery, since that reads the table.
 */
@Injectable()
export class FieldReportService {
  constructor(
    private readonly reports: FieldReportRepository,
    @Inject(FieldReportTap) private readonly tap: FieldReportTap,
    @Inject(FieldReportStream) private readonly stream: FieldReportStream,
    @Inject(API_CITY) private readonly city: ApiCity,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async submit(input: FieldReportRequest, reportedBy: string): Promise<FieldReportDto> {
    const record: FieldReportRecord = {
      id: randomUUID(),
      reportedAt: this.clock.now(),
      channel: FIELD_REPORT_API_CHANNEL,
      category: input.category,
      lat: input.lat,
      lon: input.lon,
      text: input.text,
      photoRef: input.photoRef ?? null,
      reportedBy,
      wardId: this.city.topology.locate(input.lat, input.lon).ward ?? null,
    };
    await this.reports.insert(record);
    const report: FieldReport = {
      id: record.id,
      reportedAt: record.reportedAt.getTime(),
      channel: record.channel,
      category: record.category,
      lat: record.lat,
      lon: record.lon,
      text: record.text,
      ...(record.photoRef !== null && { photoRef: record.photoRef }),
    };
    if (this.tap.hasListeners) this.tap.emit([report]);
    else
      await this.stream
        .publish([report])
        .catch((err) =>
          this.logger.error(
            { err, reportId: report.id },
            'handing a field report to correlation failed; it is replayed on the next correlation recovery',
          ),
        );
    this.logger.info(
      { reportId: record.id, category: record.category, wardId: record.wardId, userId: reportedBy },
      'field report taken',
    );
    return toDto(record);
  }

  async list(q: FieldReportListQuery): Promise<FieldReportDto[]> {
    return (await this.reports.list({ from: q.from, to: q.to, category: q.category, limit: q.limit })).map(toDto);
  }

  async get(id: string): Promise<FieldReportDto> {
    const r = await this.reports.findById(id);
    if (!r) throw new ApiServiceError('FIELD_REPORT_NOT_FOUND', `no field report ${id}`, { reportId: id });
    return toDto(r);
  }
}
