"""Training speed of PyTorch eager on the reference small CNN, the yardstick of CostBenchmark's
`speed:` line.

The network is ReferenceArchitectures.smallCnn as ArchitectureBlocks builds it for DJL: three
times (3x3 conv, stride 1, padding 1, no bias -> batch norm (eps 1e-5; DJL's momentum 0.9 is
PyTorch's 0.1) -> ReLU -> 2x2 max pool, stride 2), with 32, 64 and 128 filters, then global average
pooling, flatten and a linear layer with bias to 8 classes. Softmax cross-entropy, Adam lr 1e-3,
batch 64, fp32, 2 intra-op threads, a fixed set of random images; one warm-up epoch, then timed
epochs in a seeded random order, the loss and accuracy of every batch read back to the host as
the evaluator does.

    /usr/bin/python3 flnas-djl/src/test/python/torch_speed.py [--images 1024] [--epochs 2]
        [--rounds 3] [--threads 2] [--channels-last] [--bf16]

By default the images and weights are PyTorch's default NCHW order; --channels-last trains with
both in torch.channels_last, the memory order the DJL evaluator uses on the CPU. --bf16 runs the
forward pass under torch.autocast("cpu", dtype=torch.bfloat16): convolutions and the linear layer
compute in bfloat16, the weights and the optimizer stay fp32 (PyTorch's mixed precision on the
CPU), the yardstick for what bfloat16 units would give the evaluator (CostBenchmark's `bf16:` line).

Prints one line per round and then `torch: <x> img/s`, the median of the rounds. Debian's
`python3-torch` (1.13) is enough.
"""

import argparse
import statistics
import time

import torch
from torch import nn


def small_cnn(classes):
    layers = []
    channels = 3
    for filters in (32, 64, 128):
        layers += [nn.Conv2d(channels, filters, 3, stride=1, padding=1, bias=False),
                   nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1),
                   nn.ReLU(),
                   nn.MaxPool2d(2, 2)]
        channels = filters
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes)]
    return nn.Sequential(*layers)


def epoch(model, optimizer, loss_fn, images, labels, batch, generator, memory_format=None,
          bf16=False):
    order = torch.randperm(images.shape[0], generator=generator)
    loss_sum = 0.0
    correct = 0
    for start in range(0, images.shape[0], batch):
        index = order[start:start + batch]
        if index.numel() < 2:
            break
        x = images[index]
        if memory_format is not None:
            x = x.contiguous(memory_format=memory_format)
        y = labels[index]
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model(x)
            loss = loss_fn(out, y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * index.numel()
        correct += (out.argmax(1) == y).sum().item()
    return loss_sum, correct


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--bf16", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    images = torch.rand(args.images, 3, args.size, args.size)
    if args.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 8, (args.images,))
    generator = torch.Generator().manual_seed(42)
    rates = []
    for r in range(args.rounds):
        model = small_cnn(8)
        if args.channels_last:
            model = model.to(memory_format=torch.channels_last)
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        memory_format = torch.channels_last if args.channels_last else None
        epoch(model, optimizer, loss_fn, images, labels, args.batch, generator, memory_format,
              args.bf16)
        start = time.perf_counter()
        for _ in range(args.epochs):
            epoch(model, optimizer, loss_fn, images, labels, args.batch, generator, memory_format,
              args.bf16)
        rate = args.images * args.epochs / (time.perf_counter() - start)
        rates.append(rate)
        print(f"  round {r + 1}: {rate:.1f} img/s")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.images} images "
          f"{args.size}x{args.size}, batch {args.batch}, {args.epochs} epochs per round, "
          f"{'channels-last' if args.channels_last else 'NCHW'}"
          f"{', bf16 autocast' if args.bf16 else ', fp32'}")
    print(f"torch: {statistics.median(rates):.1f} img/s")


if __name__ == "__main__":
    main()
