import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ExerciseActionDto, ExerciseDto, ExerciseScoreboardDto, ScoreLineDto } from '@ioc/contracts';
import { scoreReason } from '@ioc/contracts';
import { ApiError, failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { formatTime } from '../format';
import { formatPoints } from './training-model';
import { useExerciseActions, useExerciseTrainees, useScoreboard } from './use-training';
import './training.css';

interface Props {
  readonly api: IocApi;
  readonly exercise: ExerciseDto;
  /** Trainers and supervisors: the live scoreboard and the trainees' actions. Anyone else (a trainee): their own score. */
  readonly canAct: boolean;
}

/** Lines shown at most (the newest); the totals count them all. */
const LINES_SHOWN = 200;
const ACTIONS_SHOWN = 40;

/**
 * Scores of an exercise (issue 19). The trainer's view: per team and per trainee, refreshed every few seconds while the
 * exercise runs (provisional), every line with its reason and where it came from, and the trainees' actions as they
 * happen. A trainee's view: their own score and lines, once the exercise has ended.
 */
export function ScoreboardPanel({ api, exercise, canAct }: Props) {
  return canAct ? (
    <>
      <TrainerScoreboard api={api} exercise={exercise} />
      <ActionFeed api={api} exercise={exercise} />
    </>
  ) : (
    <TraineeScore api={api} exercise={exercise} />
  );
}

function TrainerScoreboard({ api, exercise }: { readonly api: IocApi; readonly exercise: ExerciseDto }) {
  const { t } = useTranslation();
  const running = exercise.status === 'running';
  const board = useScoreboard(api, exercise.id, running);
  const names = useNames(api, exercise.id);
  return (
    <section className="training-panel scoreboard-panel" data-testid="scoreboard-panel">
      <h3>
        {t('training.scoreboard.heading')}{' '}
        {board.data ? (
          <span
            className={`score-status ${board.data.provisional ? 'provisional' : 'final'}`}
            data-testid="scoreboard-status"
            data-provisional={String(board.data.provisional)}
          >
            {board.data.provisional ? t('training.scoreboard.provisional') : t('training.scoreboard.final')}
          </span>
        ) : null}
      </h3>
      {board.error ? (
        <ErrorNote error={t('training.loadFailed', { reason: failureReason(board.error) })} />
      ) : !board.data ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : (
        <>
          <p className="muted form-hint">
            {t('training.scoreboard.rules', { id: board.data.rules.id, version: board.data.rules.version })}
          </p>
          <Totals board={board.data} />
          <Lines lines={board.data.lines} names={names} />
        </>
      )}
    </section>
  );
}

/** Per team (its members' lines and its own), then per trainee. */
function Totals({ board }: { readonly board: ExerciseScoreboardDto }) {
  const { t } = useTranslation();
  return (
    <div className="score-totals">
      <table className="exercise-table score-table" data-testid="score-teams">
        <thead>
          <tr>
            <th>{t('training.scoreboard.team')}</th>
            <th className="points">{t('training.scoreboard.points')}</th>
          </tr>
        </thead>
        <tbody>
          {board.teams.map((team) => (
            <tr key={team.team} data-team={team.team} data-points={team.points}>
              <td>
                <span className="cell-main">{team.team}</span>
                <span className="cell-sub">{t('training.scoreboard.members', { count: team.members.length })}</span>
              </td>
              <td className={`points ${pointsClass(team.points)}`}>{formatPoints(team.points)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="exercise-table score-table" data-testid="score-trainees">
        <thead>
          <tr>
            <th>{t('training.scoreboard.trainee')}</th>
            <th className="points">{t('training.scoreboard.points')}</th>
          </tr>
        </thead>
        <tbody>
          {board.trainees.length === 0 ? (
            <tr>
              <td colSpan={2} className="empty">
                {t('training.trainees.none')}
              </td>
            </tr>
          ) : (
            board.trainees.map((tr) => (
              <tr key={tr.userId} data-user-id={tr.userId} data-points={tr.points}>
                <td>
                  <span className="cell-main">{tr.displayName}</span>
                  <span className="cell-sub">{tr.team}</span>
                </td>
                <td className={`points ${pointsClass(tr.points)}`}>{formatPoints(tr.points)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Every line: when, whose, what, the points and where they came from (an action's event, or a missed deadline). */
function Lines({
  lines,
  names,
}: {
  readonly lines: readonly ScoreLineDto[];
  readonly names: ReadonlyMap<string, string>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const shown = lines.slice(-LINES_SHOWN).reverse();
  if (lines.length === 0) return <p className="empty">{t('training.scoreboard.noLines')}</p>;
  return (
    <table className="exercise-table score-lines" data-testid="score-lines">
      <thead>
        <tr>
          <th>{t('training.scoreboard.line')}</th>
          <th className="points">{t('training.scoreboard.points')}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((l, i) => (
          <tr
            key={`${l.incidentId}-${l.criterion}-${l.source.at}-${l.team}-${i}`}
            data-criterion={l.criterion}
            data-points={l.points}
            data-user-id={l.userId ?? ''}
          >
            <td>
              <span className="cell-main">
                {t(`training.criterion.${l.criterion}`)} · {t(`incidentType.${l.incidentType}`, l.incidentType)}
              </span>
              <span className="cell-sub" data-outcome={l.outcome}>
                {scoreReason(l, lang)}
              </span>
              <span className="cell-sub">
                {formatTime(Date.parse(l.source.at), lang)} ·{' '}
                {l.userId
                  ? (names.get(l.userId) ?? l.userId.slice(0, 8))
                  : t('training.scoreboard.teamLine', { team: l.team })}{' '}
                ·{' '}
                {l.source.kind === 'action'
                  ? t('training.scoreboard.fromAction', { seq: l.source.eventSeq })
                  : l.criterion === 'left-open'
                    ? t('training.scoreboard.atEnd')
                    : t('training.scoreboard.fromDeadline')}
              </span>
            </td>
            <td className={`points ${pointsClass(l.points)}`}>{formatPoints(l.points)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What people did on the exercise's incidents, newest first, as it happens. */
function ActionFeed({ api, exercise }: { readonly api: IocApi; readonly exercise: ExerciseDto }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const actions = useExerciseActions(api, exercise.id, exercise.status === 'running');
  const list = (actions.data ?? []).slice(0, ACTIONS_SHOWN);
  return (
    <section className="training-panel action-feed" data-testid="action-feed">
      <h3>
        {t('training.actions.heading')} <span className="tab-count">{actions.data?.length ?? 0}</span>
      </h3>
      {actions.error ? (
        <ErrorNote error={t('training.loadFailed', { reason: failureReason(actions.error) })} />
      ) : !actions.data ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : list.length === 0 ? (
        <p className="empty">{t('training.actions.none')}</p>
      ) : (
        <ol className="action-list">
          {list.map((a) => (
            <li key={a.seq} data-seq={a.seq} data-type={a.type} data-actor={a.actor}>
              <span className="time">{formatTime(Date.parse(a.at), lang)}</span>{' '}
              <strong>{a.actorName ?? a.actor.slice(0, 8)}</strong>
              {a.team ? <span className="trainee-team">{a.team}</span> : null} {describe(a, t)}
              <span className="cell-sub">{a.incidentTitle[lang]}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A trainee's own score: only once the exercise has ended (the server refuses it before). */
function TraineeScore({ api, exercise }: { readonly api: IocApi; readonly exercise: ExerciseDto }) {
  const { t } = useTranslation();
  const ended = exercise.status !== 'running';
  const board = useScoreboard(api, exercise.id, false, ended);
  const mine = board.data?.trainees[0];
  const notYet = board.error instanceof ApiError && board.error.code === 'EXERCISE_SCORES_NOT_YET';
  return (
    <section className="training-panel scoreboard-panel" data-testid="my-score">
      <h3>{t('training.mine.heading')}</h3>
      {!ended || notYet ? (
        <p className="muted">{t('training.mine.afterEnd')}</p>
      ) : board.error ? (
        <ErrorNote error={t('training.loadFailed', { reason: failureReason(board.error) })} />
      ) : !board.data ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : !mine ? (
        <p className="empty">{t('training.mine.notTrainee')}</p>
      ) : (
        <>
          <p className="my-points" data-testid="my-points" data-points={mine.points}>
            <span className={pointsClass(mine.points)}>{formatPoints(mine.points)}</span>{' '}
            {t('training.mine.team', { team: mine.team })}
          </p>
          <Lines lines={board.data.lines} names={new Map([[mine.userId, mine.displayName]])} />
        </>
      )}
    </section>
  );
}

/** The display names of the exercise's trainees, for the lines. */
function useNames(api: IocApi, exerciseId: string): ReadonlyMap<string, string> {
  const trainees = useExerciseTrainees(api, exerciseId).data ?? [];
  return new Map(trainees.map((tr) => [tr.userId, tr.displayName]));
}

const pointsClass = (p: number) => (p > 0 ? 'won' : p < 0 ? 'lost' : 'even');

function describe(a: ExerciseActionDto, t: TFunction): string {
  const d = a.detail ?? '';
  return t(`event.${a.type}`, { assignee: d, text: d, reason: d, level: d, step: d, from: '', to: '' });
}
