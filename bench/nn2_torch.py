"""FaceNet NN2 (Table 2 of Schroff et al. 2015) in PyTorch, timed on the CPU.

The same network as lib/model's createModel("nn2"): 'same' padding, ReLU after every convolution,
LRN(5, 1e-4, 0.75, 1) at the two "norm" rows, L2 pooling (zero-padded 3x3 sum of squares, square
root) where Table 2 says L2, max pooling elsewhere, global average pool, fully connected 128, L2
normalisation. The training step is the one bench/model.ts times in TensorFlow.js: forward with
mean(square(embedding)) as the loss, backward, SGD update.

Usage: python3 bench/nn2_torch.py --size 96 --batch 32 --threads 2 [--seconds 3] [--mode train]
Prints one JSON line: {"size", "batch", "threads", "mode", "steps", "seconds", "cpu_seconds",
"images_per_s"} (cpu_seconds: process CPU time of the timed steps, all threads).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, k, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding=k // 2), nn.ReLU(inplace=True))


class L2Pool(nn.Module):
    """sqrt of the zero-padded 3x3 windowed sum of squares."""

    def forward(self, x):
        s = F.avg_pool2d(x * x, 3, 1, padding=1, count_include_pad=True) * 9
        return torch.sqrt(s + 1e-12)


class Inception(nn.Module):
    def __init__(self, cin, n1, r3, n3, r5, n5, pool, proj, stride=1):
        super().__init__()
        self.b1 = conv(cin, n1, 1) if n1 else None
        self.b3 = nn.Sequential(conv(cin, r3, 1), conv(r3, n3, 3, stride)) if n3 else None
        self.b5 = nn.Sequential(conv(cin, r5, 1), conv(r5, n5, 5, stride)) if n5 else None
        if stride == 2:
            self.pool = nn.MaxPool2d(3, 2, padding=1)
        elif pool == "l2":
            self.pool = L2Pool()
        else:
            self.pool = nn.MaxPool2d(3, 1, padding=1)
        self.proj = conv(cin, proj, 1) if proj else None
        self.out = (n1 or 0) + (n3 or 0) + (n5 or 0) + (proj if proj else cin)

    def forward(self, x):
        ys = [b(x) for b in (self.b1, self.b3, self.b5) if b is not None]
        p = self.pool(x)
        ys.append(self.proj(p) if self.proj is not None else p)
        return torch.cat(ys, 1)


class NN2(nn.Module):
    def __init__(self, dim=128):
        super().__init__()
        lrn = lambda: nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0)
        self.stem = nn.Sequential(
            conv(3, 64, 7, 2), nn.MaxPool2d(3, 2, padding=1), lrn(),
            conv(64, 64, 1), conv(64, 192, 3), lrn(), nn.MaxPool2d(3, 2, padding=1),
        )
        spec = [
            (192, 64, 96, 128, 16, 32, "max", 32, 1),
            (256, 64, 96, 128, 32, 64, "l2", 64, 1),
            (320, 0, 128, 256, 32, 64, "max", 0, 2),
            (640, 256, 96, 192, 32, 64, "l2", 128, 1),
            (640, 224, 112, 224, 32, 64, "l2", 128, 1),
            (640, 192, 128, 256, 32, 64, "l2", 128, 1),
            (640, 160, 144, 288, 32, 64, "l2", 128, 1),
            (640, 0, 160, 256, 64, 128, "max", 0, 2),
            (1024, 384, 192, 384, 48, 128, "l2", 128, 1),
            (1024, 384, 192, 384, 48, 128, "max", 128, 1),
        ]
        self.blocks = nn.Sequential(*[Inception(*s) for s in spec])
        self.fc = nn.Linear(1024, dim)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        x = self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
        return F.normalize(x, dim=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--mode", choices=["train", "forward"], default="train")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = NN2()
    params = sum(p.numel() for p in model.parameters())
    x = torch.rand(a.batch, 3, a.size, a.size) * 2 - 1
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        if a.mode == "forward":
            with torch.no_grad():
                model.eval()
                model(x)
            return
        model.train()
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        opt.step()

    step()  # warm-up
    steps, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= a.seconds:
            break
    cpu = time.process_time() - c0
    print(json.dumps({
        "size": a.size, "batch": a.batch, "threads": a.threads, "mode": a.mode, "params": params,
        "steps": steps, "seconds": elapsed, "cpu_seconds": cpu,
        "images_per_s": steps * a.batch / elapsed,
    }))


if __name__ == "__main__":
    main()
