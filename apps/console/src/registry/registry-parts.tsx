import { useTranslation } from 'react-i18next';
import { formatTime } from '../format';
import type { RegistryFormError } from './registry-model';
import type { RegistryActions } from './registry-view';
import type { RegistryKind } from './use-registry';

/** When the identity's current password was issued, or that it has none yet. */
export function CredentialIssued({ at }: { readonly at: string | null }) {
  const { t, i18n } = useTranslation();
  return at ? (
    <>{formatTime(Date.parse(at), i18n.language, true)}</>
  ) : (
    <span className="no-credential">{t('registry.device.noCredential')}</span>
  );
}

/** Active or disabled, as a badge. */
export function StatusBadge({ status }: { readonly status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`reg-status reg-status-${status}`} data-testid="registry-status">
      {t(`registry.status.${status}`, { defaultValue: status })}
    </span>
  );
}

/** A device's or gateway's actions: issue or rotate its password, disable or enable it, delete it. */
export function RowActions({
  kind,
  id,
  status,
  hasCredential,
  viaGateway = false,
  actions,
}: {
  readonly kind: RegistryKind;
  readonly id: string;
  readonly status: 'active' | 'disabled';
  readonly hasCredential: boolean;
  /** A device behind a gateway: no password of its own to issue. */
  readonly viaGateway?: boolean;
  readonly actions: RegistryActions;
}) {
  const { t } = useTranslation();
  return (
    <span className="row-actions">
      {viaGateway ? null : (
        <button type="button" onClick={() => actions.rotate(kind, id)} data-testid="registry-rotate">
          {hasCredential ? t('registry.action.rotate') : t('registry.action.issue')}
        </button>
      )}
      {status === 'active' ? (
        <button type="button" onClick={() => actions.disable(kind, id)} data-testid="registry-disable">
          {t('registry.action.disable')}
        </button>
      ) : (
        <button type="button" onClick={() => actions.enable(kind, id)} data-testid="registry-enable">
          {t('registry.action.enable')}
        </button>
      )}
      <button
        type="button"
        className="danger-link"
        onClick={() => actions.remove(kind, id)}
        data-testid="registry-delete"
      >
        {t('registry.action.delete')}
      </button>
    </span>
  );
}

/** Why a form cannot be sent, and the server's refusal. */
export function FormErrors({
  errors,
  serverError,
  testId,
  detail,
}: {
  readonly errors: readonly RegistryFormError[];
  readonly serverError: string | undefined;
  readonly testId: string;
  /** Words added to one error (the unknown ids, say). */
  readonly detail?: Partial<Record<RegistryFormError, string>>;
}) {
  const { t } = useTranslation();
  if (!errors.length && !serverError) return null;
  return (
    <ul className="error form-errors" role="alert" data-testid={testId}>
      {errors.map((e) => (
        <li key={e}>
          {t(`registry.error.${e}`)}
          {detail?.[e] ? `: ${detail[e]}` : ''}
        </li>
      ))}
      {serverError ? <li>{serverError}</li> : null}
    </ul>
  );
}

/** Previous and next page, and where we are. */
export function Pager({
  page,
  pages,
  onPage,
}: {
  readonly page: number;
  readonly pages: number;
  readonly onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  if (pages <= 1) return null;
  return (
    <div className="pager" data-testid="registry-pager">
      <button type="button" disabled={page === 0} onClick={() => onPage(0)} aria-label={t('registry.pager.first')}>
        «
      </button>
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid="registry-page-prev">
        ‹ {t('registry.pager.prev')}
      </button>
      <span data-testid="registry-page">{t('registry.pager.page', { page: page + 1, pages })}</span>
      <button
        type="button"
        disabled={page >= pages - 1}
        onClick={() => onPage(page + 1)}
        data-testid="registry-page-next"
      >
        {t('registry.pager.next')} ›
      </button>
      <button
        type="button"
        disabled={page >= pages - 1}
        onClick={() => onPage(pages - 1)}
        aria-label={t('registry.pager.last')}
      >
        »
      </button>
    </div>
  );
}
