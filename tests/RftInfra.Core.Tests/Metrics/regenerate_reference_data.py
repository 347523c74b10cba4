"""Regenerates the checked-in reference data the text-similarity tests read on a machine without nltk.

Run with Debian's python3 after `apt-get install python3-nltk wordnet-base` (what .ci/run installs):

    /usr/bin/python3 tests/RftInfra.Core.Tests/Metrics/regenerate_reference_data.py

It writes, under Metrics/Reference/:
- reference-scores.json: nltk_reference.py and published_algorithms.py on similarity-corpus.jsonl (the scores
  only, with the nltk and Python versions and the corpus's SHA-256, so a changed corpus is caught);
- python-unicode.json: Python's str.isspace / str.isalnum / str.lower tables, as code point ranges;
- wordnet/: the part of /usr/share/wordnet METEOR reads for the words of the corpus and of the unit tests
  (index.*, data.*, *.exc with each synset moved to a new offset, its pointers and gloss dropped), under WordNet's
  license (LICENSE, and the license header kept at the top of every file).
The live tests (RFT_LIVE_REFERENCE=1, run by .ci/run) check that these files still equal what nltk answers.
"""
import hashlib
import json
import os
import subprocess
import sys

from nltk.stem.porter import PorterStemmer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Reference")
WORDNET = "/usr/share/wordnet"
POS = [("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")]
SUBSTITUTIONS = {
    "n": [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}
# Sentences of TextSimilarityMetricsTests and the CLI tests that score meteor, beyond the corpus.
EXTRA_TEXTS = [
    "the cat sat on the mat", "the cat is on the mat", "dogs ran quickly", "a dog runs fast", "Paris", "paris",
    "alpha beta", "gamma delta", "The quick brown fox jumps over the lazy dog", "a lazy dog",
]


def load_corpus():
    path = os.path.join(HERE, "similarity-corpus.jsonl")
    with open(path, "rb") as f:
        raw = f.read()
    pairs = [[row["output"], row["reference"]] for row in map(json.loads, raw.decode("utf-8").splitlines())]
    return pairs, hashlib.sha256(raw).hexdigest()


def run(script, request):
    answer = subprocess.run([sys.executable, os.path.join(HERE, script)], input=json.dumps(request).encode(),
                            capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(answer.stdout)


def ranges(code_points):
    result = []
    for cp in code_points:
        if result and result[-1][1] == cp - 1:
            result[-1][1] = cp
        else:
            result.append([cp, cp])
    return result


def write_json(name, value):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")


def reference_scores(pairs, corpus_hash):
    nltk_answer = run("nltk_reference.py", {"pairs": pairs, "repeat": 1, "wordnet": WORDNET})
    published = run("published_algorithms.py", {"pairs": pairs, "repeat": 1})
    scores = {"generator": "Metrics/regenerate_reference_data.py", "corpus_sha256": corpus_hash,
              "nltk": nltk_answer["nltk"], "python": sys.version.split()[0]}
    for answer in (nltk_answer, published):
        for name, value in answer.items():
            if isinstance(value, list):
                scores[name] = value
    write_json("reference-scores.json", scores)
    tables = run("published_algorithms.py", {"unicode": True})
    write_json("python-unicode.json", {"unidata": tables["unidata"], "assigned": ranges(tables["assigned"]),
                                       "space": ranges(tables["space"]), "alnum": ranges(tables["alnum"]),
                                       "lower": tables["lower"]})


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def words_to_look_up(pairs):
    stemmer = PorterStemmer()
    words = set()
    for text in [t for pair in pairs for t in pair] + EXTRA_TEXTS:
        for token in text.lower().split():
            words.add(token)
            words.add(stemmer.stem(token))
    return words


def candidate_forms(word, pos, exceptions):
    """Every form morphy may test for `word` in `pos`: the word, its exception forms, all substitution rounds."""
    forms = {word} | set(exceptions.get(word, []))
    frontier = [word]
    while frontier:
        frontier = [f[: len(f) - len(old)] + new for f in frontier for old, new in SUBSTITUTIONS[pos] if f.endswith(old)]
        forms.update(frontier)
    return forms


def wordnet_subset(words):
    out_dir = os.path.join(OUT, "wordnet")
    os.makedirs(out_dir, exist_ok=True)
    for pos, name in POS:
        exc_lines = [line for line in read_lines(os.path.join(WORDNET, name + ".exc")) if line]
        exceptions = {}
        for line in exc_lines:
            terms = line.decode("utf-8").split()
            exceptions[terms[0]] = terms[1:]
        wanted = set()
        for word in words:
            wanted |= candidate_forms(word, pos, exceptions)
        kept_exc = [line for line in exc_lines if line.decode("utf-8").split()[0] in words]

        index_header, index_rows = [], []
        for line in read_lines(os.path.join(WORDNET, "index." + name)):
            if line.startswith(b"  "):
                index_header.append(line)
            elif line and line.split(b" ", 1)[0].decode("utf-8") in wanted:
                index_rows.append(line.decode("utf-8").split())

        data = open(os.path.join(WORDNET, "data." + name), "rb").read()
        data_header = [line for line in data.split(b"\n") if line.startswith(b"  ")]
        header = b"".join(line + b"\n" for line in data_header)
        needed = sorted({int(o) for row in index_rows for o in row[4 + int(row[3]) + 2:]})
        new_offset, body = {}, b""
        for offset in needed:
            fields = data[offset:data.index(b"\n", offset)].decode("utf-8").split(" ")
            words_end = 4 + 2 * int(fields[3], 16)
            pointer_count = int(fields[words_end])
            rest = fields[words_end + 1 + 4 * pointer_count:]
            rest = rest[: rest.index("|") + 1] if "|" in rest else rest  # the gloss is not read: drop it
            new_offset[offset] = len(header) + len(body)
            line = " ".join([f"{new_offset[offset]:08d}"] + fields[1:words_end] + ["000"] + rest)
            body += line.encode("utf-8") + b"\n"
        with open(os.path.join(out_dir, "data." + name), "wb") as f:
            f.write(header + body)
        with open(os.path.join(out_dir, "index." + name), "wb") as f:
            f.write(b"".join(line + b"\n" for line in index_header))
            for row in index_rows:
                first = 4 + int(row[3]) + 2
                row = row[:first] + [f"{new_offset[int(o)]:08d}" for o in row[first:]]
                f.write((" ".join(row) + "  \n").encode("utf-8"))
        with open(os.path.join(out_dir, name + ".exc"), "wb") as f:
            f.write(b"".join(line + b"\n" for line in kept_exc))


def main():
    os.makedirs(OUT, exist_ok=True)
    pairs, corpus_hash = load_corpus()
    reference_scores(pairs, corpus_hash)
    wordnet_subset(words_to_look_up(pairs))


main()
