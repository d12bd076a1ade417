import { Clipboard, Dialog, InputDialog, Notification, showDialog } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { ILog, IPublished, IVersion, encodePath, postAPI, ref, requestAPI } from './api';

export const PAGE = 50;

export interface IHistoryActions {
  preview(path: string, version: IVersion): Promise<void>;
  diff(path: string, a: IVersion, b: IVersion | null): Promise<void>;
}

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = document.createElement('button');
  node.className = 'jp-mod-styled nbvc-HistoryPanel-action';
  node.textContent = label;
  node.title = title;
  node.onclick = onClick;
  return node;
}

function when(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** What a version's state column says: pending (not pushed yet), conflict (not pushed,
 * and its notebook's upload is in conflict), pushed, or published. */
export function stateOf(v: IVersion, inConflict = false): string {
  if (v.published && v.published.length > 0) {
    return 'published';
  }
  if (v.pushed) {
    return 'pushed';
  }
  return inConflict ? 'conflict' : 'pending';
}

/** The nbvc:// URL a scheduler or papermill takes for one exact published version. */
export function nbvcURL(published: IPublished): string {
  return `nbvc://${published.published_key}@${published.published_version_id}`;
}

/** The History side panel: the current notebook's versions, newest first, with actions. */
export class HistoryPanel extends Widget {
  constructor(actions: IHistoryActions) {
    super();
    this.id = 'nbvc-history';
    this.addClass('nbvc-HistoryPanel');
    this.title.caption = 'History (nbvc)';
    this._actions = actions;
    const node = this.node;
    this._header = document.createElement('div');
    this._header.className = 'nbvc-HistoryPanel-header';
    const bar = document.createElement('div');
    bar.className = 'nbvc-HistoryPanel-toolbar';
    bar.append(
      button('Preview', 'Show the selected version, read-only', () => void this.preview()),
      button('Diff with current', 'The selected version against the notebook as saved', () =>
        void this.diffCurrent()),
      button('Diff selected two', 'The two ticked versions, older first', () => void this.diffTwo()),
      button('Restore', 'Put the selected version back in the notebook (a new version)', () =>
        void this.restore()),
      button('Publish', 'Copy the selected version to the published prefix', () => void this.publish()),
      button('Name…', 'Name the selected version (nbvc tag): a name is a ref everywhere', () =>
        void this.name()),
      button('Copy VersionId', "Copy the selected version's S3 VersionId", () => void this.copyId()),
      button('Refresh', 'Read the history again', () => void this.refresh())
    );
    this._list = document.createElement('ul');
    this._list.className = 'nbvc-HistoryPanel-list';
    this._more = button('Load more', 'The next older versions', () => void this.load(true));
    this._more.classList.add('nbvc-HistoryPanel-more');
    this._message = document.createElement('div');
    this._message.className = 'nbvc-HistoryPanel-error';
    node.append(this._header, bar, this._message, this._list, this._more);
    this.render();
  }

  /** The notebook whose history is shown (the current one). */
  get notebook(): NotebookPanel | null {
    return this._notebook;
  }

  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._notebook) {
      return;
    }
    if (this._notebook) {
      this._notebook.context.saveState.disconnect(this.onSaved, this);
    }
    this._notebook = panel;
    this._versions = [];
    this._total = 0;
    this._selected = null;
    this._ticked = [];
    if (panel) {
      panel.context.saveState.connect(this.onSaved, this);
    }
    void this.refresh();
  }

  private onSaved(_: unknown, state: string): void {
    if (state === 'completed') {
      void this.refresh();
    }
  }

  /** The notebooks whose uploads are in conflict (from the sync status). */
  conflicts: Set<string> = new Set();

  get path(): string | null {
    return this._notebook ? this._notebook.context.localPath : null;
  }

  /** Reads the newest versions again (as many as are shown, at least one page). */
  async refresh(): Promise<void> {
    await this.load(false);
  }

  private async load(more: boolean): Promise<void> {
    const path = this.path;
    if (!path) {
      this.render();
      return;
    }
    const offset = more ? this._versions.length : 0;
    const limit = more ? PAGE : Math.max(PAGE, this._versions.length);
    try {
      const log = await requestAPI<ILog>(`log/${encodePath(path)}?limit=${limit}&offset=${offset}`);
      if (path !== this.path) {
        return; // another notebook became current meanwhile
      }
      this._versions = more ? this._versions.concat(log.versions) : log.versions;
      this._total = log.total;
      this._error = '';
    } catch (error) {
      const status = (error as any)?.response?.status;
      this._versions = more ? this._versions : [];
      this._total = more ? this._total : 0;
      this._error = status === 404 ? 'No versions yet: save the notebook.' : String((error as Error).message);
    }
    this.render();
  }

  private render(): void {
    this._header.textContent = this.path ? `History of ${this.path}` : 'History: open a notebook';
    this._message.textContent = this._error;
    this._list.replaceChildren();
    const keep = new Set(this._versions.map(v => v.save_id));
    this._ticked = this._ticked.filter(id => keep.has(id));
    for (const v of this._versions) {
      const row = document.createElement('li');
      row.className = 'nbvc-HistoryPanel-row';
      row.dataset.saveId = v.save_id;
      row.classList.toggle('jp-mod-selected', v.save_id === this._selected);
      const tick = document.createElement('input');
      tick.type = 'checkbox';
      tick.title = 'Tick two versions for "Diff selected two"';
      tick.className = 'nbvc-HistoryPanel-tick';
      tick.checked = this._ticked.includes(v.save_id);
      tick.onclick = event => {
        event.stopPropagation();
        this._ticked = this._ticked.filter(id => id !== v.save_id);
        if (tick.checked) {
          this._ticked = this._ticked.concat(v.save_id).slice(-2);
        }
        this.render();
      };
      const cells: [string, string][] = [
        ['short', v.short ?? (v.version_id ?? '').slice(0, 8)],
        ['time', when(v.saved_at)],
        ['author', v.author],
        ['kind', v.kind],
        ['state', stateOf(v, this.conflicts.has(v.path))],
        ['names', (v.names ?? []).join(', ')],
        ['message', v.message ?? '']
      ];
      const fields = document.createElement('div');
      fields.className = 'nbvc-HistoryPanel-fields';
      for (const [name, value] of cells) {
        const span = document.createElement('span');
        span.className = `nbvc-HistoryPanel-${name}`;
        span.textContent = value;
        if (name === 'state') {
          span.classList.add(`nbvc-state-${value}`);
        }
        fields.append(span);
      }
      row.title = v.version_id ? `S3 VersionId ${v.version_id}` : 'not pushed yet';
      row.append(tick, fields);
      row.onclick = () => {
        this._selected = v.save_id;
        this.render();
      };
      row.ondblclick = () => void this.preview();
      this._list.append(row);
    }
    this._more.style.display = this._versions.length < this._total ? '' : 'none';
    this._more.textContent = `Load more (${this._versions.length} of ${this._total})`;
  }

  private selected(): IVersion | null {
    const v = this._versions.find(v => v.save_id === this._selected) ?? null;
    if (!v) {
      Notification.warning('nbvc: select a version in the History panel first', { autoClose: 4000 });
    }
    return v;
  }

  private async run(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      Notification.error(`nbvc: ${what} failed: ${(error as Error).message}`, { autoClose: 8000 });
    }
  }

  async preview(): Promise<void> {
    const v = this.selected();
    if (v && this.path) {
      const path = this.path;
      await this.run('preview', () => this._actions.preview(path, v));
    }
  }

  async diffCurrent(): Promise<void> {
    const v = this.selected();
    if (v && this.path) {
      const path = this.path;
      await this.run('diff', () => this._actions.diff(path, v, null));
    }
  }

  async diffTwo(): Promise<void> {
    const path = this.path;
    const ticked = this._versions.filter(v => this._ticked.includes(v.save_id));
    if (!path || ticked.length !== 2) {
      Notification.warning('nbvc: tick two versions to compare them', { autoClose: 4000 });
      return;
    }
    // newest first in the list: the older one is the base
    await this.run('diff', () => this._actions.diff(path, ticked[1], ticked[0]));
  }

  async restore(): Promise<void> {
    const v = this.selected();
    const panel = this._notebook;
    if (!v || !panel || !this.path) {
      return;
    }
    const path = this.path;
    const answer = await showDialog({
      title: 'Restore this version?',
      body: `${path} @ ${v.short ?? v.version_id} (${when(v.saved_at)}) goes back in the notebook as a new ` +
        'version on top; the current notebook is kept as a version first, so nothing is lost.',
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Restore' })]
    });
    if (!answer.button.accept) {
      return;
    }
    await this.run('restore', async () => {
      if (panel.context.model.dirty) {
        await panel.context.save(); // unsaved edits become a version before they are replaced
      }
      await postAPI(`restore/${encodePath(path)}`, { version: ref(v) });
      await panel.context.revert(); // the restored notebook, read from disk
      await this.refresh();
      Notification.success(`nbvc: restored ${v.short ?? v.version_id}`, { autoClose: 4000 });
    });
  }

  async publish(): Promise<void> {
    const v = this.selected();
    const path = this.path;
    if (!v || !path) {
      return;
    }
    await this.run('publish', async () => {
      const published = await postAPI<IPublished>(`publish/${encodePath(path)}`, { version: ref(v) });
      await this.refresh();
      const url = nbvcURL(published);
      const body = document.createElement('div');
      body.className = 'nbvc-PublishResult';
      const lines: [string, string][] = [
        ['Published key', published.published_key],
        ['VersionId', published.published_version_id],
        ['nbvc:// URL', url]
      ];
      for (const [name, value] of lines) {
        const row = document.createElement('div');
        const label = document.createElement('b');
        label.textContent = `${name}: `;
        const code = document.createElement('code');
        code.textContent = value;
        row.append(label, code);
        body.append(row);
      }
      const answer = await showDialog({
        title: published.status === 'published' ? 'Published' : 'Already published',
        body: new Widget({ node: body }),
        buttons: [Dialog.cancelButton({ label: 'Close' }), Dialog.okButton({ label: 'Copy URL' })]
      });
      if (answer.button.accept) {
        Clipboard.copyToSystem(url);
        Notification.info(`nbvc: copied ${url}`, { autoClose: 4000 });
      }
    });
  }

  async name(): Promise<void> {
    const v = this.selected();
    const path = this.path;
    if (!v || !path) {
      return;
    }
    const answer = await InputDialog.getText({
      title: `Name version ${v.short ?? ''}`,
      label: 'Name (letters, digits, . _ -)',
      placeholder: 'e.g. submitted-v2'
    });
    const name = (answer.value ?? '').trim();
    if (!answer.button.accept || !name) {
      return;
    }
    await this.run('naming', async () => {
      await postAPI(`tag/${encodePath(path)}`, { name, version: ref(v) });
      await this.refresh();
      Notification.success(`nbvc: ${path} ${v.short ?? ''} is named ${name}`, { autoClose: 4000 });
    });
  }

  async copyId(): Promise<void> {
    const v = this.selected();
    if (!v) {
      return;
    }
    if (!v.version_id) {
      Notification.warning('nbvc: this version is not pushed yet: it has no VersionId', { autoClose: 4000 });
      return;
    }
    Clipboard.copyToSystem(v.version_id);
    Notification.info(`nbvc: copied VersionId ${v.version_id}`, { autoClose: 4000 });
  }

  private _actions: IHistoryActions;
  private _notebook: NotebookPanel | null = null;
  private _versions: IVersion[] = [];
  private _total = 0;
  private _selected: string | null = null;
  private _ticked: string[] = [];
  private _error = '';
  private _header: HTMLElement;
  private _list: HTMLElement;
  private _more: HTMLButtonElement;
  private _message: HTMLElement;
}
