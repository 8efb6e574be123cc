import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistryGatewayDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import { useCheckedForm } from '../forms/use-checked-form';
import {
  buildGatewayRequest,
  emptyGatewayDraft,
  pageOf,
  parseIds,
  unknownIds,
  type GatewayDraft,
  type Known,
  type RegistryFormError,
} from './registry-model';
import { CredentialIssued, FormErrors, Pager, RowActions, StatusBadge } from './registry-parts';
import type { RegistryActions, WardOption } from './registry-view';
import type { RegistryChanges } from './use-registry';

interface Props {
  readonly gateways: readonly RegistryGatewayDto[] | undefined;
  readonly wards: readonly WardOption[];
  readonly known: Known;
  /** The devices ticked in the devices table: the form offers to hang them off the new gateway. */
  readonly selectedDevices: ReadonlySet<string>;
  readonly actions: RegistryActions;
  readonly change: RegistryChanges;
  /** Shows the devices table filtered to this gateway's devices. */
  readonly onShowDevices: (gatewayId: string) => void;
}

/** The registered gateways, with how many devices hang off each and their actions; a form registers a new one. */
export function GatewaysPanel({ gateways, wards, known, selectedDevices, actions, change, onShowDevices }: Props) {
  const { t } = useTranslation();
  const [page, setPage] = useState(0);
  const [text, setText] = useState('');
  const [formOpen, setFormOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const wardName = useMemo(() => new Map(wards.map((w) => [w.id, w.name])), [wards]);
  const matching = useMemo(() => {
    const f = text.trim().toLowerCase();
    return [...(gateways ?? [])]
      .filter((g) => !f || g.id.toLowerCase().includes(f) || (g.name ?? '').toLowerCase().includes(f))
      .sort((a, b) => a.id.localeCompare(b.id));
  }, [gateways, text]);
  const shown = pageOf(matching, page);

  return (
    <div className="registry-panel" data-testid="registry-gateways">
      <div className="registry-toolbar">
        <input
          className="registry-search"
          type="search"
          placeholder={t('registry.filter.gatewayText')}
          aria-label={t('registry.filter.gatewayText')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setPage(0);
          }}
          data-testid="registry-gateway-filter"
        />
        <span className="spacer" />
        {!formOpen ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setFormKey((k) => k + 1);
              setFormOpen(true);
            }}
            data-testid="registry-gateway-new"
          >
            + {t('registry.gateway.new')}
          </button>
        ) : null}
      </div>
      {formOpen ? (
        <GatewayForm
          key={formKey}
          wards={wards}
          known={known}
          selectedDevices={selectedDevices}
          onCancel={() => setFormOpen(false)}
          onCreate={async (body) => {
            actions.reveal(await change.createGateway(body));
            actions.notify(t('registry.done.createGateway', { id: body.id }));
            setFormOpen(false);
            setText(body.id);
            setPage(0);
          }}
        />
      ) : null}
      <div className="registry-counts">
        <span>
          {gateways
            ? t('registry.gateway.count', { matching: matching.length, total: gateways.length })
            : t('registry.loading')}
        </span>
      </div>
      <div className="table-scroll">
        <table className="registry-table" data-testid="registry-gateway-table">
          <thead>
            <tr>
              <th>{t('registry.gateway.id')}</th>
              <th>{t('registry.device.ward')}</th>
              <th>{t('registry.gateway.devices')}</th>
              <th>{t('registry.device.status')}</th>
              <th>{t('registry.device.credential')}</th>
              <th className="reg-actions">{t('registry.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.rows.map((g) => (
              <tr
                key={g.id}
                data-gateway-id={g.id}
                data-status={g.status}
                className={g.status === 'disabled' ? 'disabled' : ''}
              >
                <td>
                  <span className="reg-id">{g.id}</span>
                  {g.name ? <span className="reg-name">{g.name}</span> : null}
                </td>
                <td>{g.wardId ? (wardName.get(g.wardId) ?? g.wardId) : ''}</td>
                <td>
                  {g.deviceIds.length ? (
                    <button
                      type="button"
                      className="link"
                      onClick={() => onShowDevices(g.id)}
                      data-testid="registry-gateway-devices"
                    >
                      {t('registry.gateway.deviceCount', { count: g.deviceIds.length })}
                    </button>
                  ) : (
                    <span className="muted">{t('registry.gateway.noDevices')}</span>
                  )}
                </td>
                <td>
                  <StatusBadge status={g.status} />
                </td>
                <td>
                  <CredentialIssued at={g.credentialIssuedAt} />
                </td>
                <td className="reg-actions">
                  <RowActions
                    kind="gateway"
                    id={g.id}
                    status={g.status}
                    hasCredential={g.credentialIssuedAt !== null}
                    actions={actions}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {gateways && matching.length === 0 ? <p className="empty">{t('registry.gateway.none')}</p> : null}
      </div>
      <Pager page={shown.page} pages={shown.pages} onPage={setPage} />
    </div>
  );
}

type CreateGateway = Extract<ReturnType<typeof buildGatewayRequest>, { ok: true }>['body'];

/** A new gateway: id, name, ward, and the devices that hang off it (typed, or the ones ticked in the devices table). */
function GatewayForm({
  wards,
  known,
  selectedDevices,
  onCancel,
  onCreate,
}: {
  readonly wards: readonly WardOption[];
  readonly known: Known;
  readonly selectedDevices: ReadonlySet<string>;
  readonly onCancel: () => void;
  readonly onCreate: (body: CreateGateway) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { draft, set, errors, serverError, busy, submit } = useCheckedForm<
    GatewayDraft,
    CreateGateway,
    RegistryFormError
  >(
    () => emptyGatewayDraft(),
    (d) => buildGatewayRequest(d, known),
    onCreate,
    (err) => t('registry.form.failed', { reason: failureReason(err) }),
  );
  const unknown = errors.includes('deviceIdsUnknown') ? unknownIds(draft.deviceIds, known) : [];
  const typed = parseIds(draft.deviceIds);
  const toAdd = [...selectedDevices].filter((id) => !typed.includes(id));
  return (
    <form
      className="registry-form"
      data-testid="registry-gateway-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('registry.gateway.new')}</h3>
      <label>
        <span>{t('registry.gateway.id')}</span>
        <input
          value={draft.id}
          onChange={(e) => set({ id: e.target.value })}
          placeholder="gw-p3-09"
          autoComplete="off"
          spellCheck={false}
          data-testid="registry-gateway-id"
        />
      </label>
      <label>
        <span>{t('registry.form.name')}</span>
        <input
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder={t('registry.form.optional')}
          data-testid="registry-gateway-name"
        />
      </label>
      <label>
        <span>{t('registry.device.ward')}</span>
        <select
          value={draft.wardId}
          onChange={(e) => set({ wardId: e.target.value })}
          data-testid="registry-gateway-ward"
        >
          <option value="">{t('registry.form.noWard')}</option>
          {wards.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
      </label>
      <label className="wide">
        <span>{t('registry.gateway.deviceIds')}</span>
        <textarea
          rows={3}
          value={draft.deviceIds}
          onChange={(e) => set({ deviceIds: e.target.value })}
          placeholder={t('registry.gateway.deviceIdsHint')}
          spellCheck={false}
          data-testid="registry-gateway-devices-input"
        />
      </label>
      {toAdd.length ? (
        <button
          type="button"
          className="link"
          onClick={() => set({ deviceIds: [...typed, ...toAdd].join('\n') })}
          data-testid="registry-gateway-add-selected"
        >
          {t('registry.gateway.addSelected', { count: toAdd.length })}
        </button>
      ) : null}
      <FormErrors
        errors={errors}
        serverError={serverError}
        testId="registry-gateway-form-error"
        detail={{ deviceIdsUnknown: unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? '…' : '') }}
      />
      <div className="form-buttons">
        <button type="button" onClick={onCancel}>
          {t('registry.form.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="registry-gateway-submit">
          {t('registry.form.createGateway')}
        </button>
      </div>
    </form>
  );
}
