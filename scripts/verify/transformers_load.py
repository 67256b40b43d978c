"""Loads a `codex export --format hf` directory with Hugging Face `transformers` and checks it against codex.

    codex generate RUN --prompt "The jury said" --temperature 0 --max-tokens 20 --json > gen.json
    codex export RUN --format hf --out model-hf
    python scripts/verify/transformers_load.py model-hf gen.json

`AutoTokenizer.from_pretrained` must give the prompt ids codex used, and `GPT2LMHeadModel.from_pretrained` must
choose the same greedy tokens with the same log-probabilities (the largest difference is printed; exit 1 past
1e-4). Needs `transformers` and `torch`, which the test suite does not: the suite reads the export with its own
safetensors parser and a plain PyTorch GPT-2 instead.
"""

import json
import sys

import torch
from transformers import AutoTokenizer, GPT2LMHeadModel

TOLERANCE = 1e-4


def main(directory: str, generated_path: str) -> int:
    with open(generated_path, encoding="utf-8") as file:
        generated = json.load(file)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = GPT2LMHeadModel.from_pretrained(directory).eval()
    prompt_ids = generated["prompt"]["ids"]
    # codex starts a prompt after the end-of-text token, as documents start in training.
    encoded = tokenizer(generated["prompt"]["text"], add_special_tokens=False).input_ids
    tokenizer_ok = encoded == prompt_ids[1:]
    sample = generated["samples"][0]
    ids = list(prompt_ids)
    greedy_ok = True
    max_diff = 0.0
    with torch.no_grad():
        for token, logprob in zip(sample["ids"], sample["logprobs"]):
            logits = model(torch.tensor([ids])).logits[0, -1]
            log_probs = torch.log_softmax(logits.double(), -1)
            greedy_ok = greedy_ok and int(torch.argmax(log_probs)) == token
            max_diff = max(max_diff, abs(float(log_probs[token]) - logprob))
            ids.append(token)
    text_ok = tokenizer.decode(sample["ids"]) == sample["text"]
    print(f"tokenizer: prompt ids {'equal' if tokenizer_ok else 'DIFFER'} ({encoded} vs {prompt_ids[1:]})")
    print(f"model: {len(sample['ids'])} greedy tokens {'equal' if greedy_ok else 'DIFFER'}, max |log-prob diff| {max_diff:.3g}")
    print(f"decoded text {'equal' if text_ok else 'DIFFERS'}")
    return 0 if tokenizer_ok and greedy_ok and text_ok and max_diff <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
