/**
 * The race's player: play / pause, one step, and a scrubber over the iterations k = 0 … longest,
 * with a readout of the k shown. Playing runs the whole race in about a second (60 frames, at least
 * one step each); a click on Step or a move of the scrubber pauses it. The view draws step k
 * (`draw`); the player keeps the controls in step and says when it plays and when it is done
 * (`onState`, the view's data-state).
 */
export class RacePlayer {
  readonly play = Object.assign(document.createElement('button'), {
    type: 'button',
    textContent: 'Pause',
    name: 'play',
  });
  readonly stepOnce = Object.assign(document.createElement('button'), {
    type: 'button',
    textContent: 'Step',
    name: 'step',
  });
  readonly scrub = Object.assign(document.createElement('input'), {
    type: 'range',
    name: 'scrub',
    min: '0',
    max: '0',
    value: '0',
  });
  readonly shownStep = Object.assign(document.createElement('output'), {
    name: 'shown-step',
    textContent: 'k = 0',
  });
  private animation = 0;
  private playing = false;
  private longest = 0;

  constructor(
    container: HTMLElement,
    private readonly draw: (k: number) => void,
    private readonly onState: (state: 'playing' | 'done') => void,
  ) {
    this.scrub.setAttribute('aria-label', 'iteration shown');
    container.append(this.play, this.stepOnce, this.scrub, this.shownStep);
    this.play.addEventListener('click', () => {
      if (this.playing) {
        this.pause();
        this.onState('done');
      } else this.animate(Number(this.scrub.value) >= this.longest ? 0 : Number(this.scrub.value));
    });
    this.stepOnce.addEventListener('click', () => {
      this.pause();
      this.show(Math.min(this.longest, Number(this.scrub.value) + 1));
    });
    this.scrub.addEventListener('input', () => {
      this.pause();
      this.show(Number(this.scrub.value));
    });
  }

  /** A new race of `longest` steps: the scrubber's range, then play from k = 0. */
  start(longest: number): void {
    this.longest = longest;
    this.scrub.max = String(longest);
    this.animate(0);
  }

  /** Cancels the next frame of the animation (a new race is about to start, or an error is shown). */
  halt(): void {
    cancelAnimationFrame(this.animation);
  }

  /** Draws step k and moves the scrubber and the readout to it. */
  show(k: number): void {
    this.draw(k);
    this.scrub.value = String(k);
    this.shownStep.textContent = `k = ${k}`;
  }

  private pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.animation);
    this.play.textContent = 'Play';
  }

  private animate(from: number): void {
    cancelAnimationFrame(this.animation);
    this.playing = true;
    this.play.textContent = 'Pause';
    this.onState('playing');
    const perFrame = Math.max(1, Math.ceil(this.longest / 60)); // about a second at 60 frames per second
    let k = from;
    const tick = () => {
      k = Math.min(this.longest, k + perFrame);
      this.show(k);
      if (k < this.longest && this.playing) this.animation = requestAnimationFrame(tick);
      else {
        this.playing = false;
        this.play.textContent = 'Play';
        this.onState('done');
      }
    };
    this.animation = requestAnimationFrame(tick);
  }
}
