"""llama.cpp on the same GGUF file, for bench/engine.py: through llama-cpp-python (built from
its PyPI sdist, 2 threads, CPU only). Prints one JSON line, every span timed in this process
(wall: perf_counter; CPU: this process's user + system time, both threads), the Python start-up
and the import of llama_cpp not counted:

- load_wall / load_cpu: `Llama(...)` reading the file;
- prefill_wall / prefill_cpu: evaluating the lecture sentence's tokens (no start token, as
  attnviz reads it); load_prefill_* is the two together;
- prompt_ids: the chat prompt's token ids: the model's own template (GGUF
  `tokenizer.chat_template`, rendered by llama-cpp-python's Jinja2 formatter with the generation
  prompt), the question as the user's message, special tokens parsed;
- chat_prefill_wall / chat_prefill_cpu: evaluating that prompt after a reset, whose last logits
  choose the first token;
- decode_wall / decode_cpu: `tokens` − 1 more steps of one token each, each chosen greedily
  (argmax of the last logits; ties: the lower id, as attnviz), the end token not stopping it;
- tokens: the `tokens` ids written; decode_tokens_per_second: (`tokens` − 1) / decode_wall.

The last position's logits are read from the context (`get_logits`): llama-cpp-python 0.3.x
keeps `scores` only with `logits_all=True`, which would make the prefill compute the LM head at
every position. THREADS (default 2) sets n_threads and n_threads_batch.

    python bench/baseline_llama_cpp.py MODEL.gguf "lecture sentence" "chat question" 32 [THREADS]
"""

import json
import sys
import time

import numpy as np
from llama_cpp import Llama


def chat_prompt(llm, question):
    """The question in the model's chat template, with the generation prompt."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        sys.exit("baseline_llama_cpp.py: the model has no tokenizer.chat_template")
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter
    formatter = Jinja2ChatFormatter(template=template, eos_token="", bos_token="",
                                    add_generation_prompt=True)
    return formatter(messages=[{"role": "user", "content": question}]).prompt


def clock():
    return time.perf_counter(), time.process_time()


def since(start):
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def last_logits(llm):
    """The logits of the last position evaluated, (vocabulary,)."""
    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))


def main():
    path, sentence, question, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    start = clock()
    llm = Llama(model_path=path, n_ctx=512, n_threads=threads, n_threads_batch=threads,
                verbose=False)
    load = since(start)
    tokens = llm.tokenize(sentence.encode(), add_bos=False)
    start = clock()
    llm.eval(tokens)
    prefill = since(start)

    llm.reset()
    prompt = llm.tokenize(chat_prompt(llm, question).encode(), add_bos=False, special=True)
    start = clock()
    llm.eval(prompt)
    chat_prefill = since(start)
    written = [int(np.argmax(last_logits(llm)))]
    start = clock()
    for _ in range(count - 1):
        llm.eval([written[-1]])
        written.append(int(np.argmax(last_logits(llm))))
    decode = since(start)
    print(json.dumps({
        "load_wall": load[0], "load_cpu": load[1],
        "prefill_wall": prefill[0], "prefill_cpu": prefill[1],
        "load_prefill_wall": load[0] + prefill[0], "load_prefill_cpu": load[1] + prefill[1],
        "sentence_tokens": len(tokens), "prompt_ids": list(prompt),
        "chat_prefill_wall": chat_prefill[0], "chat_prefill_cpu": chat_prefill[1],
        "decode_wall": decode[0], "decode_cpu": decode[1], "tokens": written,
        "decode_tokens_per_second": (count - 1) / decode[0], "threads": threads}))


if __name__ == "__main__":
    main()
