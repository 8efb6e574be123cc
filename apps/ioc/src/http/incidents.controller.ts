import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import {
  CapExportService,
  IncidentCommandService,
  IncidentService,
  type IncidentChange,
  type OperatorCommand,
} from '@ioc/incidents';
import {
  AssignRequestSchema,
  CommentRequestSchema,
  CompleteStepRequestSchema,
  EmptyRequestSchema,
  INCIDENT_ACT_ROLES,
  INCIDENT_READ_ROLES,
  IncidentEventsQuerySchema,
  IncidentListQuerySchema,
  ReopenRequestSchema,
  ResolveRequestSchema,
  type AssignRequest,
  type CommentRequest,
  type CompleteStepRequest,
  type IncidentEventsQuery,
  type IncidentListQueryDto,
  type ReopenRequest,
  type ResolveRequest,
} from '@ioc/contracts';
import { IncidentQueryService } from '@ioc/api';
import { ApiUuidParam, ApiZodBody, ApiZodQuery, uuidPipe, ZodPipe } from './zod';

/** Who reads incidents, and who acts on them (admin may always): shared with the console. */
const READERS = INCIDENT_READ_ROLES;
const ACTORS = INCIDENT_ACT_ROLES;

const stepIdPipe = new ZodPipe(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/), 'stepId');

/** Incidents: filtered lists, detail with evidence, timeline and SOP progress, operator commands, CAP, the resume feed. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api/v1')
export class IncidentsController {
  constructor(
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(IncidentCommandService) private readonly commands: IncidentCommandService,
    @Inject(CapExportService) private readonly cap: CapExportService,
    @Inject(IncidentQueryService) private readonly queries: IncidentQueryService,
  ) {}

  @Get('incidents')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Incidents, newest first; filters combine with AND; page with nextCursor' })
  @ApiZodQuery(IncidentListQuerySchema)
  list(
    @Query(new ZodPipe(IncidentListQuerySchema, 'query')) q: IncidentListQueryDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.queries.list(q, p);
  }

  @Get('incidents/:id')
  @Roles(...READERS)
  @ApiUuidParam()
  @ApiOperation({
    summary:
      'One incident: record with latest evidence, full timeline (audit trail), SOP progress, and the users named in it',
  })
  get(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.queries.get(id, p);
  }

  @Get('incidents/:id/cap')
  @Roles(...READERS, 'integrator')
  @ApiUuidParam()
  @ApiProduces('application/cap+xml')
  @Header('Content-Type', 'application/cap+xml; charset=utf-8')
  @ApiOperation({ summary: 'The current CAP 1.2 message of the incident (Alert, Update or Cancel)' })
  async capXml(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<string> {
    await this.queries.assertVisible(id, p);
    return (await this.cap.latest(id)).xml;
  }

  @Get('incident-events')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Incident events committed after afterSeq, in seq (= commit) order: resume after a reconnect',
  })
  @ApiZodQuery(IncidentEventsQuerySchema)
  events(
    @Query(new ZodPipe(IncidentEventsQuerySchema, 'query')) q: IncidentEventsQuery,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.queries.eventsSince(q.afterSeq, q.limit, p);
  }

  @Post('incidents/:id/acknowledge')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Acknowledge an open incident (stops its escalation)' })
  @ApiZodBody(EmptyRequestSchema)
  acknowledge(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(EmptyRequestSchema, 'body')) _b: object,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'acknowledge', incidentId: id, by: p.userId, role: p.role });
  }

  @Post('incidents/:id/assign')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Assign to a user id or a team (e.g. drainage-team)' })
  @ApiZodBody(AssignRequestSchema)
  assign(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(AssignRequestSchema, 'body')) b: AssignRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'assign', incidentId: id, by: p.userId, role: p.role, assignee: b.assignee });
  }

  @Post('incidents/:id/comment')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Add a comment to the audit trail' })
  @ApiZodBody(CommentRequestSchema)
  comment(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(CommentRequestSchema, 'body')) b: CommentRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'comment', incidentId: id, by: p.userId, role: p.role, text: b.text });
  }

  @Post('incidents/:id/resolve')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Resolve, with an optional note' })
  @ApiZodBody(ResolveRequestSchema)
  resolve(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ResolveRequestSchema, 'body')) b: ResolveRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'resolve', incidentId: id, by: p.userId, role: p.role, note: b.note });
  }

  @Post('incidents/:id/reopen')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Reopen a resolved incident' })
  @ApiZodBody(ReopenRequestSchema)
  reopen(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ReopenRequestSchema, 'body')) b: ReopenRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'reopen', incidentId: id, by: p.userId, role: p.role, reason: b.reason });
  }

  @Post('incidents/:id/close')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Close a resolved incident (final)' })
  @ApiZodBody(EmptyRequestSchema)
  close(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(EmptyRequestSchema, 'body')) _b: object,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'close', incidentId: id, by: p.userId, role: p.role });
  }

  @Post('incidents/:id/sop-steps/:stepId/complete')
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiUuidParam()
  @ApiOperation({ summary: 'Mark a step of the incident’s SOP checklist done' })
  @ApiZodBody(CompleteStepRequestSchema)
  completeStep(
    @Param('id', uuidPipe()) id: string,
    @Param('stepId', stepIdPipe) stepId: string,
    @Body(new ZodPipe(CompleteStepRequestSchema, 'body')) b: CompleteStepRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.run({ action: 'complete-sop-step', incidentId: id, by: p.userId, role: p.role, stepId, note: b.note });
  }

  /** The incident after the command and the events it committed (empty when it changed nothing). */
  private async run(c: OperatorCommand): Promise<{ incident: unknown; events: IncidentChange['events'] }> {
    const change = await this.commands.execute(c);
    const incident =
      change.incidents.find((i) => i.id === c.incidentId) ?? (await this.incidents.get(c.incidentId)).incident;
    return { incident, events: change.events };
  }
}
