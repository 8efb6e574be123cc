import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { featureId, type CityModel } from '../city/city-model';
import { ConfirmDialog } from '../dialog';
import { ErrorNote } from '../error-note';
import { CredentialsDialog } from './credentials-dialog';
import { DevicesPanel } from './devices-panel';
import { GatewaysPanel } from './gateways-panel';
import { ProvisioningKeysPanel } from './provisioning-keys-panel';
import { ANY_DEVICE, type DeviceFilter, type Known, type SecretShown } from './registry-model';
import {
  useProvisioningKeys,
  useRegistryChanges,
  useRegistryDevices,
  useRegistryGateways,
  type RegistryKind,
} from './use-registry';

type Section = 'devices' | 'gateways' | 'keys';

/** An action that cuts a device off or cannot be taken back: asked about first. */
type Pending =
  | { readonly action: 'rotate' | 'disable' | 'delete'; readonly kind: RegistryKind; readonly id: string }
  | { readonly action: 'revoke'; readonly kind: 'key'; readonly id: string };

/** What the panels hand up: the row actions, each asked about (or done) here. */
export interface RegistryActions {
  readonly rotate: (kind: RegistryKind, id: string) => void;
  readonly disable: (kind: RegistryKind, id: string) => void;
  readonly enable: (kind: RegistryKind, id: string) => void;
  readonly remove: (kind: RegistryKind, id: string) => void;
  readonly revokeKey: (id: string) => void;
  /** Runs a change and says how it went; resolves to whether it was done. */
  readonly run: (action: () => Promise<unknown>, done: string) => Promise<boolean>;
  /** A password or secret to show, once. */
  readonly reveal: (secret: SecretShown) => void;
  /** A change done elsewhere (a form): said on the page. */
  readonly notify: (done: string) => void;
}

/** The wards of the city model, by id and name, for the forms' and filters' selects. */
export interface WardOption {
  readonly id: string;
  readonly name: string;
}

/**
 * The device registry (integrators, admins): devices, gateways and provisioning keys; create them, show their MQTT
 * password once, rotate it, disable, enable, delete, hang devices off gateways. Every change is the REST API's
 * (`/api/v1/registry`), whose refusals come back as the reason shown.
 */
export function RegistryView({ api, city }: { readonly api: IocApi; readonly city: CityModel }) {
  const { t } = useTranslation();
  const [section, setSection] = useState<Section>('devices');
  const devices = useRegistryDevices(api);
  const gateways = useRegistryGateways(api);
  const keys = useProvisioningKeys(api, section === 'keys');
  const change = useRegistryChanges(api);

  const [filter, setFilter] = useState<DeviceFilter>(ANY_DEVICE);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  // The password shown once: in this state only while its dialog is open (closing it drops it).
  const [secret, setSecret] = useState<SecretShown>();

  const wards = useMemo<WardOption[]>(
    () =>
      city.wards
        .map((w) => featureId(w))
        .filter((id): id is string => !!id)
        .map((id) => ({ id, name: city.wardName(id) })),
    [city],
  );
  const known = useMemo<Known>(
    () => ({
      deviceIds: new Set((devices.data ?? []).map((d) => d.id)),
      gatewayIds: new Set((gateways.data ?? []).map((g) => g.id)),
    }),
    [devices.data, gateways.data],
  );

  const run = async (action: () => Promise<unknown>, done: string) => {
    setActionError(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(done);
      return true;
    } catch (err) {
      setActionError(t('registry.failed', { reason: failureReason(err) }));
      return false;
    }
  };

  const actions: RegistryActions = {
    rotate: (kind, id) => setPending({ action: 'rotate', kind, id }),
    disable: (kind, id) => setPending({ action: 'disable', kind, id }),
    enable: (kind, id) =>
      void run(() => change.setEnabled.mutateAsync({ kind, id, enabled: true }), t('registry.done.enable', { id })),
    remove: (kind, id) => setPending({ action: 'delete', kind, id }),
    revokeKey: (id) => setPending({ action: 'revoke', kind: 'key', id }),
    run,
    reveal: setSecret,
    notify: (done) => {
      setActionError(undefined);
      setNotice(done);
    },
  };

  const confirm = async (p: Pending) => {
    setBusy(true);
    // A refusal closes the question too: its reason shows on the page.
    await run(
      async () => {
        if (p.action === 'rotate') setSecret(await change.rotate(p.kind, p.id));
        else if (p.action === 'disable')
          await change.setEnabled.mutateAsync({ kind: p.kind, id: p.id, enabled: false });
        else if (p.action === 'delete') {
          await change.remove.mutateAsync({ kind: p.kind, id: p.id });
          if (p.kind === 'device' && selected.has(p.id)) setSelected(new Set([...selected].filter((x) => x !== p.id)));
        } else await change.revokeKey.mutateAsync(p.id);
      },
      t(`registry.done.${p.action}`, { id: p.id }),
    );
    setBusy(false);
    setPending(undefined);
  };

  const error =
    actionError ??
    (devices.error ? t('registry.loadFailed', { reason: failureReason(devices.error) }) : undefined) ??
    (gateways.error ? t('registry.loadFailed', { reason: failureReason(gateways.error) }) : undefined);

  const tab = (id: Section, label: string, count?: number) => (
    <button
      type="button"
      role="tab"
      aria-selected={section === id}
      className={section === id ? 'on' : ''}
      onClick={() => setSection(id)}
      data-testid={`registry-tab-${id}`}
    >
      {label} {count !== undefined ? <span className="tab-count">{count.toLocaleString()}</span> : null}
    </button>
  );

  return (
    <section className="registry" data-testid="registry-view">
      <div className="registry-head">
        <h2>{t('registry.heading')}</h2>
        <p className="muted">{t('registry.intro')}</p>
      </div>
      <nav className="registry-tabs" role="tablist">
        {tab('devices', t('registry.tabs.devices'), devices.data?.length)}
        {tab('gateways', t('registry.tabs.gateways'), gateways.data?.length)}
        {tab('keys', t('registry.tabs.keys'))}
      </nav>
      <ErrorNote error={error} />
      {notice ? (
        <p className="notice" role="status" data-testid="registry-notice">
          {notice}
        </p>
      ) : null}
      {section === 'devices' ? (
        <DevicesPanel
          devices={devices.data}
          gateways={gateways.data ?? []}
          wards={wards}
          known={known}
          filter={filter}
          onFilter={setFilter}
          selected={selected}
          onSelect={setSelected}
          actions={actions}
          change={change}
        />
      ) : section === 'gateways' ? (
        <GatewaysPanel
          gateways={gateways.data}
          wards={wards}
          known={known}
          selectedDevices={selected}
          actions={actions}
          change={change}
          onShowDevices={(gatewayId) => {
            setFilter({ ...ANY_DEVICE, gatewayId });
            setSection('devices');
          }}
        />
      ) : (
        <ProvisioningKeysPanel
          keys={keys.data}
          loadError={keys.error ? t('registry.loadFailed', { reason: failureReason(keys.error) }) : undefined}
          wards={wards}
          actions={actions}
          change={change}
        />
      )}
      {pending ? (
        <ConfirmDialog
          title={t(`registry.confirm.${pending.action}.title`, {
            id: pending.id,
            kind: t(`registry.kind.${pending.kind}`),
          })}
          body={<p>{t(`registry.confirm.${pending.action}.${pending.kind}`, { id: pending.id })}</p>}
          confirmLabel={t(`registry.confirm.${pending.action}.ok`)}
          danger={pending.action !== 'rotate'}
          busy={busy}
          onConfirm={() => void confirm(pending)}
          onCancel={() => setPending(undefined)}
        />
      ) : null}
      {secret ? <CredentialsDialog shown={secret} onClose={() => setSecret(undefined)} /> : null}
    </section>
  );
}
