/**
 * The race's list of racers: one row per optimizer (tick, learning rate, its own hyper-parameters
 * on sliders), and any number of copies of a first-order racer with settings of their own (two
 * Adams, lr 0.01 and 0.1). Every racer has a key, the method for the first one and method#n for
 * its n-th copy, a label ("Adam", "Adam 2") and a colour; the race, its table, its legend and the
 * URL all go by the key.
 */
import { type RaceMethod, raceMethods } from './race.js';
import { optimizerOptions, type RacerParameter, racerParameters } from './racer-settings.js';

/** Colours of the copies, in turn: apart from the first racers' own. */
export const copyColours = ['#4dabf7', '#69db7c', '#ffe066', '#e599f7', '#63e6be', '#ff8787', '#d0bfff'];

export interface Racer {
  key: string;
  m: RaceMethod;
  label: string;
  colour: string;
  /** A copy (removable) rather than the method's first racer. */
  copy: boolean;
  box: HTMLInputElement;
  lr: HTMLInputElement | undefined;
  hint: HTMLElement;
  sliders: { p: RacerParameter; slider: HTMLInputElement; shown: HTMLOutputElement; label: HTMLElement }[];
  /** The racer's rows in the table: the main row, then the sliders' row if it has one. */
  rows: HTMLTableRowElement[];
}

/** What the URL keeps of a racer. */
export interface RacerState {
  use: boolean;
  lr?: string;
  params?: Record<string, string>;
}

/** A copy in the URL: its method and its settings. */
export type CopyState = RacerState & { method: string };

export function numberInput(name: string, value: number | string, label: string): HTMLInputElement {
  const input = Object.assign(document.createElement('input'), {
    name,
    type: 'text',
    value: String(value),
    autocomplete: 'off',
  });
  input.classList.add('number');
  input.setAttribute('aria-label', label);
  return input;
}

export class RacerList {
  readonly element = document.createElement('table');
  readonly racers: Racer[] = [];
  private copies = 0;

  /** `changed` is called when a slider is let go; `removed` when a copy is taken away. */
  constructor(
    private readonly changed: () => void,
    private readonly removed: () => void = () => {},
  ) {
    this.element.className = 'racers';
    for (const m of raceMethods) this.add(m, m.method, m.label, m.colour, false);
  }

  /** The racer's current settings, by parameter key. */
  settingsOf(r: Racer): Record<string, number> {
    return Object.fromEntries(r.sliders.map(({ p, slider }) => [p.key, Number(slider.value)]));
  }

  /** The race entries of the ticked racers, in order (an empty rate is NaN: the race says it is invalid). */
  entries(): { id: string; method: string; lr?: number; options?: Record<string, unknown> }[] {
    return this.ticked().map((r) => ({
      id: r.key,
      method: r.m.method,
      lr: r.lr ? (r.lr.value.trim() === '' ? Number.NaN : Number(r.lr.value)) : undefined,
      options: optimizerOptions(r.m.method, this.settingsOf(r)),
    }));
  }

  ticked(): Racer[] {
    return this.racers.filter((r) => r.box.checked);
  }

  byKey(key: string): Racer | undefined {
    return this.racers.find((r) => r.key === key);
  }

  /** The first racer of a method. */
  first(method: string): Racer {
    return this.racers.find((r) => r.m.method === method && !r.copy)!;
  }

  /** A copy of `of` with the same settings, ticked, in its own colour, after the method's last racer. */
  addCopy(of: Racer): Racer {
    const n = this.racers.filter((r) => r.m.method === of.m.method).length + 1;
    let k = n;
    while (this.byKey(`${of.m.method}#${k}`)) k++;
    const colour = copyColours[this.copies++ % copyColours.length];
    const last = this.racers.filter((r) => r.m.method === of.m.method).at(-1)!;
    const copy = this.add(of.m, `${of.m.method}#${k}`, `${of.m.label} ${k}`, colour, true, last.rows.at(-1)!);
    copy.box.checked = true;
    if (copy.lr && of.lr) copy.lr.value = of.lr.value;
    copy.sliders.forEach((s, i) => {
      s.slider.value = of.sliders[i].slider.value;
      s.shown.textContent = s.slider.value;
    });
    return copy;
  }

  remove(r: Racer): void {
    if (!r.copy) return;
    for (const row of r.rows) row.remove();
    this.racers.splice(this.racers.indexOf(r), 1);
  }

  /** The state of the first racers by method, and the copies in order. */
  state(): { racers: Record<string, RacerState>; copies: CopyState[] } {
    const of = (r: Racer): RacerState => ({
      use: r.box.checked,
      lr: r.lr?.value,
      ...(r.sliders.length > 0
        ? { params: Object.fromEntries(r.sliders.map(({ p, slider }) => [p.key, slider.value])) }
        : {}),
    });
    return {
      racers: Object.fromEntries(this.racers.filter((r) => !r.copy).map((r) => [r.m.method, of(r)])),
      copies: this.racers.filter((r) => r.copy).map((r) => ({ method: r.m.method, ...of(r) })),
    };
  }

  /** Sets the racers from a URL's state (unknown methods are skipped); the copies replace any there are. */
  restore(racers: Record<string, RacerState> = {}, copies: CopyState[] = []): void {
    for (const r of this.racers.filter((x) => x.copy)) this.remove(r);
    this.copies = 0;
    for (const r of this.racers) {
      const s = racers[r.m.method];
      if (s) this.set(r, s);
    }
    for (const c of Array.isArray(copies) ? copies : []) {
      const m = raceMethods.find((x) => x.method === c?.method);
      if (!m || m.lr === undefined) continue;
      this.set(this.addCopy(this.first(m.method)), c);
    }
  }

  private set(r: Racer, s: RacerState): void {
    r.box.checked = Boolean(s.use);
    if (r.lr && s.lr !== undefined) r.lr.value = String(s.lr);
    for (const { p, slider, shown } of r.sliders) {
      const v = s.params?.[p.key];
      if (v === undefined) continue;
      slider.value = String(v);
      shown.textContent = slider.value;
    }
  }

  private add(
    m: RaceMethod,
    key: string,
    label: string,
    colour: string,
    copy: boolean,
    after?: HTMLTableRowElement,
  ): Racer {
    const index = after ? after.rowIndex + 1 : -1;
    const row = this.element.insertRow(index);
    row.dataset.method = key;
    const box = Object.assign(document.createElement('input'), {
      type: 'checkbox',
      checked: !m.extra,
      name: `use-${key}`,
    });
    const name = document.createElement('label');
    name.append(box, ` ${label}`);
    const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
    swatch.style.background = colour;
    row.insertCell().append(swatch, name);
    const lr = m.lr === undefined ? undefined : numberInput(`lr-${key}`, m.lr, `learning rate of ${label}`);
    const hint = Object.assign(document.createElement('span'), { className: 'muted hint' });
    const rateCell = row.insertCell();
    rateCell.append(
      lr ?? Object.assign(document.createElement('span'), { className: 'muted', textContent: 'line search' }),
      ' ',
      hint,
    );
    const racer: Racer = { key, m, label, colour, copy, box, lr, hint, sliders: [], rows: [row] };
    if (lr) {
      // a copy of a first-order racer, with its own settings; a copy can be taken away again
      const button = Object.assign(document.createElement('button'), {
        type: 'button',
        className: 'racer-copy',
        name: copy ? `remove-${key}` : `copy-${key}`,
        textContent: copy ? '×' : '+',
        title: copy ? `remove ${label}` : `race another ${label} with settings of its own`,
      });
      button.setAttribute('aria-label', button.title);
      button.addEventListener('click', () => {
        if (copy) {
          this.remove(racer);
          this.removed();
        } else this.addCopy(racer).lr?.focus();
      });
      rateCell.prepend(button, ' ');
    }
    racer.sliders = (racerParameters[m.method] ?? []).map((p) => {
      const slider = Object.assign(document.createElement('input'), {
        type: 'range',
        name: `${p.key}-${key}`,
        min: String(p.min),
        max: String(p.max),
        step: String(p.step),
        value: String(p.value),
      });
      slider.setAttribute('aria-label', `${p.label} of ${label}`);
      const shown = Object.assign(document.createElement('output'), { textContent: String(p.value) });
      slider.addEventListener('input', () => {
        shown.textContent = slider.value;
      });
      slider.addEventListener('change', () => this.changed());
      const labelEl = document.createElement('label');
      labelEl.className = 'slider';
      labelEl.append(`${p.label} `, slider, ' ', shown);
      return { p, slider, shown, label: labelEl };
    });
    if (racer.sliders.length > 0) {
      const settings = this.element.insertRow(row.rowIndex + 1);
      settings.className = 'settings';
      const cell = settings.insertCell();
      cell.colSpan = 2;
      cell.append(...racer.sliders.map((s) => s.label));
      racer.rows.push(settings);
    }
    // racers in table order: a copy goes after the method's last racer
    const at = after ? this.racers.findIndex((r) => r.rows.includes(after)) + 1 : this.racers.length;
    this.racers.splice(at, 0, racer);
    return racer;
  }
}
