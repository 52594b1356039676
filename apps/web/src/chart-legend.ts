/**
 * A chart's legend as HTML beside the chart rather than inside its plot area: the entries wrap to
 * as many lines as the width needs, so however many series there are and however narrow the
 * screen, the legend never covers a curve. Pointing at an entry (or tabbing to it) can single its
 * series out (`onFocus`).
 */

export interface LegendEntry {
  name: string;
  label: string;
  colour: string;
  /** Drawn dashed (a copy, or a reference line). */
  dashed?: boolean;
  /** A note after the label, e.g. "diverged". */
  note?: string;
}

export class ChartLegend {
  readonly element = document.createElement('ul');
  private focus: ((name: string | undefined) => void) | undefined;

  /** Calls `focus(name)` when an entry is pointed at or focused, `focus(undefined)` when it is left. */
  onFocus(focus: (name: string | undefined) => void): void {
    this.focus = focus;
  }

  constructor(id?: string) {
    this.element.className = 'chart-legend';
    if (id) this.element.id = id;
  }

  show(entries: LegendEntry[]): void {
    this.element.replaceChildren(
      ...entries.map((e) => {
        const item = document.createElement('li');
        item.dataset.name = e.name;
        if (this.focus) {
          item.tabIndex = 0;
          item.title = `${e.label}: point here to single it out`;
          for (const on of ['mouseenter', 'focus']) item.addEventListener(on, () => this.focus?.(e.name));
          for (const off of ['mouseleave', 'blur']) item.addEventListener(off, () => this.focus?.(undefined));
        }
        const line = Object.assign(document.createElement('span'), { className: 'legend-key' });
        line.style.borderTopColor = e.colour;
        if (e.dashed) line.style.borderTopStyle = 'dashed';
        const label = Object.assign(document.createElement('span'), {
          className: 'legend-label',
          textContent: e.label,
        });
        item.append(line, label);
        if (e.note)
          item.append(
            Object.assign(document.createElement('span'), { className: 'muted', textContent: ` ${e.note}` }),
          );
        return item;
      }),
    );
    this.element.hidden = entries.length === 0;
  }
}
