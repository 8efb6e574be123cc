import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../dialog';
import { secretText, type SecretShown } from './registry-model';

type Copied = { readonly field: string; readonly ok: boolean } | undefined;

/**
 * Copies `text`: the Clipboard API where the page is a secure context (https, localhost); otherwise the field's text
 * is selected and copied the old way, and if even that is refused it stays selected for the user to copy.
 */
async function copy(text: string, field: HTMLInputElement | HTMLTextAreaElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission): fall back to the selection.
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/**
 * A device's or gateway's MQTT credentials (or a provisioning key's secret), shown this once: the server keeps only a
 * hash and will never send the password again. The owner holds them in its state only while this is open and drops
 * them when it closes; nothing here is cached or stored.
 */
export function CredentialsDialog({ shown, onClose }: { readonly shown: SecretShown; readonly onClose: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<Copied>();
  const all = useRef<HTMLTextAreaElement>(null);
  const title =
    shown.kind === 'key'
      ? t('registry.secret.keyTitle', { id: shown.id })
      : t('registry.secret.title', { id: shown.id });
  const fields: ReadonlyArray<{ readonly name: string; readonly label: string; readonly value: string }> =
    shown.kind === 'key'
      ? [
          { name: 'username', label: t('registry.secret.username'), value: shown.key.username },
          { name: 'password', label: t('registry.secret.keySecret'), value: shown.secret },
          { name: 'request', label: t('registry.secret.requestTopic'), value: shown.key.requestTopic },
          { name: 'response', label: t('registry.secret.responseTopic'), value: shown.key.responseTopic },
        ]
      : [
          { name: 'username', label: t('registry.secret.username'), value: shown.credentials.username },
          { name: 'password', label: t('registry.secret.password'), value: shown.credentials.password },
          { name: 'clientId', label: t('registry.secret.clientId'), value: shown.credentials.clientId },
        ];
  const onCopy = async (field: string, text: string, el: HTMLInputElement | HTMLTextAreaElement | null) =>
    setCopied({ field, ok: await copy(text, el) });

  return (
    <Dialog label={title} className="credentials-dialog" testId="credentials-dialog" onClose={onClose}>
      <h3>{title}</h3>
      <p className="secret-warning" role="alert" data-testid="credentials-warning">
        <strong>{t('registry.secret.onceHeading')}</strong>{' '}
        {shown.kind === 'key' ? t('registry.secret.onceKey') : t('registry.secret.once')}
      </p>
      <dl className="secret-fields">
        {fields.map((f) => (
          <SecretField
            key={f.name}
            name={f.name}
            label={f.label}
            value={f.value}
            copied={copied?.field === f.name ? copied.ok : undefined}
            focus={f.name === 'password'}
            onCopy={(el) => void onCopy(f.name, f.value, el)}
          />
        ))}
      </dl>
      {shown.kind !== 'key' ? (
        <div className="secret-topics">
          <h4>{t('registry.secret.topics')}</h4>
          <TopicList label={t('registry.secret.publish')} topics={shown.credentials.publish} />
          <TopicList label={t('registry.secret.subscribe')} topics={shown.credentials.subscribe} />
        </div>
      ) : (
        <p className="muted secret-hint">{t('registry.secret.keyHint')}</p>
      )}
      {/* Off screen, not hidden: the fallback copy selects its text. */}
      <textarea ref={all} className="offscreen" readOnly tabIndex={-1} aria-hidden="true" value={secretText(shown)} />
      <div className="form-buttons">
        <button
          type="button"
          onClick={() => void onCopy('all', secretText(shown), all.current)}
          data-testid="credentials-copy-all"
        >
          {t('registry.secret.copyAll')}
        </button>
        {copied?.field === 'all' ? <CopiedNote ok={copied.ok} /> : null}
        <button type="button" className="primary" onClick={onClose} data-testid="credentials-close">
          {t('registry.secret.close')}
        </button>
      </div>
    </Dialog>
  );
}

function SecretField({
  name,
  label,
  value,
  copied,
  focus,
  onCopy,
}: {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly copied: boolean | undefined;
  /** The dialog opens with this field's copy button focused (the password's). */
  readonly focus?: boolean;
  readonly onCopy: (el: HTMLInputElement | null) => void;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="secret-field">
      <dt>{label}</dt>
      <dd>
        <input
          ref={input}
          readOnly
          value={value}
          aria-label={label}
          data-testid={`credentials-${name}`}
          autoComplete="off"
          spellCheck={false}
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="copy"
          data-autofocus={focus || undefined}
          onClick={() => onCopy(input.current)}
          data-testid={`credentials-copy-${name}`}
        >
          {t('registry.secret.copy')}
        </button>
        {copied !== undefined ? <CopiedNote ok={copied} /> : null}
      </dd>
    </div>
  );
}

function CopiedNote({ ok }: { readonly ok: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`copied ${ok ? 'ok' : 'failed'}`} role="status">
      {ok ? t('registry.secret.copied') : t('registry.secret.copyFailed')}
    </span>
  );
}

function TopicList({ label, topics }: { readonly label: string; readonly topics: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <div className="topic-list">
      <span className="topic-label">{label}</span>
      {topics.length ? (
        <ul>
          {topics.map((topic) => (
            <li key={topic}>
              <code>{topic}</code>
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted">{t('registry.secret.noTopics')}</span>
      )}
    </div>
  );
}
