import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  showDialog,
  ToolbarButton
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStatusBar } from '@jupyterlab/statusbar';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { IDiff, IShow, IVersion, encodePath, ref, requestAPI } from './api';
import { HistoryPanel } from './panel';
import { SyncStatus } from './status';
import { DiffView, VersionView } from './views';

const COMMAND = 'nbvc:open-history';

const historyIcon = new LabIcon({
  name: 'nbvc:history',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M13 3a9 9 0 0 0-9 9H1l3.9 3.9.1.1L9 12H6a7 7 0 1 1 ' +
    '2.05 4.95l-1.42 1.42A9 9 0 1 0 13 3zm-1 5v5l4.25 2.52.77-1.28-3.52-2.09V8z"/></svg>'
});

function short(v: IVersion | null): string {
  return v ? v.short ?? (v.version_id ?? '').slice(0, 8) : 'saved';
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'nbvc-history:plugin',
  description: "nbvc's History panel and sync status",
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ICommandPalette, IStatusBar, ILabShell],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    statusBar: IStatusBar | null,
    labShell: ILabShell | null
  ) => {
    const openInMain = (widget: Widget, label: string): void => {
      if (!labShell) {
        // Notebook 7's notebook page has room for the notebook alone: a large dialog instead
        widget.addClass('nbvc-DialogView');
        void showDialog({
          title: label,
          body: widget,
          buttons: [Dialog.okButton({ label: 'Close' })]
        }).then(() => widget.dispose());
        return;
      }
      const main = new MainAreaWidget({ content: widget });
      main.title.label = label;
      main.title.icon = historyIcon;
      main.title.closable = true;
      main.addClass('nbvc-MainArea');
      const ref = tracker.currentWidget?.id;
      app.shell.add(main, 'main', ref ? { mode: 'tab-after', ref } : undefined);
      app.shell.activateById(main.id);
    };

    const panel = new HistoryPanel({
      preview: async (path: string, version: IVersion) => {
        const shown = await requestAPI<IShow>(`show/${encodePath(path)}?version=${encodeURIComponent(ref(version))}`);
        openInMain(new VersionView(shown, rendermime), `${path} @ ${short(version)}`);
      },
      diff: async (path: string, a: IVersion, b: IVersion | null) => {
        const query = `a=${encodeURIComponent(ref(a))}` + (b ? `&b=${encodeURIComponent(ref(b))}` : '');
        const diff = await requestAPI<IDiff>(`diff/${encodePath(path)}?${query}`);
        const title = `${path}: ${short(a)} → ${b ? short(b) : 'current'}`;
        const view = new DiffView(diff, title, rendermime);
        openInMain(view, `Diff ${short(a)} → ${b ? short(b) : 'current'}`);
        await view.init();
      }
    });
    panel.title.icon = historyIcon;
    panel.title.label = '';
    app.shell.add(panel, 'right', { rank: 900 });

    tracker.currentChanged.connect((_, current) => {
      if (current) {
        panel.setNotebook(current);
      }
    });
    panel.setNotebook(tracker.currentWidget);

    const openHistory = (): void => {
      if (tracker.currentWidget) {
        panel.setNotebook(tracker.currentWidget);
      }
      app.shell.activateById(panel.id);
      void panel.refresh();
    };

    app.commands.addCommand(COMMAND, {
      label: 'History',
      caption: "The notebook's nbvc versions: preview, diff, restore, publish",
      icon: historyIcon,
      execute: openHistory
    });
    if (palette) {
      palette.addItem({ command: COMMAND, category: 'nbvc' });
    }

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (notebook: NotebookPanel) => {
        const button = new ToolbarButton({
          className: 'nbvc-HistoryButton',
          label: 'History',
          tooltip: "This notebook's nbvc versions",
          onClick: () => {
            panel.setNotebook(notebook);
            openHistory();
          }
        });
        notebook.toolbar.insertItem(10, 'nbvcHistory', button);
        return button;
      }
    });

    // polls and notifies even without a status bar to show it in (Notebook 7's notebook page)
    const status = new SyncStatus(() => void app.commands.execute(COMMAND));
    status.changed.connect((_, state) => {
      panel.conflicts = new Set(
        (state?.notebooks ?? []).filter(n => n.state === 'conflict').map(n => n.path)
      );
      if (panel.isVisible) {
        void panel.refresh();
      }
    });
    if (statusBar) {
      statusBar.registerStatusItem('nbvc-history:sync', {
        item: status,
        align: 'left',
        rank: 10
      });
    }
  }
};

export default plugin;
