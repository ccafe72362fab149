"""Reference numbers for `attnviz explain` on the Firefox English→Portuguese translator.

The same independent numpy re-implementation as make_firefox_reference.py (its `Translator`,
float64, written from marian-dev's source), with its intermediates kept: on the lecture sentence,
encoder layer 1's queries and scaled scores and its block output, and at two decoder steps
(layer 2 at step 2, writing "gato"; layer 1 at step 1, from the zero start) the SSRU's forget
gate and cell, the cross-attention's query and scaled scores and weights, the vector the output
layer reads and the five most probable tokens.

    /work/refvenv/bin/python scripts/reference/make_translator_explain_reference.py models/firefox-en-pt

writes Tests/AttnvizModelTests/Fixtures/firefox-explain-reference.json (numbers rounded to 7
significant digits). attnviz never runs Python; the tests read the committed JSON.
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_firefox_reference import Translator  # noqa: E402

LECTURE = "The black cat sat on the old mat because it was tired."
# (decoder layer, step), 0-based: the recorded points explain's tests ask attnviz for.
DECODER_POINTS = [(1, 1), (0, 0)]


def rounded(array):
    return [float("%.7g" % v) for v in np.asarray(array, dtype=np.float64).ravel()]


def main():
    translator = Translator(sys.argv[1])
    translator.trace = {}
    source, output, _, cross = translator.translate(LECTURE)
    trace = translator.trace
    dim, heads = translator.dim, translator.heads
    d = dim // heads
    encoder = {
        "layer": 0,
        # q (H, S, D) → (S, C) as attnviz lays it out; scaled (H, S, S).
        "q": rounded(trace["encoder_l1_self:q"][0].transpose(1, 0, 2).reshape(-1, dim)),
        "scaled_scores": rounded(trace["encoder_l1_self:scaled"][0]),
        "block_output": rounded(trace["encoder_l1:output"][0]),
    }
    points = []
    for layer, step in DECODER_POINTS:
        prefix = "decoder_l%d" % (layer + 1)
        logits = trace["decoder:logits"][step]
        shifted = np.exp(logits - logits.max())
        probabilities = shifted / shifted.sum()
        top = np.argsort(-probabilities, kind="stable")[:5]
        context = prefix + "_context"
        points.append({
            "layer": layer,
            "step": step,
            "gate": rounded(trace[prefix + ":gate"][step]),
            "cell": rounded(trace[prefix + ":cell"][step]),
            "previous_cell": rounded(trace[prefix + ":cell"][step - 1] if step > 0 else np.zeros(dim)),
            # Each layer's context attention runs once a step: call `step` is this step's.
            "query": rounded(trace[context + ":q"][step].transpose(1, 0, 2).reshape(-1, dim)),
            "scaled_scores": rounded(trace[context + ":scaled"][step]),
            "weights": rounded(cross[layer][:, step, :]),
            "final": rounded(trace["decoder:final"][step]),
            "top_ids": [int(i) for i in top],
            "top_probabilities": rounded(probabilities[top]),
        })
    out = Path("Tests/AttnvizModelTests/Fixtures/firefox-explain-reference.json")
    out.write_text(json.dumps({
        "text": LECTURE, "source_ids": source, "output_ids": output, "head_dim": d,
        "encoder": encoder, "decoder": points,
    }, separators=(",", ":")) + "\n")
    print("wrote", out, out.stat().st_size, "bytes", file=sys.stderr)
    print([translator.spm.id_to_piece(i) for i in output], file=sys.stderr)


if __name__ == "__main__":
    main()
