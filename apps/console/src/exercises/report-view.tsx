import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  EXERCISE_REVIEW_TEXT_MAX,
  type ExerciseDto,
  type ExerciseReviewRequest,
  type ReportLanguage,
} from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { queryKeys } from '../api/query-keys';
import { ErrorNote } from '../error-note';
import { formatTime } from '../format';

interface Props {
  readonly api: IocApi;
  /** The exercises that have ended, newest first. */
  readonly exercises: readonly ExerciseDto[];
}

/**
 * The after-action report of an ended exercise (trainers, supervisors): the server's page in a sandboxed iframe (no
 * script may run in it; it inherits the console's CSP, which allows the report's one stylesheet by its hash), in
 * Vietnamese or English, its PDF, and the trainer's review that goes into it.
 */
export function ExerciseReportView({ api, exercises }: Props) {
  const { t, i18n } = useTranslation();
  const uiLang: ReportLanguage = i18n.language === 'en' ? 'en' : 'vi';
  const [picked, setPicked] = useState<string>();
  const [lang, setLang] = useState<ReportLanguage>(uiLang);
  const [pdfError, setPdfError] = useState<string>();
  const [downloading, setDownloading] = useState(false);
  const [open, setOpen] = useState(false);
  const exercise = exercises.find((e) => e.id === picked) ?? exercises[0];
  const id = exercise?.id;

  const page = useQuery({
    queryKey: queryKeys.exerciseReportPage(id ?? '', lang),
    queryFn: () => api.exerciseReportHtml(id!, lang),
    enabled: !!id && open,
  });
  const report = useQuery({
    queryKey: queryKeys.exerciseReport(id ?? ''),
    queryFn: () => api.exerciseReport(id!),
    enabled: !!id && open,
  });

  if (!exercise)
    return (
      <section className="exercise-report" data-testid="exercise-report">
        <h3>{t('exerciseReport.heading')}</h3>
        <p className="empty">{t('exerciseReport.none')}</p>
      </section>
    );

  const download = async () => {
    setDownloading(true);
    setPdfError(undefined);
    try {
      const blob = await api.exerciseReportPdf(exercise.id, lang);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `after-action-report-${exercise.id.slice(0, 8)}-${lang}.pdf`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setPdfError(t('exerciseReport.downloadFailed', { reason: failureReason(err) }));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="exercise-report" data-testid="exercise-report">
      <h3>{t('exerciseReport.heading')}</h3>
      <p className="muted exercises-hint">{t('exerciseReport.intro')}</p>
      <div className="exercise-form">
        <label>
          <span>{t('exerciseReport.exercise')}</span>
          <select value={exercise.id} onChange={(e) => setPicked(e.target.value)} data-testid="report-exercise">
            {exercises.map((e) => (
              <option key={e.id} value={e.id}>
                {t('exerciseReport.option', {
                  name: e.recordingName,
                  time: formatTime(Date.parse(e.startedAt), uiLang, true),
                })}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button type="button" onClick={() => setOpen(true)} data-testid="report-open">
            {t('exerciseReport.open')}
          </button>
        </div>
      </div>
      {open ? (
        <div
          className="report-page"
          role="dialog"
          aria-modal="true"
          aria-label={t('exerciseReport.heading')}
          data-testid="report-page"
          data-exercise-id={exercise.id}
        >
          <header className="report-toolbar">
            <h2>
              {t('exerciseReport.heading')}: {exercise.recordingName}
            </h2>
            <span className="report-lang" role="group" aria-label={t('exerciseReport.language')}>
              {(['vi', 'en'] as const).map((l) => (
                <button
                  type="button"
                  key={l}
                  className={lang === l ? 'on' : ''}
                  aria-pressed={lang === l}
                  onClick={() => setLang(l)}
                  data-report-lang={l}
                >
                  {t(`exerciseReport.${l}`)}
                </button>
              ))}
            </span>
            <button type="button" onClick={() => void download()} disabled={downloading} data-testid="report-pdf">
              {downloading ? t('exerciseReport.downloading') : t('exerciseReport.download')}
            </button>
            <button type="button" onClick={() => setOpen(false)} data-testid="report-close">
              {t('exerciseReport.close')}
            </button>
          </header>
          <ErrorNote error={pdfError} />
          <div className="report-body">
            {page.error ? (
              <ErrorNote error={t('exerciseReport.failed', { reason: failureReason(page.error) })} />
            ) : page.data === undefined ? (
              <p className="muted">{t('exerciseReport.loading')}</p>
            ) : (
              <iframe
                className="report-frame"
                title={t('exerciseReport.frameTitle')}
                sandbox=""
                srcDoc={page.data}
                data-testid="report-frame"
                data-lang={lang}
              />
            )}
            {report.data ? (
              <ReviewForm
                key={exercise.id}
                initial={{
                  wentWell: report.data.review?.wentWell ?? '',
                  toImprove: report.data.review?.toImprove ?? '',
                }}
                api={api}
                exerciseId={exercise.id}
              />
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}

/** What went well and what to improve: saved with the PUT, then the report (JSON and pages) is read again. */
function ReviewForm({
  api,
  exerciseId,
  initial,
}: {
  readonly api: IocApi;
  readonly exerciseId: string;
  readonly initial: ExerciseReviewRequest;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ExerciseReviewRequest>(initial);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: ExerciseReviewRequest) => api.saveExerciseReview(exerciseId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.exerciseReport(exerciseId) }),
  });
  const tooLong = draft.wentWell.length > EXERCISE_REVIEW_TEXT_MAX || draft.toImprove.length > EXERCISE_REVIEW_TEXT_MAX;

  const submit = async () => {
    if (tooLong) {
      setError(t('exerciseReport.review.tooLong', { max: EXERCISE_REVIEW_TEXT_MAX }));
      return;
    }
    setError(undefined);
    try {
      await save.mutateAsync(draft);
      setSaved(true);
    } catch (err) {
      setError(t('exerciseReport.review.failed', { reason: failureReason(err) }));
    }
  };

  const field = (name: keyof ExerciseReviewRequest) => (
    <label>
      <span>{t(`exerciseReport.review.${name}`)}</span>
      <textarea
        name={name}
        rows={4}
        value={draft[name]}
        maxLength={EXERCISE_REVIEW_TEXT_MAX}
        onChange={(e) => {
          setDraft({ ...draft, [name]: e.target.value });
          setSaved(false);
        }}
        data-testid={`review-${name}`}
      />
      <span className="cell-sub">
        {t('exerciseReport.review.count', { n: draft[name].length, max: EXERCISE_REVIEW_TEXT_MAX })}
      </span>
    </label>
  );

  return (
    <form
      className="exercise-form review-form"
      data-testid="review-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h4>{t('exerciseReport.review.heading')}</h4>
      <p className="muted">{t('exerciseReport.review.hint')}</p>
      {field('wentWell')}
      {field('toImprove')}
      <ErrorNote error={error} />
      <div className="form-actions">
        <button type="submit" disabled={save.isPending} data-testid="review-save">
          {save.isPending ? t('exerciseReport.review.saving') : t('exerciseReport.review.save')}
        </button>
        {saved ? (
          <span className="muted" role="status" data-testid="review-saved">
            {t('exerciseReport.review.saved')}
          </span>
        ) : null}
      </div>
    </form>
  );
}
