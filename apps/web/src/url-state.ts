/**
 * The page's state in its URL, so that any view can be shared: each view's inputs as one JSON
 * value under the view's name in the query string (?race={…}&critical={…}&…). A reload restores
 * them; a part that cannot be read is ignored (that view starts from its defaults).
 */

export type PageState = Record<string, unknown>;

/** The views' states read from a query string; unreadable parts left out. */
export function readState(search: string, views: string[]): PageState {
  const params = new URLSearchParams(search);
  const state: PageState = {};
  for (const name of views) {
    const text = params.get(name);
    if (text === null) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) state[name] = value;
    } catch {
      // a hand-edited or cut URL: this view keeps its defaults
    }
  }
  return state;
}

/** The query string holding these views' states. */
export function writeState(state: PageState): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) params.set(name, JSON.stringify(value));
  return `?${params.toString()}`;
}
