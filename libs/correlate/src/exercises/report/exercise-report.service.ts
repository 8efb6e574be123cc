import type {
  ExerciseReportDto,
  ExerciseReviewDto,
  ExerciseReviewRequest,
  ExerciseScoreboardDto,
  ReportLanguage,
  ReportPersonDto,
} from '@ioc/contracts';
import { SYSTEM_ACTOR } from '@ioc/domain';
import type { EscalationPolicy } from '@ioc/incidents';
import type { Clock, Logger, PdfPrinter } from '@ioc/platform';
import type { ExerciseReportRepository, ExerciseReviewRecord, UserRepository } from '@ioc/storage';
import { ExerciseError } from '../exercise.errors';
import type { ExerciseService } from '../exercise.service';
import { buildExerciseReport } from './exercise-report.builder';
import { renderReportHtml } from './exercise-report.html';

/**
 * The scores of an exercise, as the report shows them. Wired to the scoring service (ExerciseScoringService's
 * `scoreboard`); null when there are none.
 */
export interface ExerciseScoresPort {
  scoreboard(exerciseId: string): Promise<ExerciseScoreboardDto | null>;
}
export const EXERCISE_SCORES = Symbol('EXERCISE_SCORES');
/** Until scoring is wired in: no scores (the report says "scores not available"). */
export const NO_EXERCISE_SCORES: ExerciseScoresPort = { scoreboard: async () => null };

/**
 * The after-action report of an ended exercise (HSEEP's AAR/IP): reads the exercise, its incidents and their log, the
 * escalation policy, the scores and the trainer's review; builds the JSON (pure), renders the page (pure) and prints it.
 */
export class ExerciseReportService {
  constructor(
    private readonly exercises: Pick<ExerciseService, 'get'>,
    private readonly repo: Pick<
      ExerciseReportRepository,
      'findReview' | 'saveReview' | 'incidentsWithPrefix' | 'eventsOf' | 'notificationsOf'
    >,
    private readonly users: Pick<UserRepository, 'findByIds'>,
    private readonly scores: ExerciseScoresPort,
    private readonly policy: EscalationPolicy,
    private readonly printer: Pick<PdfPrinter, 'print'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Writes the trainer's review; EXERCISE_NOT_ENDED while the exercise runs. */
  async saveReview(exerciseId: string, body: ExerciseReviewRequest, by: string): Promise<ExerciseReviewDto> {
    const saved = await this.repo.saveReview({
      exerciseId,
      wentWell: body.wentWell,
      toImprove: body.toImprove,
      updatedBy: by,
      updatedAt: new Date(this.clock.nowMs()),
    });
    if (saved === 'not-found')
      throw new ExerciseError('EXERCISE_NOT_FOUND', `no exercise ${exerciseId}`, { exerciseId });
    if ('running' in saved)
      throw new ExerciseError('EXERCISE_NOT_ENDED', 'the exercise is still running: review it once it has ended', {
        exerciseId,
      });
    this.logger.info({ exerciseId, by }, 'exercise review saved');
    return this.reviewDto(saved, await this.people([by]));
  }

  /** The report's JSON; EXERCISE_NOT_ENDED while the exercise runs. */
  async report(exerciseId: string): Promise<ExerciseReportDto> {
    const exercise = await this.exercises.get(exerciseId);
    if (exercise.status === 'running')
      throw new ExerciseError(
        'EXERCISE_NOT_ENDED',
        'the exercise is still running: its report comes once it has ended',
        {
          exerciseId,
        },
      );
    const incidents = await this.repo.incidentsWithPrefix(exercise.keyPrefix);
    const ids = incidents.map((i) => i.id);
    const [events, notifications, review, scoreboard] = await Promise.all([
      this.repo.eventsOf(ids),
      this.repo.notificationsOf(ids),
      this.repo.findReview(exerciseId),
      this.scoreboard(exerciseId),
    ]);
    const people = await this.people([
      exercise.startedBy,
      ...(exercise.endedBy ? [exercise.endedBy] : []),
      ...(review ? [review.updatedBy] : []),
      ...events.flatMap((e) => (e.type === 'assigned' ? [e.actor, e.data.assignee] : [e.actor])),
      ...incidents.flatMap((i) => i.sopDone.map((d) => d.by)),
      ...(scoreboard?.trainees.map((t) => t.userId) ?? []),
    ]);
    return buildExerciseReport({
      exercise,
      incidents,
      events,
      notifications,
      policy: this.policy,
      scoreboard,
      review: review ? this.reviewDto(review, people) : null,
      people,
      now: this.clock.nowMs(),
    });
  }

  async html(exerciseId: string, lang: ReportLanguage): Promise<string> {
    return renderReportHtml(await this.report(exerciseId), lang);
  }

  /** The same page printed by headless Chromium (REPORT_PDF_UNAVAILABLE without one). */
  async pdf(exerciseId: string, lang: ReportLanguage): Promise<Buffer> {
    const html = await this.html(exerciseId, lang);
    const started = Date.now();
    const pdf = await this.printer.print(html);
    this.logger.info({ exerciseId, lang, bytes: pdf.length, ms: Date.now() - started }, 'exercise report printed');
    return pdf;
  }

  /** Scores are the report's part, not its precondition: a scoring failure leaves them out and is logged. */
  private async scoreboard(exerciseId: string): Promise<ExerciseScoreboardDto | null> {
    try {
      return await this.scores.scoreboard(exerciseId);
    } catch (err) {
      this.logger.warn({ err, exerciseId }, 'exercise scores not available for the report');
      return null;
    }
  }

  private async people(ids: readonly string[]): Promise<Map<string, ReportPersonDto>> {
    const users = await this.users.findByIds(ids.filter((id) => id !== SYSTEM_ACTOR));
    return new Map(
      [...users].map(([id, u]) => [id, { username: u.username, displayName: u.displayName, role: u.role }]),
    );
  }

  private reviewDto(r: ExerciseReviewRecord, people: ReadonlyMap<string, ReportPersonDto>): ExerciseReviewDto {
    return {
      exerciseId: r.exerciseId,
      wentWell: r.wentWell,
      toImprove: r.toImprove,
      updatedBy: r.updatedBy,
      updatedByName: people.get(r.updatedBy)?.displayName ?? null,
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}
