#!/bin/sh
# Turns swift-argument-parser's generated attnviz.1 into a page a Unix user expects.
#
#   scripts/finish-man-page.sh GENERATED.1 BINARY > attnviz.1
#
# generate-manual writes NAME, a one-line SYNOPSIS, the root's examples as DESCRIPTION, every
# option (without its default) and EXIT STATUS. This step, run by `make man`, adds from the same
# option definitions (the binary's own `help SUBCOMMAND`) each option's "(default: ...)", and
# puts around them a SYNOPSIS with the subcommands, a real DESCRIPTION, ENVIRONMENT, FILES, EXIT
# STATUS, EXAMPLES and SEE ALSO. Characters are written as groff escapes (\(mu, \(en, ...), so
# man shows them where the terminal can and plain ASCII where it cannot.
set -eu
page=$1
bin=$2
defaults=$(mktemp)
trap 'rm -f "$defaults"' EXIT

# "SUBCOMMAND --option<TAB>(default: value)" from the help that --help prints, unwrapped; the
# default may follow a value list: "(values: a, b; default: a)".
for sub in show pe explain; do
  COLUMNS=1000 "$bin" help "$sub" | sed -n "s/^  \(--[a-z-]*\).*[(;] *default: \([^)]*\))\.\{0,1\}\$/$sub \1\t(default: \2)/p"
done > "$defaults"

# Every subcommand the binary lists, in its order, for the SYNOPSIS (so a new one cannot be
# missing from it).
subcommands=$(COLUMNS=1000 "$bin" --help | sed -n '/^SUBCOMMANDS:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' | tr '\n' ' ')
[ -n "$subcommands" ] || { echo "finish-man-page.sh: no subcommands in $bin --help" >&2; exit 1; }

awk -v defaults="$defaults" -v subcommands="$subcommands" '
BEGIN {
  FS = "\n"
  while ((getline line < defaults) > 0) {
    split(line, parts, "\t"); key = parts[1]; def[key] = parts[2]
  }
  section = "show"
}
# The generated DESCRIPTION (the examples) is replaced by the text below; EXIT STATUS too.
/^\.Sh DESCRIPTION/ { dropping = 0; skipping = 1; print_description(); next }
skipping && /^\.Bl -tag/ { skipping = 0 }
skipping { next }
/^\.Sh "EXIT STATUS"/ { print_tail(); exit }
/^\.Sh SYNOPSIS/ { print; print_synopsis(); dropping = 1; next }
dropping && /^\.Sh/ { dropping = 0 }
dropping { next }
/^\.It Em (show|pe|explain|help)$/ { section = $0; sub(/^\.It Em /, "", section) }
/^\.It Fl -[a-z-]+/ {
  option = $0; sub(/^\.It Fl /, "", option); sub(/ .*/, "", option)
  print; pending = section " -" option; next
}
pending != "" {
  text = $0
  if ((pending in def) && index(text, "default") == 0) text = text " " def[pending]
  print text; pending = ""; next
}
{ print }

function print_synopsis(   count, names, i, name) {
  print ".Nm"
  print ".Op Ar options"
  print ".Op Ar text ..."
  # What each subcommand takes after its options; one not named here still gets its line.
  operands["show"] = "text ..."; operands["explain"] = "text ..."
  operands["compare"] = "text ..."; operands["deck"] = "deck.toml"; operands["info"] = "figure"
  count = split(subcommands, names, " ")
  for (i = 1; i <= count; i++) {
    name = names[i]
    print ".Nm"
    print ".Cm " name
    print ".Op Ar options"
    if (name in operands) {
      if (name == "deck" || name == "info") print ".Ar " operands[name]
      else print ".Op Ar " operands[name]
    }
  }
  print ".Nm"
  print ".Cm help"
  print ".Op Ar subcommand"
}

function print_description() {
  print ".Sh DESCRIPTION"
  print ".Nm"
  print "runs a Transformer self-attention layer on a text and shows its attention weights: as tables"
  print "on the terminal and as figures (PNG, SVG) that can go on a slide as they are. The model is the"
  print "built-in layer (random, untrained weights, no download), a layer written by hand in JSON"
  print ".Pq Fl -weights ,"
  print "or a pretrained BERT-family or GPT-2 model in safetensors"
  print ".Pq Fl -model ."
  print "Tables go to standard output, the paths of written files and notes to standard error."
  print ".Pp"
  print "The main job (subcommand"
  print ".Cm show ,"
  print "also run when the first argument is not a subcommand) prints the tables and writes figures"
  print "and attention.json into"
  print ".Fl -out ."
  print ".Cm pe"
  print "draws the sinusoidal positional encoding;"
  print ".Cm explain"
  print "walks through the computation step by step. A subcommand comes first: after options it"
  print "would be text, so it is refused."
  print ".Sh OPTIONS"
}

function print_tail() {
  print ".Sh ENVIRONMENT"
  print ".Bl -tag -width 6n"
  print ".It Ev NO_COLOR"
  print "When set, tables are plain ASCII without colour (as with"
  print ".Fl -no-color ) ."
  print ".It Ev COLUMNS"
  print "Table width; default the terminal width, else 80."
  print ".It Ev ATTNVIZ_MODELS"
  print "A folder in which"
  print ".Fl -model Ar name"
  print "looks for model folders, before models/ of the current folder."
  print ".El"
  print ".Sh FILES"
  print ".Bl -tag -width 6n"
  print ".It Pa attnviz-out/"
  print "Default output folder: attention.json, heatmap-layerL-headH.png, heads-layerL.png,"
  print "lines-layerL-headH.png or lines-layerL-all-heads.png, model.png (numbers zero-padded so"
  print "files sort); with"
  print ".Cm explain ,"
  print "step-01-tokens.png ... step-08-output.png (step-09-output.png for a rotary model, whose"
  print "step-05-rotation.png shows RoPE), explain.md, explain.html."
  print ".It Pa models/NAME/"
  print "A model folder: config.json, vocab.txt or vocab.json and merges.txt, model.safetensors."
  print ".El"
  print ".Sh EXIT STATUS"
  print ".Bl -tag -width 6n"
  print ".It 0"
  print "Success."
  print ".It 1"
  print "The command was right but running it failed (a file could not be read or written, a model"
  print "folder is missing)."
  print ".It 2"
  print "The command was wrong (an unknown option, a value out of range, an option that cannot take"
  print "effect, no text)."
  print ".El"
  print ".Pp"
  print "Errors are one line on standard error,"
  print ".Ql attnviz: error: ... ,"
  print "saying what to do."
  print ".Sh EXAMPLES"
  print ".Bd -literal -offset indent"
  print "attnviz \"The animal didn\\(aqt cross the street because it was too tired.\""
  print "attnviz --causal --heads 4 --dim 16 \"The cat sat on the mat.\""
  print "attnviz --model all-MiniLM-L6-v2 --layer 4 --head 2 --view lines --focus it \\e"
  print "    \"The animal didn\\(aqt cross the street because it was too tired.\""
  print "echo \"Attention is all you need.\" | attnviz --json - | jq .tokens"
  print "attnviz --format csv,md --out notes \"The cat sat on the mat.\""
  print "attnviz pe --positions 100 --dim 128"
  print "attnviz explain --causal --step 6 \"The cat sat on the mat.\""
  print "attnviz explain --model SmolLM2-135M-Instruct --step 5 \"The cat sat on the mat.\""
  print ".Ed"
  print ".Sh SEE ALSO"
  print ".Xr jq 1 ;"
  print "docs/usage.md and docs/self-attention.md in the attnviz sources."
}
' "$page" | sed \
  -e 's/×/\\(mu/g' -e 's/–/\\(en/g' -e 's/—/\\(em/g' -e 's/…/.../g' -e 's/·/\\(md/g' \
  -e 's/√/\\(sr/g' -e 's/ᵀ/^T/g' -e 's/−/\\(mi/g' -e 's/∞/\\(if/g' -e 's/≥/\\(>=/g' \
  -e 's/“/\\(lq/g' -e 's/”/\\(rq/g' -e 's/’/\\(cq/g'
