"""Reference translations and attention for the Firefox Translations "tiny" models.

An independent numpy re-implementation of the Marian transformer with an SSRU decoder, written
from marian-dev's source (src/common/binary.cpp: the binary model file; src/models/transformer.h:
embeddings, post-norm blocks, attention; src/rnn/cells.h: the SSRU; src/layers/generic.h: layer
norm with epsilon 1e-6), computing in float64 after dequantising the int8 matrices (weight =
int8 / multiplier). Token ids come from the `sentencepiece` library on the model's own .spm file.

    /work/refvenv/bin/python scripts/reference/make_firefox_reference.py \
        models/firefox-enpt models/firefox-pten

writes Tests/AttnvizModelTests/Fixtures/firefox-reference.json and
Tests/AttnvizTokensTests/Fixtures/sentencepiece-references.json (see scripts/reference/README.md).
attnviz never runs Python; the tests read the committed JSON.
"""

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import sentencepiece

FLOAT32 = 0x0404
INT8 = 0x4101
TEXT = 0x0101

SENTENCES = {
    "enpt": [
        "The black cat sat on the old mat because it was tired.",
        "Hello.",
        "Thank you very much!",
        "The house is small.",
        "I bought 3 apples and 12 oranges for 5 euros.",
        "Maria and João live in Lisbon, but Pedro lives in Porto.",
        "Where is the train station?",
        "She said: \"I will come tomorrow, if it doesn't rain.\"",
        "The new red car is faster than the old white one.",
        "Scientists have discovered that the ancient forest, which covers most of the northern "
        "region, stores more carbon than previously thought, and they warn that cutting it down "
        "would release it into the atmosphere.",
    ],
    "pten": [
        "O gato preto sentou-se no tapete velho porque estava cansado.",
        "Olá.",
        "Muito obrigado!",
        "A casa é pequena.",
        "Comprei 3 maçãs e 12 laranjas por 5 euros.",
        "Maria e João moram em Lisboa, mas Pedro mora no Porto.",
        "Onde fica a estação de comboios?",
        "Ela disse: \"Eu venho amanhã, se não chover.\"",
        "O carro vermelho novo é mais rápido do que o velho branco.",
        "Os cientistas descobriram que a floresta antiga, que cobre a maior parte da região "
        "norte, armazena mais carbono do que se pensava, e alertam que cortá-la libertaria esse "
        "carbono para a atmosfera.",
    ],
}

# Tokenizer-only texts: normalisation (NFKC, full-width, ligatures, spaces), unknown characters.
TOKENIZER_TEXTS = [
    "The black cat sat on the old mat because it was tired.",
    "  leading and   repeated   spaces  ",
    "ＦＵＬＬ-width ｌｅｔｔｅｒｓ and ﬁ ligatures",
    "Ação, coração, pão — “quotes” and ‘apostrophes’…",
    "Numbers: 1,234.56 and ½ and ² and ①",
    "tab\there\nnewline",
    "emoji 🙂 and CJK 漢字 and Ελληνικά",
    "e\u0301 combining accent and é precomposed",
    "a",
    "\u200b zero width space and non\u00a0breaking",
]


def read_marian(path):
    """Items of a Marian binary model: name → (type, shape, bytes)."""
    data = Path(path).read_bytes()
    version, count = struct.unpack_from("<QQ", data, 0)
    assert version == 1, version
    headers = [struct.unpack_from("<QQQQ", data, 16 + 32 * i) for i in range(count)]
    position = 16 + 32 * count
    names = []
    for name_length, _, _, _ in headers:
        names.append(data[position : position + name_length].rstrip(b"\0").decode())
        position += name_length
    shapes = []
    for _, _, shape_length, _ in headers:
        shapes.append(struct.unpack_from("<%di" % shape_length, data, position))
        position += 4 * shape_length
    (padding,) = struct.unpack_from("<Q", data, position)
    position += 8 + padding
    items = {}
    for name, shape, (_, kind, _, length) in zip(names, shapes, headers):
        items[name] = (kind, shape, data[position : position + length])
        position += length
    assert position == len(data)
    return items


def weight(items, name):
    """A float64 array in Marian's logical shape. int8 matrices are stored transposed ([out][in])
    followed by one float32 multiplier; Wemb is stored as [vocab][dim] (the output layer reads it
    transposed), see integer_common.h prepareAndTransposeB."""
    kind, shape, raw = items[name]
    count = int(np.prod(shape))
    if kind == FLOAT32:
        return np.frombuffer(raw, "<f4", count).astype(np.float64).reshape(shape)
    assert kind == INT8, (name, hex(kind))
    values = np.frombuffer(raw, np.int8, count).astype(np.float64)
    (multiplier,) = struct.unpack_from("<f", raw, count)
    values = values / np.float64(np.float32(multiplier))
    if name == "Wemb":
        return values.reshape(shape)
    rows, columns = shape
    return values.reshape(columns, rows).T


def layer_norm(x, scale, bias):
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-6) * scale + bias


def positions(start, count, dim):
    """Marian's sinusoid: [sin | cos] halves, frequency 1e-4 ** (i / (dim/2 - 1))."""
    half = dim // 2
    frequency = np.power(1e-4, np.arange(half) / (half - 1.0))
    angles = np.arange(start, start + count)[:, None] * frequency[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


class Translator:
    def __init__(self, folder):
        folder = Path(folder)
        self.items = read_marian(next(folder.glob("model.*.bin")))
        config = self.items["special:model.yml"][2].decode()
        self.heads = int(config.split("transformer-heads:")[1].split()[0])
        self.encoder_depth = int(config.split("enc-depth:")[1].split()[0])
        self.decoder_depth = int(config.split("dec-depth:")[1].split()[0])
        self.embedding = weight(self.items, "Wemb")
        self.dim = self.embedding.shape[1]
        self.spm = sentencepiece.SentencePieceProcessor(model_file=str(next(folder.glob("vocab.*.spm"))))
        # A dict to keep the intermediates in (make_translator_explain_reference.py), or None.
        self.trace = None

    def keep(self, name, value):
        if self.trace is not None:
            self.trace.setdefault(name, []).append(np.array(value, copy=True))

    def w(self, name):
        return weight(self.items, name)

    def attention(self, prefix, queries, keys_values):
        """Multi-head attention; returns the output (before residual) and [H][Tq][Tk] weights."""
        H, C = self.heads, self.dim
        D = C // H
        q = queries @ self.w(prefix + "_Wq") + self.w(prefix + "_bq")
        k = keys_values @ self.w(prefix + "_Wk") + self.w(prefix + "_bk")
        v = keys_values @ self.w(prefix + "_Wv") + self.w(prefix + "_bv")
        q = q.reshape(-1, H, D).transpose(1, 0, 2)  # (H, Tq, D)
        k = k.reshape(-1, H, D).transpose(1, 0, 2)  # (H, Tk, D)
        v = v.reshape(-1, H, D).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(D)  # (H, Tq, Tk)
        self.keep(prefix + ":q", q)
        self.keep(prefix + ":k", k)
        self.keep(prefix + ":scaled", scores)
        scores = scores - scores.max(-1, keepdims=True)
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum(-1, keepdims=True)
        context = (probabilities @ v).transpose(1, 0, 2).reshape(-1, C)
        return context @ self.w(prefix + "_Wo") + self.w(prefix + "_bo"), probabilities

    def feed_forward(self, prefix, x):
        hidden = np.maximum(0.0, x @ self.w(prefix + "_W1") + self.w(prefix + "_b1"))
        out = hidden @ self.w(prefix + "_W2") + self.w(prefix + "_b2")
        return layer_norm(out + x, self.w(prefix + "_ffn_ln_scale"), self.w(prefix + "_ffn_ln_bias"))

    def encode(self, ids):
        x = self.embedding[ids] * math.sqrt(self.dim) + positions(0, len(ids), self.dim)
        attentions = []
        for layer in range(1, self.encoder_depth + 1):
            prefix = "encoder_l%d" % layer
            out, probabilities = self.attention(prefix + "_self", x, x)
            x = layer_norm(out + x, self.w(prefix + "_self_Wo_ln_scale"), self.w(prefix + "_self_Wo_ln_bias"))
            x = self.feed_forward(prefix + "_ffn", x)
            self.keep(prefix + ":output", x)
            attentions.append(probabilities)
        return x, attentions

    def translate(self, text, limit=None):
        source = self.spm.encode(text) + [0]
        context, encoder_attention = self.encode(source)
        limit = limit or int(2.5 * len(source))  # max-length-factor 2.5 (the model's config)
        states = [np.zeros(self.dim) for _ in range(self.decoder_depth)]
        previous = None
        output = []
        cross = [[] for _ in range(self.decoder_depth)]  # [layer][step] (H, Tk)
        for step in range(limit):
            embedded = np.zeros(self.dim) if previous is None else self.embedding[previous]
            x = embedded * math.sqrt(self.dim) + positions(step, 1, self.dim)[0]
            for layer in range(1, self.decoder_depth + 1):
                prefix = "decoder_l%d" % layer
                # SSRU: f = σ(x Wf + bf); c = f·c + (1 − f)·x W; out = ReLU(c); residual, layer norm.
                gate = 1.0 / (1.0 + np.exp(-(x @ self.w(prefix + "_rnn_Wf") + self.w(prefix + "_rnn_bf")[0])))
                cell = gate * states[layer - 1] + (1.0 - gate) * (x @ self.w(prefix + "_rnn_W"))
                self.keep(prefix + ":gate", gate)
                self.keep(prefix + ":cell", cell)
                states[layer - 1] = cell
                x = layer_norm(np.maximum(0.0, cell) + x, self.w(prefix + "_rnn_ffn_ln_scale")[0],
                               self.w(prefix + "_rnn_ffn_ln_bias")[0])
                out, probabilities = self.attention(prefix + "_context", x[None, :], context)
                x = layer_norm(out[0] + x, self.w(prefix + "_context_Wo_ln_scale")[0],
                               self.w(prefix + "_context_Wo_ln_bias")[0])
                x = self.feed_forward(prefix + "_ffn", x[None, :])[0]
                cross[layer - 1].append(probabilities[:, 0, :])
            logits = self.embedding @ x + self.w("decoder_ff_logit_out_b")[0]
            self.keep("decoder:final", x)
            self.keep("decoder:logits", logits)
            previous = int(np.argmax(logits))
            output.append(previous)
            if previous == 0:
                break
        cross = [np.stack(steps, axis=1) for steps in cross]  # [layer] (H, Tt, Ts)
        return source, output, encoder_attention, cross


def millionths(array):
    return np.rint(np.asarray(array) * 1_000_000).astype(np.int64).tolist()


def main():
    folders = {"enpt": Path(sys.argv[1]), "pten": Path(sys.argv[2])}
    cases = []
    for direction, folder in folders.items():
        translator = Translator(folder)
        for text in SENTENCES[direction]:
            source, output, encoder_attention, cross = translator.translate(text)
            translation = translator.spm.decode([i for i in output if i != 0])
            cases.append({
                "model": direction,
                "text": text,
                "source_ids": source,
                "source_pieces": [translator.spm.id_to_piece(i) for i in source],
                "output_ids": output,
                "output_pieces": [translator.spm.id_to_piece(i) for i in output],
                "translation": translation,
                "encoder_self_attention": millionths(encoder_attention),
                "cross_attention": millionths(cross),
            })
            print(direction, repr(text), "→", repr(translation), file=sys.stderr)
    tokenizer = []
    for direction, folder in folders.items():
        spm = sentencepiece.SentencePieceProcessor(model_file=str(next(folder.glob("vocab.*.spm"))))
        for text in TOKENIZER_TEXTS + SENTENCES["enpt"] + SENTENCES["pten"]:
            tokenizer.append({"model": direction, "text": text, "ids": spm.encode(text),
                              "pieces": spm.encode(text, out_type=str)})
    out = Path("Tests/AttnvizModelTests/Fixtures/firefox-reference.json")
    out.write_text(json.dumps({"attention_scale": 1_000_000, "cases": cases},
                              ensure_ascii=False, separators=(",", ":")) + "\n")
    print("wrote", out, out.stat().st_size, "bytes", file=sys.stderr)
    out = Path("Tests/AttnvizTokensTests/Fixtures/sentencepiece-references.json")
    out.write_text(json.dumps({"cases": tokenizer}, ensure_ascii=False, indent=1) + "\n")
    print("wrote", out, out.stat().st_size, "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
