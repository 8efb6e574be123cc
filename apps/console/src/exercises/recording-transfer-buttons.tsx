import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RecordingDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { queryKeys } from '../api/query-keys';
import { ErrorNote } from '../error-note';
import { exportFileName, importRefusal, RECORDING_FILE_EXTENSION, type ImportRefusal } from './recording-transfer';

/**
 * Export: the recording's file (`GET /recordings/:id/export`, with the session's bearer token, so not a plain link) is
 * read into a blob and saved under the server's file name.
 */
export function RecordingExportButton({ api, recording }: { readonly api: IocApi; readonly recording: RecordingDto }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { blob, disposition } = await api.exportRecording(recording.id);
      saveBlob(blob, exportFileName(disposition, recording.name));
    } catch (err) {
      setError(t('recordingTransfer.exportFailed', { reason: failureReason(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="recording-export"
        disabled={busy}
        onClick={() => void download()}
        title={t('recordingTransfer.exportHint')}
        data-testid="recording-export"
      >
        {busy ? t('recordingTransfer.exporting') : `⤓ ${t('recordingTransfer.export')}`}
      </button>
      <ErrorNote error={error} />
    </>
  );
}

/** The browser saves the blob as a file: an object URL on a link clicked once, released after. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken the blob by the next task; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** Imports a file as a new recording; the list is read again when the server has taken it. */
function useImportRecording(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => api.importRecording(file),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.recordings() }),
  });
}

/**
 * Import: a file picked (`.iocrec`) is sent as the raw body. The server takes it whole or refuses it whole; a refusal
 * shows its code, the reason in the trainer's language, the line at fault and the server's own words.
 */
export function RecordingImport({ api }: { readonly api: IocApi }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const upload = useImportRecording(api);
  const [busyName, setBusyName] = useState<string>();
  const [done, setDone] = useState<RecordingDto>();
  const [refusal, setRefusal] = useState<ImportRefusal>();

  const send = async (file: File) => {
    setBusyName(file.name);
    setDone(undefined);
    setRefusal(undefined);
    try {
      setDone(await upload.mutateAsync(file));
    } catch (err) {
      setRefusal(importRefusal(err));
    } finally {
      setBusyName(undefined);
      // The same file may be picked again (after fixing it): the input must see a change.
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div className="recording-import" data-testid="recording-import">
      <input
        ref={input}
        type="file"
        accept={`${RECORDING_FILE_EXTENSION},application/gzip,application/x-gzip`}
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void send(file);
        }}
        data-testid="recording-import-file"
      />
      <button
        type="button"
        disabled={!!busyName}
        onClick={() => input.current?.click()}
        title={t('recordingTransfer.importHint')}
        data-testid="recording-import-button"
      >
        {busyName ? t('recordingTransfer.importing', { name: busyName }) : `⤒ ${t('recordingTransfer.import')}`}
      </button>
      {done ? (
        <p className="recording-import-done" role="status" data-testid="recording-import-done">
          {t('recordingTransfer.imported', { name: done.name })}
        </p>
      ) : null}
      {refusal ? <ImportRefusalNote refusal={refusal} /> : null}
    </div>
  );
}

function ImportRefusalNote({ refusal: r }: { readonly refusal: ImportRefusal }) {
  const { t } = useTranslation();
  return (
    <div
      className="error recording-import-refused"
      role="alert"
      data-testid="recording-import-error"
      data-code={r.code}
    >
      <strong>
        {r.fileRefused
          ? t('recordingTransfer.refused', { code: r.code })
          : t('recordingTransfer.failed', { code: r.code })}
      </strong>
      {r.problem ? (
        <span className="recording-import-reason" data-reason={r.problem}>
          {t(`recordingTransfer.problem.${r.problem}`)}
          {r.line ? ` (${t('recordingTransfer.line', { line: r.line })})` : null}
        </span>
      ) : null}
      <span className="recording-import-server">{t('recordingTransfer.server', { message: r.message })}</span>
    </div>
  );
}
