/**
 * The `train.py` that continues a descent run in PyTorch: it builds the same nn.Sequential (module
 * i = layer i), loads model.safetensors and optimizer.safetensors from its own directory (a
 * twenty-line reader of the format, numpy only), and trains with DistributedDataParallel when
 * launched by torchrun — gloo on CPUs, nccl on GPUs (one process per GPU, BatchNorm as
 * SyncBatchNorm there) — or in one plain process otherwise:
 *
 *   torchrun --nproc_per_node 2 train.py --data digits.csv     # 2 CPU processes (gloo)
 *   torchrun --nproc_per_node 8 train.py --data digits.csv     # 8 GPUs (nccl)
 *
 * Each step's global batch is `batchSize` rows split evenly over the processes; DDP averages the
 * gradients, so a step is descent's step on the same rows (mean cross-entropy, plus λ Σ w² over
 * every tensor but the biases for an L2 penalty). The inputs are standardized with the run's
 * mean and scale before training, as descent did. Not carried over: the learning-rate schedule
 * (the groups keep the lr they had when the file was written) and descent's shuffling order.
 */
import type { LayerConfig } from '../layers/layer.js';
import type { ModelConfig } from '../layers/sequential.js';

/** torch.optim classes with the same name and state layout as descent's optimizers. */
export const TORCH_OPTIMIZER_CLASSES = [
  'SGD',
  'Adam',
  'AdamW',
  'Adamax',
  'NAdam',
  'RAdam',
  'Adagrad',
  'Adadelta',
  'RMSprop',
  'Rprop',
  'ASGD',
] as const;

export interface TrainScriptOptions {
  /** The model's architecture (`model.config()`). */
  model: ModelConfig;
  /** The optimizer's name, one of TORCH_OPTIMIZER_CLASSES. */
  optimizer: string;
  /** Global rows per step (default 32). */
  batchSize?: number;
  /** Epochs train.py runs by default (default 1). */
  epochs?: number;
  /** Shuffling seed of the DistributedSampler (default 0). */
  seed?: number;
  /** The default --data: 'digits', 'iris' (sklearn's copies) or a CSV path. */
  data?: string;
  /** The CSV label column (default: the last one). */
  label?: string;
  /** Standardization x' = (x - mean) / scale (default: none). */
  mean?: ArrayLike<number>;
  scale?: ArrayLike<number>;
  /** Text labels in class order (default: integer labels). */
  classNames?: string[];
  /** λ of an L2 penalty λ Σ w² over every tensor but the biases (default 0). */
  l2?: number;
}

/** A finite number as Python source. */
function py(v: unknown, what: string): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`Invalid ${what}: ${String(v)}`);
  return String(v);
}

/** The nn module of one layer config. */
function moduleOf(c: LayerConfig): string {
  switch (c.type) {
    case 'dense':
      return `nn.Linear(${py(c.inFeatures, 'inFeatures')}, ${py(c.outFeatures, 'outFeatures')}, bias=${c.bias === false ? 'False' : 'True'})`;
    case 'batchNorm1d':
      return `nn.BatchNorm1d(${py(c.features, 'features')}, eps=${py(c.eps, 'eps')}, momentum=${c.momentum === null ? 'None' : py(c.momentum, 'momentum')}, affine=${c.affine === false ? 'False' : 'True'})`;
    case 'dropout':
      return `nn.Dropout(${py(c.p, 'p')})`;
    case 'relu':
      return 'nn.ReLU()';
    case 'tanh':
      return 'nn.Tanh()';
    case 'sigmoid':
      return 'nn.Sigmoid()';
    case 'leakyRelu':
      return `nn.LeakyReLU(${py(c.negativeSlope ?? 0.01, 'negativeSlope')})`;
    case 'gelu':
      return `nn.GELU(approximate='${c.approximate === 'tanh' ? 'tanh' : 'none'}')`;
    default:
      throw new TypeError(`train.py: layer ${c.name} (${c.type}) has no torch module here`);
  }
}

const list = (a: ArrayLike<number> | undefined, what: string) =>
  a === undefined ? 'None' : `[${Array.from(a, (v) => py(v, what)).join(', ')}]`;

/** The source of train.py. */
export function torchTrainScript(o: TrainScriptOptions): string {
  if (!(TORCH_OPTIMIZER_CLASSES as readonly string[]).includes(o.optimizer)) {
    throw new RangeError(
      `Invalid optimizer: ${o.optimizer} (torch has no counterpart with the same state; supported: ${TORCH_OPTIMIZER_CLASSES.join(', ')})`,
    );
  }
  const modules = o.model.layers.map((c) => `        ${moduleOf(c)},`).join('\n');
  const names = o.classNames === undefined ? 'None' : JSON.stringify(o.classNames);
  return `"""Continues a descent run in PyTorch (written by \`descent export --torch\`).

    torchrun --nproc_per_node 2 train.py --data FILE.csv   # 2 CPU processes, gloo
    torchrun --nproc_per_node 8 train.py --data FILE.csv   # 8 GPUs, nccl
    python train.py --data FILE.csv                        # one process

Loads model.safetensors (the nn.Sequential below) and optimizer.safetensors (torch.optim.${o.optimizer}'s
state_dict: state.<i>.<key> tensors, param_groups in the metadata) from this directory. --data:
digits, iris (sklearn's copies) or a CSV (numeric features, a header row, the label column last or
--label NAME). A step's global batch of BATCH rows is split over the processes; DDP averages the
gradients. --out DIR saves model.pt and optimizer.pt (torch.save) at the end.
"""
import argparse
import json
import os
import struct

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = ${list(o.mean, 'mean')}
SCALE = ${list(o.scale, 'scale')}
CLASSES = ${names}
BATCH, EPOCHS, SEED, L2 = ${py(o.batchSize ?? 32, 'batchSize')}, ${py(o.epochs ?? 1, 'epochs')}, ${py(o.seed ?? 0, 'seed')}, ${py(o.l2 ?? 0, 'l2')}


def build():
    return nn.Sequential(
${modules}
    )


def read_safetensors(path):
    """{name: tensor} and the metadata of a safetensors file (F32, F64, I64)."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {})
    kinds = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8'}
    tensors = {}
    for name, e in header.items():
        b, end = e['data_offsets']
        a = np.frombuffer(data[8 + n + b:8 + n + end], dtype=kinds[e['dtype']]).reshape(e['shape'])
        tensors[name] = torch.from_numpy(a.copy())
    return tensors, metadata


def load_optimizer(optimizer, path):
    tensors, metadata = read_safetensors(path)
    state = {}
    for name, t in tensors.items():
        _, i, key = name.split('.', 2)
        state.setdefault(int(i), {})[key] = t
    optimizer.load_state_dict({'state': state, 'param_groups': json.loads(metadata['param_groups'])})


def load_data(source, label):
    if source in ('digits', 'iris'):
        from sklearn import datasets
        d = datasets.load_digits() if source == 'digits' else datasets.load_iris()
        x, y = d.data.astype(np.float64), d.target.astype(np.int64)
    else:
        with open(source) as f:
            header = f.readline().strip().split(',')
        col = header.index(label) if label else len(header) - 1
        raw = np.loadtxt(source, delimiter=',', skiprows=1, dtype=str, ndmin=2)
        x = np.delete(raw, col, axis=1).astype(np.float64)
        y = np.array([CLASSES.index(v) if CLASSES else int(float(v)) for v in raw[:, col]], dtype=np.int64)
    if MEAN is not None:
        x = (x - np.array(MEAN)) / np.array(SCALE)
    return TensorDataset(torch.tensor(x, dtype=torch.get_default_dtype()), torch.from_numpy(y))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--data', default=${JSON.stringify(o.data ?? 'digits')})
    parser.add_argument('--label', default=${o.label === undefined ? 'None' : JSON.stringify(o.label)})
    parser.add_argument('--epochs', type=int, default=EPOCHS)
    parser.add_argument('--steps', type=int, default=0, help='stop after this many steps (0: no limit)')
    parser.add_argument('--out', default=None)
    args = parser.parse_args()
    distributed = 'RANK' in os.environ
    cuda = torch.cuda.is_available()
    rank, world, device = 0, 1, torch.device('cuda' if cuda else 'cpu')
    if distributed:
        dist.init_process_group('nccl' if cuda else 'gloo')
        rank, world = dist.get_rank(), dist.get_world_size()
        if cuda:
            device = torch.device('cuda', int(os.environ['LOCAL_RANK']))
            torch.cuda.set_device(device)
    weights, _ = read_safetensors(os.path.join(HERE, 'model.safetensors'))
    dtype = next(v.dtype for v in weights.values() if v.is_floating_point())
    torch.set_default_dtype(dtype)
    model = build().to(dtype)
    model.load_state_dict(weights)
    if distributed and cuda:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(device)
    optimizer = torch.optim.${o.optimizer}(model.parameters())
    load_optimizer(optimizer, os.path.join(HERE, 'optimizer.safetensors'))
    net = DistributedDataParallel(model, device_ids=[device] if cuda else None) if distributed else model
    data = load_data(args.data, args.label)
    sampler = DistributedSampler(data, shuffle=True, seed=SEED) if distributed else None
    loader = DataLoader(data, batch_size=max(1, BATCH // world), sampler=sampler, shuffle=sampler is None)
    step = 0
    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        net.train()
        total, rows = 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(net(x), y)
            if L2:
                loss = loss + L2 * sum((p * p).sum() for n, p in model.named_parameters() if not n.endswith('.bias'))
            loss.backward()
            optimizer.step()
            total, rows, step = total + loss.item() * len(y), rows + len(y), step + 1
            if args.steps and step >= args.steps:
                break
        if rank == 0:
            print(f'epoch {epoch + 1}: loss {total / max(rows, 1):.4f} ({world} process{"es" if world > 1 else ""})')
        if args.steps and step >= args.steps:
            break
    if rank == 0 and args.out:
        os.makedirs(args.out, exist_ok=True)
        torch.save(model.state_dict(), os.path.join(args.out, 'model.pt'))
        torch.save(optimizer.state_dict(), os.path.join(args.out, 'optimizer.pt'))
    if distributed:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
`;
}
