import type * as nbformat from '@jupyterlab/nbformat';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Panel, Widget } from '@lumino/widgets';
import { NotebookDiffModel } from 'nbdime/lib/diff/model';
import { NotebookDiffWidget } from 'nbdime/lib/diff/widget';

import { IDiff, IShow } from './api';

function text(source: string | string[] | undefined): string {
  return Array.isArray(source) ? source.join('') : source ?? '';
}

function pre(content: string, className: string): HTMLElement {
  const node = document.createElement('pre');
  node.className = className;
  node.textContent = content;
  return node;
}

/** One version of a notebook, read-only: cells' sources, markdown and outputs rendered
 * untrusted through JupyterLab's rendermime (no scripts, no HTML from outputs run). */
export class VersionView extends Panel {
  constructor(shown: IShow, rendermime: IRenderMimeRegistry) {
    super();
    this.addClass('nbvc-VersionView');
    const v = shown.version;
    const header = new Widget();
    header.addClass('nbvc-VersionView-header');
    header.node.textContent =
      `${shown.path} @ ${v.short ?? v.version_id} · ${new Date(v.saved_at).toLocaleString()} · ` +
      `${v.author}${v.message ? ' · ' + v.message : ''} (read-only)`;
    this.addWidget(header);
    for (const cell of shown.notebook.cells) {
      const box = new Panel();
      box.addClass('nbvc-VersionView-cell');
      box.addClass(`nbvc-cell-${cell.cell_type}`);
      const source = text(cell.source as string | string[]);
      if (cell.cell_type === 'markdown') {
        box.addWidget(this.render({ 'text/markdown': source }, rendermime));
      } else {
        const input = new Widget({ node: pre(source, 'nbvc-VersionView-source') });
        box.addWidget(input);
        for (const output of ((cell as nbformat.ICodeCell).outputs ?? []) as nbformat.IOutput[]) {
          box.addWidget(this.output(output, rendermime));
        }
      }
      this.addWidget(box);
    }
  }

  private output(output: nbformat.IOutput, rendermime: IRenderMimeRegistry): Widget {
    if (output.output_type === 'stream') {
      return new Widget({ node: pre(text((output as nbformat.IStream).text), 'nbvc-VersionView-stream') });
    }
    if (output.output_type === 'error') {
      const error = output as nbformat.IError;
      return new Widget({ node: pre(`${error.ename}: ${error.evalue}`, 'nbvc-VersionView-error') });
    }
    const data = ((output as nbformat.IDisplayData).data ?? {}) as nbformat.IMimeBundle;
    return this.render(data, rendermime);
  }

  private render(data: nbformat.IMimeBundle, rendermime: IRenderMimeRegistry): Widget {
    const mime = rendermime.preferredMimeType(data, 'ensure');
    if (!mime) {
      return new Widget({ node: pre(text(data['text/plain'] as string), 'nbvc-VersionView-stream') });
    }
    const renderer = rendermime.createRenderer(mime);
    void renderer.renderModel(new MimeModel({ data, trusted: false }));
    return renderer;
  }
}

/** nbdime's own diff web component, with a "hide unchanged cells" switch. */
export class DiffView extends Panel {
  constructor(diff: IDiff, title: string, rendermime: IRenderMimeRegistry) {
    super();
    this.addClass('nbvc-DiffView');
    this.addClass('nbdime-root');
    const bar = new Widget();
    bar.addClass('nbvc-DiffView-header');
    const label = document.createElement('span');
    label.textContent = title;
    const toggle = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.className = 'nbvc-hide-unchanged';
    box.onchange = () => this.toggleClass('nbvc-mod-hideUnchanged', box.checked);
    toggle.append(box, ' Hide unchanged cells');
    const outputs = document.createElement('label');
    const shown = document.createElement('input');
    shown.type = 'checkbox';
    shown.checked = true;
    shown.className = 'nbvc-show-outputs';
    shown.onchange = () => this.toggleClass('nbvc-mod-hideOutputs', !shown.checked);
    outputs.append(shown, ' Outputs');
    bar.node.append(label, toggle, outputs);
    this.addWidget(bar);
    this.addClass('nbvc-mod-hideUnchanged');
    if (diff.diff.length === 0) {
      const same = new Widget();
      same.addClass('nbvc-DiffView-same');
      same.node.textContent = 'No differences.';
      this.addWidget(same);
    }
    const model = new NotebookDiffModel(diff.base, diff.diff);
    this.diffWidget = new NotebookDiffWidget({ model, rendermime });
    this.diffWidget.addClass('jp-Notebook-diff');
    this.addWidget(this.diffWidget);
  }

  /** Adds nbdime's cell widgets (separate from the constructor, as nbdime does). */
  async init(): Promise<void> {
    await this.diffWidget.init();
  }

  readonly diffWidget: NotebookDiffWidget;
}
