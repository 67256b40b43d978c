#!/usr/bin/python3
"""PyTorch reference for `npm run bench:train -- --vs-pytorch`.

Trains the GPT codex trains — pre-norm blocks, fused qkv projection with bias, causal softmax attention, GELU
(tanh) MLP with biases, learned positions, final layer norm, output tied to the token embedding — with AdamW
(decoupled weight decay on matrices only, as codex's optimizer) and global-norm clipping, on the token stream
the codex bench generates, and prints one JSON object of throughput figures.

Initialisation follows codex's scheme: normal(0, 0.02) weights, residual projections scaled by 1/sqrt(2 layers),
zero biases, unit layer-norm gains. Run it with Debian's PyTorch (/usr/bin/python3, package python3-torch);
the caller sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS to the thread count it asks for.
"""
import argparse
import json
import math
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    for name, default in [
        ('layers', 2), ('heads', 4), ('d-model', 128), ('context', 64), ('batch', 16), ('vocab', 2048),
        ('steps', 30), ('warmup', 3), ('threads', 1), ('seed', 1337),
    ]:
        parser.add_argument(f'--{name}', type=int, default=default)
    for name, default in [
        ('lr', 0.003), ('weight-decay', 0.01), ('beta1', 0.9), ('beta2', 0.99), ('eps', 1e-8), ('clip', 1.0),
    ]:
        parser.add_argument(f'--{name}', type=float, default=default)
    args = parser.parse_args()

    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    L, H, D, T, V = args.layers, args.heads, args.d_model, args.context, args.vocab

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(D, eps=1e-5)
            self.qkv = nn.Linear(D, 3 * D)
            self.proj = nn.Linear(D, D)
            self.ln2 = nn.LayerNorm(D, eps=1e-5)
            self.fc = nn.Linear(D, 4 * D)
            self.fc_proj = nn.Linear(4 * D, D)
            self.register_buffer('mask', torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1), persistent=False)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
            q = q.view(b, t, H, D // H).transpose(1, 2)
            k = k.view(b, t, H, D // H).transpose(1, 2)
            v = v.view(b, t, H, D // H).transpose(1, 2)
            scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D // H))
            probs = scores.masked_fill(self.mask[:t, :t], float('-inf')).softmax(dim=-1)
            x = x + self.proj((probs @ v).transpose(1, 2).contiguous().view(b, t, D))
            return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(V, D)
            self.wpe = nn.Embedding(T, D)
            self.blocks = nn.ModuleList([Block() for _ in range(L)])
            self.lnf = nn.LayerNorm(D, eps=1e-5)
            residual = 0.02 / math.sqrt(2 * L)
            for name, p in self.named_parameters():
                if name.endswith('bias'):
                    nn.init.zeros_(p)
                elif p.dim() >= 2:
                    nn.init.normal_(p, 0.0, residual if name.endswith('proj.weight') else 0.02)

        def forward(self, ids, targets):
            x = self.wte(ids) + self.wpe.weight[: ids.shape[1]]
            for block in self.blocks:
                x = block(x)
            logits = self.lnf(x) @ self.wte.weight.t()
            return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))

    model = Gpt()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{'params': decay, 'weight_decay': args.weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
        lr=args.lr, betas=(args.beta1, args.beta2), eps=args.eps,
    )

    # The codex bench's token stream: a 32-bit LCG, token = (state >> 8) % vocab, windows of T + 1 tokens.
    count = (args.warmup + args.steps) * args.batch * (T + 1)
    state = 12345
    stream = []
    for _ in range(count):
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        stream.append((state >> 8) % V)
    windows = torch.tensor(stream, dtype=torch.long).view(args.warmup + args.steps, args.batch, T + 1)

    def step(i):
        optimizer.zero_grad(set_to_none=True)
        loss = model(windows[i, :, :-1], windows[i, :, 1:])
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        return loss.item()

    for i in range(args.warmup):
        step(i)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    loss = float('nan')
    for i in range(args.steps):
        loss = step(args.warmup + i)
    seconds, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    tokens = args.steps * args.batch * T
    json.dump({
        'threads': args.threads,
        'torch': torch.__version__,
        'blas': loaded_blas(),
        'parameters': sum(p.numel() for p in model.parameters()),
        'seconds': seconds,
        'cpuSeconds': cpu,
        'tokensPerSecond': tokens / seconds,
        'tokensPerCpuSecond': tokens / cpu,
        'finalLoss': loss,
    }, sys.stdout)
    print()


def loaded_blas():
    """The BLAS library this process mapped: Debian switches libblas.so.3 between implementations."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line.lower() or 'mkl' in line.lower()}
    except OSError:
        return 'unknown'
    for path in sorted(paths):
        if 'openblas' in path:
            return 'openblas'
        if 'mkl' in path:
            return 'mkl'
        if 'blis' in path:
            return 'blis'
    return 'reference' if paths else 'unknown'


if __name__ == '__main__':
    main()
