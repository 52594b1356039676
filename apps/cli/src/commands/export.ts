/**
 * `descent export`: hand a model written by `descent train --save` to the engines that scale.
 *
 *   descent export --torch model.json DIR    DIR/model.safetensors (nn.Sequential's names),
 *                                            DIR/optimizer.safetensors (torch's state_dict layout),
 *                                            DIR/train.py (DDP under torchrun: gloo / nccl)
 *   descent export --onnx model.json m.onnx  the model for ONNX Runtime (eval mode, opset >= 17)
 *
 * The model file may be JSON or .safetensors. Nothing is written when the model or its optimizer
 * has no counterpart (Lion, Adafactor: torch 1.13 has neither with the same state).
 */
import { writeFile } from 'node:fs/promises';
import type { Param } from '@descent/core';
import { type AnyOptimizer, restoreCheckpoint, sequentialToOnnx, writeTorchExport } from '@descent/mlp';
import type { Command } from 'commander';
import { z } from 'zod';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { UsageError } from '../options/usage-error.js';
import { firstOrder } from '../race/optimizers.js';
import type { TrainSettings } from '../training/session.js';
import { readModelFile } from './train.js';

const schema = z.object({
  ...common,
  torch: z.boolean().optional(),
  onnx: z.boolean().optional(),
  softmax: z.boolean().optional(),
});

/** The optimizer `descent train` built for these settings (session.ts's rule). */
function optimizerFor(s: TrainSettings) {
  const entry = Object.hasOwn(firstOrder, s.optimizer) ? firstOrder[s.optimizer] : undefined;
  if (!entry) throw new UsageError(`The model file names an unknown optimizer ${s.optimizer}`);
  const options: Record<string, unknown> = { ...entry.implied, lr: s.lr };
  if (s.momentum !== undefined) options.momentum = s.momentum;
  if (s.weightDecay !== undefined) options.weightDecay = s.weightDecay;
  return (params: Param[]) => new entry.cls(params, options) as AnyOptimizer;
}

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description('hand a trained model to PyTorch (--torch DIR) or ONNX Runtime (--onnx FILE)')
    .argument('<model>', 'a model written by descent train --save (JSON or .safetensors)')
    .argument('<out>', '--torch: a directory; --onnx: the .onnx file')
    .option('--torch', 'write model.safetensors, optimizer.safetensors and train.py into <out>')
    .option('--onnx', 'write the model as ONNX (for onnxruntime) to <out>')
    .option('--softmax', '--onnx: end with Softmax (probabilities instead of logits)');
  withCommonOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ descent export --torch model.json torch-run
  $ torchrun --nproc_per_node 2 torch-run/train.py --data digits   # continues on 2 CPU processes
  $ descent export --onnx model.json model.onnx
(model.json: written by descent train --save model.json)`,
    )
    .action(async (modelPath: string, out: string) => {
      const s = readSettings(cmd, schema);
      if (Boolean(s.torch) === Boolean(s.onnx)) throw new UsageError('Pass one of --torch or --onnx');
      if (s.softmax && !s.onnx) throw new UsageError('--softmax goes with --onnx');
      const file = readModelFile(modelPath, '<model>');
      const settings = file.cli.settings;
      let restored: ReturnType<typeof restoreCheckpoint>;
      try {
        restored = restoreCheckpoint(file, s.torch ? { optimizer: optimizerFor(settings) } : {});
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`Invalid <model> ${modelPath}: ${(e as Error).message}`);
      }
      const { model, optimizer } = restored;
      try {
        let written: string[];
        if (s.onnx) {
          await writeFile(out, sequentialToOnnx(model, { softmax: Boolean(s.softmax) }));
          written = [out];
        } else {
          written = await writeTorchExport(out, {
            model,
            optimizer: optimizer as NonNullable<typeof optimizer>,
            batchSize: settings.batchSize,
            epochs: settings.epochs,
            seed: settings.seed,
            data: settings.data,
            label: settings.label,
            mean: file.cli.mean,
            scale: file.cli.scale,
            classNames: file.cli.classNames,
            l2: settings.l2,
          });
        }
        if (s.json) console.log(JSON.stringify({ written }, null, 2));
        else if (!s.quiet) {
          console.log(`wrote ${written.join(', ')}`);
          if (s.torch) {
            console.log(`continue with: torchrun --nproc_per_node 2 ${written[2]} --data ${settings.data}`);
            if (settings.schedule)
              console.log(
                `note: train.py keeps the current lr; the schedule ${settings.schedule} is not carried over`,
              );
          }
        }
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (typeof err.code === 'string') throw new UsageError(`Cannot write ${out}: ${err.code}`);
        if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
        throw e;
      } finally {
        model.free();
      }
    });
}
