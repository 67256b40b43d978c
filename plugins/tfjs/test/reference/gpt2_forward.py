"""Independent reader of a Hugging Face GPT-2 export: parses model.safetensors with its own code (header
length, JSON header, raw little-endian data), loads the tensors into a plain PyTorch GPT-2 forward written
here from the GPT-2 definition (Conv1D projections x @ W + b, pre-norm blocks, causal attention scaled by
1/sqrt(head size), the activation config.json names, final norm, head tied to wte unless lm_head.weight is
stored), and prints the logits of the token id rows given on stdin as JSON.

Usage: python3 gpt2_forward.py EXPORT_DIR < '{"ids": [[1, 2, 3], ...]}'
"""
import json
import math
import struct
import sys

import numpy
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (header_length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_length].decode("utf-8"))
    data = blob[8 + header_length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        values = numpy.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
        tensors[name] = torch.from_numpy(values.copy())
    return header.get("__metadata__", {}), tensors


def activation(name):
    if name == "gelu_new":
        return lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "gelu":
        return torch.nn.functional.gelu
    raise SystemExit(f"unsupported activation_function {name}")


def forward(config, w, ids):
    d, heads = config["n_embd"], config["n_head"]
    eps = config["layer_norm_epsilon"]
    act = activation(config["activation_function"])
    batch, time = ids.shape
    prefix = "transformer." if "transformer.wte.weight" in w else ""
    p = lambda name: w[prefix + name]
    ln = lambda x, name: torch.nn.functional.layer_norm(x, (d,), p(name + ".weight"), p(name + ".bias"), eps)
    x = p("wte.weight")[ids] + p("wpe.weight")[torch.arange(time)]
    mask = torch.tril(torch.ones(time, time, dtype=torch.bool))
    hd = d // heads
    for layer in range(config["n_layer"]):
        h = f"h.{layer}"
        qkv = ln(x, h + ".ln_1") @ p(h + ".attn.c_attn.weight") + p(h + ".attn.c_attn.bias")
        q, k, v = qkv.split(d, dim=2)
        split = lambda t: t.view(batch, time, heads, hd).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        scores = scores.masked_fill(~mask, float("-inf"))
        mixed = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, time, d)
        x = x + mixed @ p(h + ".attn.c_proj.weight") + p(h + ".attn.c_proj.bias")
        u = act(ln(x, h + ".ln_2") @ p(h + ".mlp.c_fc.weight") + p(h + ".mlp.c_fc.bias"))
        x = x + u @ p(h + ".mlp.c_proj.weight") + p(h + ".mlp.c_proj.bias")
    x = ln(x, "ln_f")
    head = w["lm_head.weight"] if "lm_head.weight" in w else p("wte.weight")
    assert ("lm_head.weight" not in w) == config["tie_word_embeddings"]
    return x @ head.T


def main():
    directory = sys.argv[1]
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    assert config["model_type"] == "gpt2"
    metadata, weights = read_safetensors(f"{directory}/model.safetensors")
    request = json.load(sys.stdin)
    torch.set_grad_enabled(False)
    rows = []
    for ids in request["ids"]:
        logits = forward(config, weights, torch.tensor([ids], dtype=torch.long))
        rows.append(logits[0].tolist())
    json.dump({"metadata": metadata, "names": sorted(weights), "logits": rows}, sys.stdout)


main()
