/** A modal confirmation (the native <dialog>: focus kept inside, Escape cancels); Cancel has the focus first. */
import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../common';

interface Props {
  title: string;
  body: string;
  confirm: string;
  /** The label of the button that closes without acting; "Cancel" unless given. */
  dismiss?: string;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmDialog({ title, body, confirm, dismiss, onConfirm, onClose }: Props) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => dialog.current?.showModal(), []);

  return (
    <dialog ref={dialog} className="dialog" onClose={onClose} aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-body`}>{body}</p>
      <div className="actions">
        <button type="button" className="secondary" autoFocus onClick={() => dialog.current?.close()}>
          {dismiss ?? t('common.cancel')}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            dialog.current?.close();
            onConfirm();
          }}
        >
          {confirm}
        </button>
      </div>
    </dialog>
  );
}
