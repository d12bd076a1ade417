import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type * as nbformat from '@jupyterlab/nbformat';

/** One version, as `nbvc log --json` and `GET /api/nbvc/log/<path>` give it. */
export interface IVersion {
  path: string;
  short: string | null;
  sha256: string | null;
  size: number;
  saved_at: string;
  author: string;
  host: string;
  message: string | null;
  kind: string;
  save_id: string;
  pushed: boolean;
  key: string;
  version_id: string | null;
  pushed_at: string | null;
  /** The version's names (`nbvc tag`), sorted */
  names?: string[];
  /** The published copies made from this version (as `nbvc log --json` lists them) */
  published?: { published_key: string; published_version_id: string; published_at: string }[];
}

export interface ILog {
  path: string;
  total: number;
  limit: number;
  offset: number;
  versions: IVersion[];
}

export interface IStatus {
  version: string;
  active: boolean;
  reason: string;
  pending?: number;
  failing?: boolean;
  conflicts?: number;
  last_upload_error?: string | null;
  notebooks?: { path: string; pending: number; state: string; detail: string }[];
}

export interface IDiff {
  path: string;
  a: string;
  b: string | null;
  base: nbformat.INotebookContent;
  diff: any[];
}

export interface IShow {
  path: string;
  version: IVersion;
  notebook: nbformat.INotebookContent;
}

export interface IPublished {
  published_key: string;
  published_version_id: string;
  source_version_id: string;
  status: string;
  published_url?: string;
}

/** `a/b c.ipynb` -> `a/b%20c.ipynb` (each segment encoded, the slashes kept) */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** A call to nbvc's REST API; Jupyter's ServerConnection adds the token or cookie and XSRF. */
export async function requestAPI<T>(endpoint: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'api/nbvc', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the message
    }
  }
  if (!response.ok) {
    const message = (data && data.message) || text || response.statusText;
    throw new ServerConnection.ResponseError(response, message);
  }
  return data as T;
}

export function postAPI<T>(endpoint: string, body: unknown): Promise<T> {
  return requestAPI<T>(endpoint, { method: 'POST', body: JSON.stringify(body) });
}

/** The reference nbvc's routes take for exactly this version: its save id (a content
 * hash would name the newest of the versions holding the same bytes, e.g. a restore). */
export function ref(version: IVersion): string {
  return version.save_id;
}
