import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DeviceQueryService } from '@ioc/api';
import {
  DeviceListQuerySchema,
  ReadingsQuerySchema,
  SeriesQuerySchema,
  type DeviceListQuery,
  type ReadingsQuery,
  type SeriesQuery,
} from '@ioc/contracts';
import { ApiZodQuery, ZodPipe } from './zod';

const deviceIdPipe = new ZodPipe(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/), 'device id');
const DeviceIdParam = () => ApiParam({ name: 'id', example: 'wl-p2-001' });

/** Devices for every role: the console's map and health view, integrators' checks. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DevicesController {
  constructor(@Inject(DeviceQueryService) private readonly devices: DeviceQueryService) {}

  @Get()
  @ApiOperation({ summary: 'Devices of the city model and the registry: type, ward, status, last seen, online' })
  @ApiZodQuery(DeviceListQuerySchema)
  list(@Query(new ZodPipe(DeviceListQuerySchema, 'query')) q: DeviceListQuery) {
    return this.devices.list(q);
  }

  @Get(':id')
  @DeviceIdParam()
  @ApiOperation({ summary: 'One device' })
  get(@Param('id', deviceIdPipe) id: string) {
    return this.devices.get(id);
  }

  @Get(':id/readings')
  @DeviceIdParam()
  @ApiOperation({ summary: 'Stored readings of the device, newest first (default: the last 24 h)' })
  @ApiZodQuery(ReadingsQuerySchema)
  readings(@Param('id', deviceIdPipe) id: string, @Query(new ZodPipe(ReadingsQuerySchema, 'query')) q: ReadingsQuery) {
    return this.devices.readings(id, q);
  }

  @Get(':id/series')
  @DeviceIdParam()
  @ApiOperation({
    summary: 'Bucketed aggregates from a rollup (TimescaleDB continuous aggregate or plain rollup table)',
  })
  @ApiZodQuery(SeriesQuerySchema)
  series(@Param('id', deviceIdPipe) id: string, @Query(new ZodPipe(SeriesQuerySchema, 'query')) q: SeriesQuery) {
    return this.devices.timeseries(id, q);
  }
}
