"""llama.cpp on the same GGUF file, for bench/engine.py: through llama-cpp-python (built from
its PyPI sdist, 2 threads, CPU only). Prints one JSON line:

- load_prefill_wall / load_prefill_cpu: seconds from before the file is loaded to after the
  lecture sentence's tokens have been evaluated (the Python start-up and import are not
  counted; CPU is this process's user + system time over the same span);
- tokens_per_second: 32 / the wall seconds of prefilling the chat prompt (the model's own
  template, the question as the user's message) and writing `tokens` tokens greedily, the end
  token not stopping it (load not counted).

    python bench/baseline_llama_cpp.py MODEL.gguf "lecture sentence" "chat question" 32
"""

import json
import sys
import time

import numpy as np
from llama_cpp import Llama


def chat_prompt(llm, question):
    """The question in the model's chat template, with the generation prompt."""
    template = llm.metadata.get("tokenizer.chat_template")
    if template:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        formatter = Jinja2ChatFormatter(template=template, eos_token="", bos_token="")
        return formatter(messages=[{"role": "user", "content": question}]).prompt
    return f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"


def main():
    path, sentence, question, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    wall0, cpu0 = time.perf_counter(), time.process_time()
    llm = Llama(model_path=path, n_ctx=512, n_threads=2, n_threads_batch=2, verbose=False)
    tokens = llm.tokenize(sentence.encode(), add_bos=False)
    llm.eval(tokens)
    load_prefill = (time.perf_counter() - wall0, time.process_time() - cpu0)

    llm.reset()
    prompt = llm.tokenize(chat_prompt(llm, question).encode(), add_bos=False, special=True)
    start = time.perf_counter()
    llm.eval(prompt)
    for _ in range(count):
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        llm.eval([token])
    generation = time.perf_counter() - start
    print(json.dumps({
        "load_prefill_wall": load_prefill[0], "load_prefill_cpu": load_prefill[1],
        "prompt_tokens": len(prompt), "tokens_per_second": count / generation}))


if __name__ == "__main__":
    main()
