/**
 * Training progress: a cli-progress bar over all steps when stderr is a terminal, else one line
 * per epoch on stdout (logs and pipes stay readable). Nothing with --quiet or --json.
 */
import type { EpochRecord, StepInfo } from '@descent/mlp';
import { SingleBar } from 'cli-progress';
import type { TrainHooks } from './session.js';

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(100 * v).toFixed(1)}%`);

export function progressHooks(silent: boolean): TrainHooks & { stop(): void } {
  if (silent) return { stop() {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | train acc {acc} | lr {lr}',
      hideCursor: true,
      clearOnComplete: false,
    });
    let stepsPerEpoch = 1;
    let first = 0;
    return {
      onStart(info) {
        stepsPerEpoch = info.stepsPerEpoch;
        first = info.startEpoch;
        bar.start((info.epochs - info.startEpoch) * stepsPerEpoch, 0, {
          epoch: info.startEpoch + 1,
          epochs: info.epochs,
          loss: '—',
          acc: '—',
          lr: '—',
        });
      },
      onStep(s: StepInfo) {
        bar.update((s.epoch - first) * stepsPerEpoch + s.step + 1, {
          epoch: s.epoch + 1,
          loss: s.loss.toFixed(4),
          lr: s.lr.toPrecision(3),
        });
      },
      onEpoch(r: EpochRecord) {
        bar.update({ acc: pct(r.accuracy) });
      },
      stop: () => bar.stop(),
    };
  }
  let epochs = 0;
  return {
    onStart(info) {
      epochs = info.epochs;
      console.log(
        `training on ${info.train} rows, testing on ${info.test}; ${info.stepsPerEpoch} steps per epoch`,
      );
    },
    onEpoch(r: EpochRecord) {
      console.log(
        `epoch ${r.epoch + 1}/${epochs}: loss ${r.loss.toFixed(4)}, train accuracy ${pct(r.accuracy)}, lr ${r.lr.toPrecision(3)}`,
      );
    },
    stop() {},
  };
}
