import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegistryDeviceDto, RegistryGatewayDto } from '@ioc/contracts';
import { DEVICE_TYPES } from '@ioc/domain';
import { failureReason } from '../api/http-client';
import { formatTime } from '../format';
import { useCheckedForm } from '../forms/use-checked-form';
import {
  ANY_DEVICE,
  buildDeviceRequest,
  emptyDeviceDraft,
  filterDevices,
  NO_GATEWAY,
  pageOf,
  type DeviceDraft,
  type DeviceFilter,
  type Known,
  type RegistryFormError,
} from './registry-model';
import type { RegistryActions, WardOption } from './registry-view';
import { CredentialIssued, FormErrors, Pager, RowActions, StatusBadge } from './registry-parts';
import type { RegistryChanges } from './use-registry';

/** The most devices one assignment may name (the server's `AssignDevicesRequestSchema`). */
const MAX_ASSIGN = 5000;

interface Props {
  /** Undefined until the first answer. */
  readonly devices: readonly RegistryDeviceDto[] | undefined;
  readonly gateways: readonly RegistryGatewayDto[];
  readonly wards: readonly WardOption[];
  readonly known: Known;
  readonly filter: DeviceFilter;
  readonly onFilter: (f: DeviceFilter) => void;
  readonly selected: ReadonlySet<string>;
  readonly onSelect: (ids: ReadonlySet<string>) => void;
  readonly actions: RegistryActions;
  readonly change: RegistryChanges;
}

/**
 * The registered devices: filtered (id or name, type, ward, status, gateway), fifty to a page, each with its actions;
 * the devices ticked can be hung off a gateway together; a form registers a new one.
 */
export function DevicesPanel({
  devices,
  gateways,
  wards,
  known,
  filter,
  onFilter,
  selected,
  onSelect,
  actions,
  change,
}: Props) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(0);
  const [formOpen, setFormOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [assignTo, setAssignTo] = useState('');
  const wardName = useMemo(() => new Map(wards.map((w) => [w.id, w.name])), [wards]);
  const matching = useMemo(() => filterDevices(devices ?? [], filter), [devices, filter]);
  const shown = pageOf(matching, page);
  const setFilter = (patch: Partial<DeviceFilter>) => {
    onFilter({ ...filter, ...patch });
    setPage(0);
  };
  const filtered = Object.values(filter).some(Boolean);

  const allOnPage = shown.rows.length > 0 && shown.rows.every((d) => selected.has(d.id));
  const toggle = (ids: readonly string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids)
      if (on) next.add(id);
      else next.delete(id);
    onSelect(next);
  };

  const assign = async () => {
    const ids = [...selected];
    const gatewayId = assignTo === NO_GATEWAY ? null : assignTo;
    const done =
      gatewayId === null
        ? t('registry.done.unassign', { count: ids.length })
        : t('registry.done.assign', { count: ids.length, gateway: gatewayId });
    if (await actions.run(() => change.assign.mutateAsync({ deviceIds: ids, gatewayId }), done)) onSelect(new Set());
  };

  return (
    <div className="registry-panel" data-testid="registry-devices">
      <div className="registry-toolbar">
        <input
          className="registry-search"
          type="search"
          placeholder={t('registry.filter.text')}
          aria-label={t('registry.filter.text')}
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
          data-testid="registry-filter-text"
        />
        <select
          aria-label={t('registry.device.type')}
          value={filter.type}
          onChange={(e) => setFilter({ type: e.target.value })}
          data-testid="registry-filter-type"
        >
          <option value="">{t('registry.filter.anyType')}</option>
          {DEVICE_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`deviceType.${type}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('registry.device.ward')}
          value={filter.wardId}
          onChange={(e) => setFilter({ wardId: e.target.value })}
          data-testid="registry-filter-ward"
        >
          <option value="">{t('registry.filter.anyWard')}</option>
          {wards.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
        <select
          aria-label={t('registry.device.status')}
          value={filter.status}
          onChange={(e) => setFilter({ status: e.target.value as DeviceFilter['status'] })}
          data-testid="registry-filter-status"
        >
          <option value="">{t('registry.filter.anyStatus')}</option>
          <option value="active">{t('registry.status.active')}</option>
          <option value="disabled">{t('registry.status.disabled')}</option>
          <option value="no-credential">{t('registry.filter.noCredential')}</option>
        </select>
        <select
          aria-label={t('registry.device.gateway')}
          value={filter.gatewayId}
          onChange={(e) => setFilter({ gatewayId: e.target.value })}
          data-testid="registry-filter-gateway"
        >
          <option value="">{t('registry.filter.anyGateway')}</option>
          <option value={NO_GATEWAY}>{t('registry.filter.noGateway')}</option>
          {gateways.map((g) => (
            <option key={g.id} value={g.id}>
              {g.id}
            </option>
          ))}
        </select>
        {filtered ? (
          <button type="button" onClick={() => setFilter(ANY_DEVICE)} data-testid="registry-filter-clear">
            {t('registry.filter.clear')}
          </button>
        ) : null}
        <span className="spacer" />
        {!formOpen ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setFormKey((k) => k + 1);
              setFormOpen(true);
            }}
            data-testid="registry-device-new"
          >
            + {t('registry.device.new')}
          </button>
        ) : null}
      </div>
      {formOpen ? (
        <DeviceForm
          key={formKey}
          gateways={gateways}
          wards={wards}
          known={known}
          onCancel={() => setFormOpen(false)}
          onCreate={async (body) => {
            const shown = await change.createDevice(body);
            // A device behind a gateway speaks through it: it has no password of its own to show.
            if (shown) actions.reveal(shown);
            actions.notify(
              shown
                ? t('registry.done.createDevice', { id: body.id })
                : t('registry.done.createDeviceViaGateway', { id: body.id, gateway: body.gatewayId }),
            );
            setFormOpen(false);
            // The new device on the first page, whatever the filter was.
            onFilter({ ...ANY_DEVICE, text: body.id });
            setPage(0);
          }}
        />
      ) : null}
      <div className="registry-counts">
        <span data-testid="registry-device-count" data-matching={matching.length}>
          {devices
            ? t('registry.device.count', {
                from: shown.from.toLocaleString(i18n.language),
                to: shown.to.toLocaleString(i18n.language),
                matching: matching.length.toLocaleString(i18n.language),
                total: devices.length.toLocaleString(i18n.language),
              })
            : t('registry.loading')}
        </span>
        {selected.size ? (
          <span className="selection-bar" data-testid="registry-selection">
            <b>{t('registry.selection.count', { count: selected.size })}</b>
            <select
              aria-label={t('registry.selection.assignTo')}
              value={assignTo}
              onChange={(e) => setAssignTo(e.target.value)}
              data-testid="registry-assign-gateway"
            >
              <option value="">{t('registry.selection.pick')}</option>
              <option value={NO_GATEWAY}>{t('registry.selection.none')}</option>
              {gateways.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.id}
                  {g.status === 'disabled' ? ` (${t('registry.status.disabled')})` : ''}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="primary"
              disabled={!assignTo || selected.size > MAX_ASSIGN || change.assign.isPending}
              onClick={() => void assign()}
              data-testid="registry-assign"
            >
              {t('registry.selection.assign')}
            </button>
            <button type="button" onClick={() => onSelect(new Set())} data-testid="registry-selection-clear">
              {t('registry.selection.clear')}
            </button>
          </span>
        ) : null}
        {filtered && matching.length > shown.rows.length && matching.length <= MAX_ASSIGN ? (
          <button
            type="button"
            className="link"
            onClick={() =>
              toggle(
                matching.map((d) => d.id),
                true,
              )
            }
            data-testid="registry-select-matching"
          >
            {t('registry.selection.allMatching', { count: matching.length })}
          </button>
        ) : null}
      </div>
      <div className="table-scroll">
        <table className="registry-table" data-testid="registry-device-table">
          <thead>
            <tr>
              <th className="check">
                <input
                  type="checkbox"
                  aria-label={t('registry.selection.page')}
                  checked={allOnPage}
                  onChange={(e) =>
                    toggle(
                      shown.rows.map((d) => d.id),
                      e.target.checked,
                    )
                  }
                  data-testid="registry-select-page"
                />
              </th>
              <th>{t('registry.device.id')}</th>
              <th>{t('registry.device.type')}</th>
              <th>{t('registry.device.ward')}</th>
              <th>{t('registry.device.gateway')}</th>
              <th>{t('registry.device.status')}</th>
              <th>{t('registry.device.credential')}</th>
              <th>{t('registry.device.lastSeen')}</th>
              <th className="reg-actions">{t('registry.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.rows.map((d) => (
              <tr
                key={d.id}
                data-device-id={d.id}
                data-status={d.status}
                className={`${d.status === 'disabled' ? 'disabled' : ''} ${selected.has(d.id) ? 'selected' : ''}`}
              >
                <td className="check">
                  <input
                    type="checkbox"
                    aria-label={t('registry.selection.one', { id: d.id })}
                    checked={selected.has(d.id)}
                    onChange={(e) => toggle([d.id], e.target.checked)}
                    data-testid="registry-select"
                  />
                </td>
                <td>
                  <span className="reg-id">{d.id}</span>
                  {d.name ? <span className="reg-name">{d.name}</span> : null}
                </td>
                <td>{t(`deviceType.${d.type}`, { defaultValue: d.type })}</td>
                <td>
                  {d.wardId ? (wardName.get(d.wardId) ?? d.wardId) : ''}
                  {d.lat !== null && d.lon !== null ? (
                    <span className="reg-pos">
                      {d.lat.toFixed(5)}, {d.lon.toFixed(5)}
                    </span>
                  ) : null}
                </td>
                <td>{d.gatewayId ?? <span className="muted">—</span>}</td>
                <td>
                  <StatusBadge status={d.status} />
                </td>
                <td data-testid="registry-credential">
                  {d.gatewayId ? (
                    <span className="muted">{t('registry.device.viaGateway')}</span>
                  ) : (
                    <CredentialIssued at={d.credentialIssuedAt} />
                  )}
                </td>
                <td>{d.lastSeenAt ? formatTime(Date.parse(d.lastSeenAt), i18n.language, true) : ''}</td>
                <td className="reg-actions">
                  <RowActions
                    kind="device"
                    id={d.id}
                    status={d.status}
                    hasCredential={d.credentialIssuedAt !== null}
                    viaGateway={d.gatewayId !== null}
                    actions={actions}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {devices && matching.length === 0 ? <p className="empty">{t('registry.device.none')}</p> : null}
      </div>
      <Pager page={shown.page} pages={shown.pages} onPage={setPage} />
    </div>
  );
}

type CreateDevice = Extract<ReturnType<typeof buildDeviceRequest>, { ok: true }>['body'];

/** A new device: id, type, its place (a ward of the city model, or a position), and the gateway it hangs off. */
function DeviceForm({
  gateways,
  wards,
  known,
  onCancel,
  onCreate,
}: {
  readonly gateways: readonly RegistryGatewayDto[];
  readonly wards: readonly WardOption[];
  readonly known: Known;
  readonly onCancel: () => void;
  /** Throws the server's refusal. */
  readonly onCreate: (body: CreateDevice) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { draft, set, errors, serverError, busy, submit } = useCheckedForm<
    DeviceDraft,
    CreateDevice,
    RegistryFormError
  >(
    emptyDeviceDraft,
    (d) => buildDeviceRequest(d, known),
    onCreate,
    (err) => t('registry.form.failed', { reason: failureReason(err) }),
  );
  return (
    <form
      className="registry-form"
      data-testid="registry-device-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('registry.device.new')}</h3>
      <label>
        <span>{t('registry.device.id')}</span>
        <input
          name="device-id"
          value={draft.id}
          onChange={(e) => set({ id: e.target.value })}
          placeholder="wl-p3-101"
          autoComplete="off"
          spellCheck={false}
          data-testid="registry-device-id"
        />
      </label>
      <label>
        <span>{t('registry.device.type')}</span>
        <select
          value={draft.type}
          onChange={(e) => set({ type: e.target.value as DeviceDraft['type'] })}
          data-testid="registry-device-type"
        >
          <option value="">{t('registry.form.pickType')}</option>
          {DEVICE_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`deviceType.${type}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('registry.form.name')}</span>
        <input
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder={t('registry.form.optional')}
          data-testid="registry-device-name"
        />
      </label>
      <label>
        <span>{t('registry.device.gateway')}</span>
        <select
          value={draft.gatewayId}
          onChange={(e) => set({ gatewayId: e.target.value })}
          data-testid="registry-device-gateway"
        >
          <option value="">{t('registry.form.noGateway')}</option>
          {gateways.map((g) => (
            <option key={g.id} value={g.id}>
              {g.id}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="place">
        <legend>{t('registry.form.place')}</legend>
        <label className="inline">
          <input
            type="radio"
            name="place-by"
            checked={draft.placeBy === 'ward'}
            onChange={() => set({ placeBy: 'ward' })}
            data-testid="registry-place-ward"
          />
          {t('registry.form.byWard')}
        </label>
        <label className="inline">
          <input
            type="radio"
            name="place-by"
            checked={draft.placeBy === 'position'}
            onChange={() => set({ placeBy: 'position' })}
            data-testid="registry-place-position"
          />
          {t('registry.form.byPosition')}
        </label>
        {draft.placeBy === 'ward' ? (
          <select
            aria-label={t('registry.device.ward')}
            value={draft.wardId}
            onChange={(e) => set({ wardId: e.target.value })}
            data-testid="registry-device-ward"
          >
            <option value="">{t('registry.form.pickWard')}</option>
            {wards.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        ) : (
          <span className="latlon">
            <input
              inputMode="decimal"
              aria-label={t('registry.form.lat')}
              placeholder={t('registry.form.lat')}
              value={draft.lat}
              onChange={(e) => set({ lat: e.target.value })}
              data-testid="registry-device-lat"
            />
            <input
              inputMode="decimal"
              aria-label={t('registry.form.lon')}
              placeholder={t('registry.form.lon')}
              value={draft.lon}
              onChange={(e) => set({ lon: e.target.value })}
              data-testid="registry-device-lon"
            />
          </span>
        )}
      </fieldset>
      <FormErrors errors={errors} serverError={serverError} testId="registry-device-form-error" />
      <div className="form-buttons">
        <button type="button" onClick={onCancel}>
          {t('registry.form.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="registry-device-submit">
          {t('registry.form.createDevice')}
        </button>
      </div>
    </form>
  );
}
