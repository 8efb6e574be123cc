import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A modal dialog: the browser's own `<dialog>` opened with `showModal()` (focus kept inside, the page behind inert,
 * Escape closes it), shown while mounted. `onClose` is called for Escape; the owner unmounts it. The control marked
 * `data-autofocus` takes the focus first.
 */
export function Dialog({
  label,
  className,
  testId,
  onClose,
  children,
}: {
  readonly label: string;
  readonly className?: string;
  readonly testId?: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) {
      d.showModal();
      // showModal focuses the first control it finds; the owner may name another (React's autoFocus runs before it).
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-label={label}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {children}
    </dialog>
  );
}

/** "Are you sure?" for an action that cannot be taken back, or that cuts something off: what it does, then yes or no. */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  readonly title: string;
  readonly body: ReactNode;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly busy?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog label={title} className="confirm-dialog" testId="confirm-dialog" onClose={onCancel}>
      <h3>{title}</h3>
      <div className="dialog-body">{body}</div>
      <div className="form-buttons">
        <button type="button" onClick={onCancel} data-testid="confirm-cancel" data-autofocus>
          {t('dialog.cancel')}
        </button>
        <button
          type="button"
          className={danger ? 'danger' : 'primary'}
          disabled={busy}
          onClick={onConfirm}
          data-testid="confirm-ok"
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
