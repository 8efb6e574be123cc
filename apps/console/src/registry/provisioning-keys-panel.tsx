import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProvisioningKeyDto } from '@ioc/contracts';
import { DEVICE_TYPES } from '@ioc/domain';
import { failureReason } from '../api/http-client';
import { ErrorNote } from '../error-note';
import { formatTime } from '../format';
import { useCheckedForm } from '../forms/use-checked-form';
import { cityLocalInput } from '../silences/silence-form';
import { buildKeyRequest, emptyKeyDraft, keyStatus, type KeyDraft, type RegistryFormError } from './registry-model';
import { FormErrors } from './registry-parts';
import type { RegistryActions, WardOption } from './registry-view';
import type { RegistryChanges } from './use-registry';

/** A new key lasts a week unless its creator says otherwise. */
const DEFAULT_KEY_DAYS = 7;

interface Props {
  readonly keys: readonly ProvisioningKeyDto[] | undefined;
  readonly loadError: string | undefined;
  readonly wards: readonly WardOption[];
  readonly actions: RegistryActions;
  readonly change: RegistryChanges;
}

/**
 * Provisioning keys: a device that knows one (and its secret, shown once) registers itself over MQTT, within the key's
 * types, wards, count and expiry. Listed with what they allow and how much is used; a key can be revoked.
 */
export function ProvisioningKeysPanel({ keys, loadError, wards, actions, change }: Props) {
  const { t, i18n } = useTranslation();
  const [formOpen, setFormOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const now = Date.now();
  const wardName = (id: string) => wards.find((w) => w.id === id)?.name ?? id;
  const sorted = [...(keys ?? [])].sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));

  return (
    <div className="registry-panel" data-testid="registry-keys">
      <div className="registry-toolbar">
        <p className="muted">{t('registry.key.intro')}</p>
        <span className="spacer" />
        {!formOpen ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setFormKey((k) => k + 1);
              setFormOpen(true);
            }}
            data-testid="registry-key-new"
          >
            + {t('registry.key.new')}
          </button>
        ) : null}
      </div>
      {formOpen ? (
        <KeyForm
          key={formKey}
          wards={wards}
          onCancel={() => setFormOpen(false)}
          onCreate={async (body) => {
            actions.reveal(await change.createKey(body));
            actions.notify(t('registry.done.createKey', { id: body.id }));
            setFormOpen(false);
          }}
        />
      ) : null}
      <ErrorNote error={loadError} />
      <div className="table-scroll">
        <table className="registry-table" data-testid="registry-key-table">
          <thead>
            <tr>
              <th>{t('registry.key.id')}</th>
              <th>{t('registry.key.types')}</th>
              <th>{t('registry.key.wards')}</th>
              <th>{t('registry.key.used')}</th>
              <th>{t('registry.key.expires')}</th>
              <th>{t('registry.device.status')}</th>
              <th>{t('registry.key.createdBy')}</th>
              <th className="reg-actions">{t('registry.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((k) => {
              const status = keyStatus(k, now);
              return (
                <tr
                  key={k.id}
                  data-key-id={k.id}
                  data-status={status}
                  className={status !== 'active' ? 'disabled' : ''}
                >
                  <td>
                    <span className="reg-id">{k.id}</span>
                    <span className="reg-name">{k.username}</span>
                  </td>
                  <td>{k.deviceTypes.map((type) => t(`deviceType.${type}`, { defaultValue: type })).join(', ')}</td>
                  <td>{k.wardIds.length ? k.wardIds.map(wardName).join(', ') : t('registry.key.anyWard')}</td>
                  <td>
                    {k.used.toLocaleString(i18n.language)} / {k.maxDevices.toLocaleString(i18n.language)}
                  </td>
                  <td>{formatTime(Date.parse(k.expiresAt), i18n.language, true)}</td>
                  <td>
                    <span className={`reg-status reg-status-${status}`} data-testid="registry-key-status">
                      {t(`registry.key.status.${status}`)}
                    </span>
                  </td>
                  <td>{k.createdBy}</td>
                  <td className="reg-actions">
                    {status !== 'revoked' ? (
                      <button
                        type="button"
                        className="danger-link"
                        onClick={() => actions.revokeKey(k.id)}
                        data-testid="registry-key-revoke"
                      >
                        {t('registry.key.revoke')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {keys && keys.length === 0 ? <p className="empty">{t('registry.key.none')}</p> : null}
        {!keys && !loadError ? <p className="muted">{t('registry.loading')}</p> : null}
      </div>
    </div>
  );
}

type CreateKey = Extract<ReturnType<typeof buildKeyRequest>, { ok: true }>['body'];

/** A new key: its id, the device types and wards it may register, how many devices, until when. */
function KeyForm({
  wards,
  onCancel,
  onCreate,
}: {
  readonly wards: readonly WardOption[];
  readonly onCancel: () => void;
  readonly onCreate: (body: CreateKey) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { draft, set, errors, serverError, busy, submit } = useCheckedForm<KeyDraft, CreateKey, RegistryFormError>(
    () => emptyKeyDraft(cityLocalInput(Date.now() + DEFAULT_KEY_DAYS * 86_400_000)),
    (d) => buildKeyRequest(d, Date.now()),
    onCreate,
    (err) => t('registry.form.failed', { reason: failureReason(err) }),
  );
  const flip = <T,>(list: readonly T[], item: T, on: boolean): T[] =>
    on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
  return (
    <form
      className="registry-form"
      data-testid="registry-key-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('registry.key.new')}</h3>
      <label>
        <span>{t('registry.key.id')}</span>
        <input
          value={draft.id}
          onChange={(e) => set({ id: e.target.value })}
          placeholder="bins-2026-q4"
          autoComplete="off"
          spellCheck={false}
          data-testid="registry-key-id"
        />
      </label>
      <label>
        <span>{t('registry.key.maxDevices')}</span>
        <input
          inputMode="numeric"
          value={draft.maxDevices}
          onChange={(e) => set({ maxDevices: e.target.value })}
          data-testid="registry-key-max"
        />
      </label>
      <label>
        <span>{t('registry.key.expiresLabel')}</span>
        <input
          type="datetime-local"
          value={draft.expiresAt}
          onChange={(e) => set({ expiresAt: e.target.value })}
          data-testid="registry-key-expires"
        />
      </label>
      <fieldset className="wide checks">
        <legend>{t('registry.key.types')}</legend>
        {DEVICE_TYPES.map((type) => (
          <label key={type} className="inline">
            <input
              type="checkbox"
              checked={draft.deviceTypes.includes(type)}
              onChange={(e) => set({ deviceTypes: flip(draft.deviceTypes, type, e.target.checked) })}
              data-testid={`registry-key-type-${type}`}
            />
            {t(`deviceType.${type}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="wide checks">
        <legend>{t('registry.key.wardsLabel')}</legend>
        {wards.map((w) => (
          <label key={w.id} className="inline">
            <input
              type="checkbox"
              checked={draft.wardIds.includes(w.id)}
              onChange={(e) => set({ wardIds: flip(draft.wardIds, w.id, e.target.checked) })}
            />
            {w.name}
          </label>
        ))}
      </fieldset>
      <FormErrors errors={errors} serverError={serverError} testId="registry-key-form-error" />
      <div className="form-buttons">
        <button type="button" onClick={onCancel}>
          {t('registry.form.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="registry-key-submit">
          {t('registry.key.create')}
        </button>
      </div>
    </form>
  );
}
