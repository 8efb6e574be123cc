import { useTranslation } from 'react-i18next';
import { INCIDENT_DOMAIN_NAMES, INCIDENT_DOMAINS } from '@ioc/domain';
import type { IocApi } from '../api/ioc-api';
import { featureId, type CityModel } from '../city/city-model';
import { formatTime } from '../format';
import { ErrorNote } from '../error-note';
import {
  buildSilenceRequest,
  cityLocalInput,
  emptyDraft,
  MAX_COMMENT,
  silenceStatus,
  SILENCE_DURATIONS,
  sortSilences,
  type SilenceDraft,
  type SilenceDuration,
  type SilenceFormError,
} from './silence-form';
import { useCheckedForm } from '../forms/use-checked-form';
import { useCreateSilence, useExpireSilence, useSilences } from './use-silences';

/** What "Silence similar" hands the form: the incident's type and zone. */
export interface SilencePrefill {
  readonly type?: string;
  readonly zoneId?: string;
}

interface Props {
  readonly api: IocApi;
  readonly city: CityModel;
  /** Operators and supervisors create and end silences; trainers only read. */
  readonly canAct: boolean;
  readonly formOpen: boolean;
  readonly prefill?: SilencePrefill;
  /** Changes whenever the form is opened anew (a new prefill): the form starts over. */
  readonly formKey: number;
  readonly onOpenForm: () => void;
  readonly onCloseForm: () => void;
}

/** The server's own words (an ApiError carries its `message`), or the network error's. */
const reason = (err: unknown) => (err as Error).message;

/** Silences: the form to create one, then the ones in force, to come and ended in the last 7 days. */
export function SilencesView({ api, city, canAct, formOpen, prefill, formKey, onOpenForm, onCloseForm }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const silences = useSilences(api);
  const create = useCreateSilence(api);
  const expire = useExpireSilence(api);
  const busyId = expire.isPending ? expire.variables : undefined;
  const error = expire.isError ? t('silences.endFailed', { reason: reason(expire.error) }) : undefined;
  const now = Date.now();
  const sorted = sortSilences(silences ?? [], now);

  const matcherText = (key: string, value: string) => {
    if (key === 'type') return t(`incidentType.${value}`, { defaultValue: value });
    if (key === 'zoneId') return city.zoneName(value);
    return value;
  };

  return (
    <section className="silences" data-testid="silences-view">
      <div className="silences-head">
        <h2>{t('silences.heading')}</h2>
        {canAct && !formOpen ? (
          <button type="button" className="primary" onClick={onOpenForm} data-testid="silence-new">
            + {t('silences.new')}
          </button>
        ) : null}
      </div>
      <p className="muted silences-intro">{t('silences.intro')}</p>
      {canAct && formOpen ? (
        <SilenceForm
          key={formKey}
          city={city}
          prefill={prefill}
          onCancel={onCloseForm}
          onCreate={async (body) => {
            await create.mutateAsync(body);
            onCloseForm();
          }}
        />
      ) : null}
      <ErrorNote error={error} />
      {!silences ? (
        <p className="muted">{t('silences.loading')}</p>
      ) : sorted.length === 0 ? (
        <p className="empty">{t('silences.empty')}</p>
      ) : null}
      <ol className="silence-list">
        {sorted.map((s) => {
          const status = silenceStatus(s, now);
          return (
            <li key={s.id} className={`silence-item silence-${status}`} data-silence-id={s.id} data-status={status}>
              <div className="silence-top">
                <span className={`silence-badge silence-badge-${status}`} data-testid="silence-status">
                  {t(`silences.status.${status}`)}
                </span>
                <span className="silence-matchers">
                  {Object.entries(s.matchers)
                    .filter(([, v]) => v)
                    .map(([k, v]) => (
                      <span key={k} className="matcher" data-matcher={k}>
                        <small>{t(`silences.matcher.${k}`, { defaultValue: k })}</small> {matcherText(k, v as string)}
                      </span>
                    ))}
                </span>
              </div>
              <p className="silence-comment">{s.comment}</p>
              <div className="silence-meta">
                <span className="time">
                  {t('silences.period', {
                    from: formatTime(Date.parse(s.startsAt), lang, true),
                    to: formatTime(Date.parse(s.endsAt), lang, true),
                  })}
                </span>
                <span>{t('silences.createdBy', { name: s.createdByName ?? s.createdBy.slice(0, 8) })}</span>
                {s.expiredBy ? (
                  <span data-testid="silence-expired-by">
                    {t('silences.expiredBy', {
                      name: s.expiredByName ?? s.expiredBy.slice(0, 8),
                      time: formatTime(Date.parse(s.expiredAt ?? s.endsAt), lang, true),
                    })}
                  </span>
                ) : null}
              </div>
              {canAct && status !== 'ended' ? (
                <button
                  type="button"
                  className="silence-end"
                  disabled={busyId === s.id}
                  onClick={() => expire.mutate(s.id)}
                  data-testid="silence-end"
                >
                  {t('silences.endNow')}
                </button>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

interface FormProps {
  readonly city: CityModel;
  readonly prefill?: SilencePrefill;
  readonly onCancel: () => void;
  /** Throws the server's refusal. */
  readonly onCreate: (body: Parameters<IocApi['createSilence']>[0]) => Promise<void>;
}

/** A new silence: incident type and zone (at least one), how long, and why. */
function SilenceForm({ city, prefill, onCancel, onCreate }: FormProps) {
  const { t } = useTranslation();
  const { draft, set, errors, serverError, busy, submit } = useCheckedForm<
    SilenceDraft,
    Parameters<IocApi['createSilence']>[0],
    SilenceFormError
  >(
    () => emptyDraft(prefill),
    (d) => buildSilenceRequest(d, Date.now()),
    onCreate,
    (err) => t('silences.form.failed', { reason: reason(err) }),
  );
  const wards = city.wards.map((w) => featureId(w)).filter((id): id is string => !!id);
  // An incident's zone that is not a ward (a catchment, a site, a device) is offered as it is.
  const zones = draft.zoneId && !wards.includes(draft.zoneId) ? [draft.zoneId, ...wards] : wards;

  return (
    <form
      className="silence-form"
      data-testid="silence-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('silences.form.heading')}</h3>
      <label>
        <span>{t('silences.form.type')}</span>
        <select value={draft.type} onChange={(e) => set({ type: e.target.value })} data-testid="silence-type">
          <option value="">{t('silences.anyType')}</option>
          {INCIDENT_DOMAIN_NAMES.map((d) => (
            <optgroup key={d} label={t(`domain.${d}`)}>
              {INCIDENT_DOMAINS[d].map((type) => (
                <option key={type} value={type}>
                  {t(`incidentType.${type}`)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        <span>{t('silences.form.zone')}</span>
        <select value={draft.zoneId} onChange={(e) => set({ zoneId: e.target.value })} data-testid="silence-zone">
          <option value="">{t('silences.anyZone')}</option>
          {zones.map((id) => (
            <option key={id} value={id}>
              {city.zoneName(id)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('silences.form.duration')}</span>
        <select
          value={draft.duration}
          onChange={(e) => {
            const duration = e.target.value as SilenceDuration;
            set({
              duration,
              until: duration === 'until' && !draft.until ? cityLocalInput(Date.now() + 3_600_000) : draft.until,
            });
          }}
          data-testid="silence-duration"
        >
          {SILENCE_DURATIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {t(`silences.duration.${d.id}`)}
            </option>
          ))}
          <option value="until">{t('silences.form.until')}</option>
        </select>
      </label>
      {draft.duration === 'until' ? (
        <label>
          <span>{t('silences.form.untilLabel')}</span>
          <input
            type="datetime-local"
            value={draft.until}
            onChange={(e) => set({ until: e.target.value })}
            data-testid="silence-until"
          />
        </label>
      ) : null}
      <label className="wide">
        <span>{t('silences.form.comment')}</span>
        <textarea
          rows={2}
          maxLength={MAX_COMMENT}
          value={draft.comment}
          onChange={(e) => set({ comment: e.target.value })}
          placeholder={t('silences.form.commentPlaceholder')}
          data-testid="silence-comment"
        />
      </label>
      {errors.length || serverError ? (
        <ul className="error form-errors" role="alert" data-testid="silence-form-error">
          {errors.map((e) => (
            <li key={e}>{t(`silences.error.${e}`)}</li>
          ))}
          {serverError ? <li>{serverError}</li> : null}
        </ul>
      ) : null}
      <div className="form-buttons">
        <button type="button" onClick={onCancel} data-testid="silence-cancel">
          {t('silences.form.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="silence-submit">
          {t('silences.form.submit')}
        </button>
      </div>
    </form>
  );
}
