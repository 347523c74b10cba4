"""Live reference for the text-similarity parity tests and the metrics benchmark.

Reads {"pairs": [[output, reference], ...], "repeat": N, "wordnet": DIR} as JSON on stdin and writes
{"nltk": VERSION, "bleu": [...], "gleu": [...], "meteor": [...], "seconds": {"bleu": s, ...}, "cpu_seconds": {...}} on stdout:
nltk's sentence_bleu, sentence_gleu and meteor_score with their defaults, on str.split() tokens, each metric
timed over the pairs (N rounds after a warm-up when N > 1): "seconds" is the best round by time.perf_counter,
"cpu_seconds" the best by time.process_time.
"""
import json
import os
import sys
import tempfile
import warnings

import nltk
from nltk.corpus.reader.wordnet import WordNetCorpusReader
from nltk.translate.bleu_score import sentence_bleu
from nltk.translate.gleu_score import sentence_gleu
from nltk.translate.meteor_score import meteor_score

from metric_timing import score_and_time


def open_wordnet(dict_dir):
    # Debian's wordnet-base has the WordNet 3.0 database but no "lexnames" file, which nltk's reader opens
    # only to name each synset's lexicographer file (METEOR never uses it): link the files, add a stand-in.
    root = tempfile.mkdtemp(prefix="rft-wordnet-")
    for name in os.listdir(dict_dir):
        os.symlink(os.path.join(dict_dir, name), os.path.join(root, name))
    if not os.path.exists(os.path.join(root, "lexnames")):
        with open(os.path.join(root, "lexnames"), "w") as f:
            for i in range(45):
                f.write(f"{i:02d}\tlexfile{i}\t0\n")
    return WordNetCorpusReader(root, None)


def main():
    request = json.load(sys.stdin)
    pairs = request["pairs"]
    repeat = max(1, int(request.get("repeat", 1)))
    wordnet = open_wordnet(request["wordnet"])
    warnings.simplefilter("ignore")  # method0's "0 counts of n-gram overlaps" warning, once per pair

    metrics = {
        "bleu": lambda out, ref: sentence_bleu([ref.split()], out.split()),
        "gleu": lambda out, ref: sentence_gleu([ref.split()], out.split()),
        "meteor": lambda out, ref: meteor_score([ref.split()], out.split(), wordnet=wordnet),
    }
    result = score_and_time(metrics, pairs, repeat, {"nltk": nltk.__version__})
    json.dump(result, sys.stdout)


main()
