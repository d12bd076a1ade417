import { Notification } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IStatus, requestAPI } from './api';

export const POLL_MS = 3000;

/** What the status bar says for one `GET /api/nbvc` answer (null: nbvc is off here). */
export function summary(status: IStatus | null, error: string): { text: string; state: string } {
  if (error) {
    return { text: 'nbvc: unreachable', state: 'unreachable' };
  }
  if (!status || !status.active) {
    return { text: 'nbvc: off', state: 'off' };
  }
  if (status.conflicts) {
    return { text: 'nbvc: conflict', state: 'conflict' };
  }
  if (status.failing) {
    return { text: 'nbvc: failing', state: 'failing' };
  }
  if (status.pending) {
    return { text: `nbvc: ${status.pending} pending`, state: 'pending' };
  }
  return { text: 'nbvc: all pushed', state: 'pushed' };
}

/** The status bar item: polls `GET /api/nbvc`; failing uploads and conflicts raise a
 * notification (once per episode) whose button opens the History panel. */
export class SyncStatus extends Widget {
  constructor(openHistory: () => void) {
    super();
    this.addClass('nbvc-SyncStatus');
    this.node.textContent = 'nbvc: …';
    this.node.onclick = () => openHistory();
    this._openHistory = openHistory;
    void this.poll();
  }

  /** Emitted when the answer changes (pending count, failing, conflicts). */
  get changed(): ISignal<this, IStatus | null> {
    return this._changed;
  }

  dispose(): void {
    window.clearTimeout(this._timer);
    super.dispose();
  }

  async poll(): Promise<void> {
    let status: IStatus | null = null;
    let error = '';
    try {
      status = await requestAPI<IStatus>('');
    } catch (e) {
      error = String((e as Error).message);
    }
    if (this.isDisposed) {
      return;
    }
    const { text, state } = summary(status, error);
    this.node.textContent = text;
    this.node.dataset.state = state;
    this.node.style.display = state === 'off' ? 'none' : '';
    this.node.title =
      state === 'failing' && status?.last_upload_error
        ? `nbvc: ${status.last_upload_error}`
        : 'nbvc: uploads of notebook versions to the bucket (click: History)';
    const fingerprint = JSON.stringify([state, status?.pending, status?.conflicts, status?.failing]);
    if (fingerprint !== this._fingerprint) {
      this._fingerprint = fingerprint;
      this._changed.emit(status);
    }
    this.notify(state, status);
    this._timer = window.setTimeout(() => void this.poll(), POLL_MS);
  }

  private notify(state: string, status: IStatus | null): void {
    const alarm = state === 'failing' || state === 'conflict';
    if (alarm && state !== this._alarm) {
      this.clearAlarm();
      const conflicted = (status?.notebooks ?? []).filter(n => n.state === 'conflict').map(n => n.path);
      const message =
        state === 'failing'
          ? 'nbvc: uploads to the bucket are failing; your saves are kept and retried.'
          : `nbvc: upload conflict on ${conflicted.join(', ')}: the bucket moved since this workspace saw ` +
            'it. Nothing is lost; resolve it with nbvc push --force or nbvc pull --force.';
      const options = {
        autoClose: false as const,
        actions: [{ label: 'History', callback: () => this._openHistory() }]
      };
      this._notification =
        state === 'failing' ? Notification.error(message, options) : Notification.warning(message, options);
      this._alarm = state;
    } else if (!alarm && this._alarm) {
      this.clearAlarm();
      if (state === 'pushed' || state === 'pending') {
        Notification.success('nbvc: uploads are back to normal', { autoClose: 5000 });
      }
    }
  }

  private clearAlarm(): void {
    if (this._notification) {
      Notification.dismiss(this._notification);
    }
    this._notification = '';
    this._alarm = '';
  }

  private _openHistory: () => void;
  private _timer = 0;
  private _fingerprint = '';
  private _alarm = '';
  private _notification = '';
  private _changed = new Signal<this, IStatus | null>(this);
}
