"""Second, independent reference for the metrics whose packages Debian does not ship (rapidfuzz, rouge-score).

These are short transliterations, in Python and so with Python's own str semantics (code points, str.lower,
str.isalnum, str.isspace), of the published algorithms the C# code reproduces:
  * rouge-score 0.1.2: rouge_scorer.RougeScorer(["rouge1".."rouge5", "rougeL"]).score(target, prediction),
    tokenize.tokenize(text, None) and scoring.fmeasure, line for line.
  * rapidfuzz 3.10.1: fuzz.WRatio(s1, s2, processor=utils.default_process) following fuzz_py.py (ratio,
    partial_ratio with every window, token_ratio, partial_token_ratio) and the C++ default_process table
    (non-alphanumerics to spaces, simple lowercase, strip spaces).
Reads {"pairs": [[output, reference], ...], "repeat": N} on stdin; writes {"fuzzy_match": [...], "rouge_1": [...],
..., "rouge_l": [...], "seconds": {...}} on stdout ("seconds"/"cpu_seconds": the best of N passes by time.perf_counter/time.process_time, after a
warm-up pass when N > 1). With {"unicode": true} it instead writes Python's str.isspace,
str.isalnum and str.lower for every assigned code point, to check the C# re-implementation of those.
"""
import collections
import json
import re
import sys
import unicodedata

from metric_timing import score_and_time


# --- rouge-score 0.1.2 -------------------------------------------------------------------------------------
def rouge_tokenize(text):
    text = text.lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    tokens = re.split(r"\s+", text)
    return [x for x in tokens if re.match(r"^[a-z0-9]+$", x)]


def fmeasure(precision, recall):
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0


def create_ngrams(tokens, n):
    ngrams = collections.Counter()
    for ngram in (tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)):
        ngrams[ngram] += 1
    return ngrams


def score_ngrams(target_ngrams, prediction_ngrams):
    intersection = 0
    for ngram in target_ngrams:
        intersection += min(target_ngrams[ngram], prediction_ngrams[ngram])
    precision = intersection / max(sum(prediction_ngrams.values()), 1)
    recall = intersection / max(sum(target_ngrams.values()), 1)
    return fmeasure(precision, recall)


def score_lcs(target, prediction):
    if not target or not prediction:
        return 0
    table = [[0] * (len(prediction) + 1) for _ in range(len(target) + 1)]
    for i in range(1, len(target) + 1):
        for j in range(1, len(prediction) + 1):
            if target[i - 1] == prediction[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    lcs = table[-1][-1]
    return fmeasure(lcs / len(prediction), lcs / len(target))


def rouge(kind, output, reference):
    target, prediction = rouge_tokenize(reference), rouge_tokenize(output)
    if kind == "l":
        return score_lcs(target, prediction)
    n = int(kind)
    return score_ngrams(create_ngrams(target, n), create_ngrams(prediction, n))


# --- rapidfuzz 3.10.1 --------------------------------------------------------------------------------------
def default_process(text):
    # The C++ table: alphanumerics lowercased one code point to one (U+0130 -> "i"), the rest to spaces.
    return "".join(c.lower()[0] if c.isalnum() else " " for c in text).strip(" ")


def lcs_length(s1, s2):
    # Hyyrö's bit-parallel LCS, as rapidfuzz's LCSseq_py computes it.
    if not s1 or not s2:
        return 0
    block = {}
    bit = 1
    for ch in s1:
        block[ch] = block.get(ch, 0) | bit
        bit <<= 1
    mask = (1 << len(s1)) - 1
    s = mask
    for ch in s2:
        matches = block.get(ch, 0)
        u = s & matches
        s = ((s + u) | (s - u)) & mask
    return bin(~s & mask).count("1")


def ratio(s1, s2):
    lensum = len(s1) + len(s2)
    if lensum == 0:
        return 100.0
    dist = lensum - 2 * lcs_length(s1, s2)
    return (1.0 - dist / lensum) * 100


def norm_distance(dist, lensum):
    return (100 - 100 * dist / lensum) if lensum else 100


def partial_ratio_impl(s1, s2):
    best = 0.0
    chars = set(s1)
    len1, len2 = len(s1), len(s2)
    for i in range(1, len1):
        if s2[i - 1] in chars:
            best = max(best, ratio(s1, s2[:i]))
    for i in range(len2 - len1):
        if s2[i + len1 - 1] in chars:
            best = max(best, ratio(s1, s2[i:i + len1]))
    for i in range(len2 - len1, len2):
        if s2[i] in chars:
            best = max(best, ratio(s1, s2[i:]))
    return best


def partial_ratio(s1, s2):
    if not s1 and not s2:
        return 100.0
    shorter, longer = (s1, s2) if len(s1) <= len(s2) else (s2, s1)
    score = partial_ratio_impl(shorter, longer)
    if score != 100 and len(s1) == len(s2):
        score = max(score, partial_ratio_impl(longer, shorter))
    return score


def join(tokens):
    return " ".join(tokens)


def token_set_ratio(s1, s2):
    a, b = set(s1.split()), set(s2.split())
    if not a or not b:
        return 0
    sect, ab, ba = a & b, a - b, b - a
    if sect and (not ab or not ba):
        return 100
    ab_joined, ba_joined = join(sorted(ab)), join(sorted(ba))
    sect_len = len(join(sect))
    sect_ab_len = sect_len + (sect_len != 0) + len(ab_joined)
    sect_ba_len = sect_len + (sect_len != 0) + len(ba_joined)
    dist = len(ab_joined) + len(ba_joined) - 2 * lcs_length(ab_joined, ba_joined)
    result = norm_distance(dist, sect_ab_len + sect_ba_len)
    if not sect_len:
        return result
    return max(result,
               norm_distance((sect_len != 0) + len(ab_joined), sect_len + sect_ab_len),
               norm_distance((sect_len != 0) + len(ba_joined), sect_len + sect_ba_len))


def token_sort_ratio(s1, s2):
    return ratio(join(sorted(s1.split())), join(sorted(s2.split())))


def token_ratio(s1, s2):
    return max(token_set_ratio(s1, s2), token_sort_ratio(s1, s2))


def partial_token_ratio(s1, s2):
    split_a, split_b = s1.split(), s2.split()
    a, b = set(split_a), set(split_b)
    if a & b:
        return 100
    ab, ba = a - b, b - a
    result = partial_ratio(join(sorted(split_a)), join(sorted(split_b)))
    if len(split_a) == len(ab) and len(split_b) == len(ba):
        return result
    return max(result, partial_ratio(join(sorted(ab)), join(sorted(ba))))


def wratio(s1, s2):
    s1, s2 = default_process(s1), default_process(s2)
    if not s1 or not s2:
        return 0
    len1, len2 = len(s1), len(s2)
    len_ratio = len1 / len2 if len1 > len2 else len2 / len1
    end_ratio = ratio(s1, s2)
    if len_ratio < 1.5:
        return max(end_ratio, token_ratio(s1, s2) * 0.95)
    partial_scale = 0.9 if len_ratio < 8.0 else 0.6
    end_ratio = max(end_ratio, partial_ratio(s1, s2) * partial_scale)
    return max(end_ratio, partial_token_ratio(s1, s2) * 0.95 * partial_scale)


def unicode_tables():
    assigned, spaces, alnums, lowers = [], [], [], []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or unicodedata.category(chr(cp)) == "Cn":
            continue
        c = chr(cp)
        assigned.append(cp)
        if c.isspace():
            spaces.append(cp)
        if c.isalnum():
            alnums.append(cp)
        if c.lower() != c:
            lowers.append([cp, [ord(x) for x in c.lower()]])
    return {"unidata": unicodedata.unidata_version, "assigned": assigned, "space": spaces, "alnum": alnums,
            "lower": lowers}


def main():
    request = json.load(sys.stdin)
    if request.get("unicode"):
        json.dump(unicode_tables(), sys.stdout)
        return
    pairs = request["pairs"]
    repeat = max(1, int(request.get("repeat", 1)))
    metrics = {"fuzzy_match": lambda out, ref: wratio(out, ref) / 100.0}
    for kind in ["1", "2", "3", "4", "5", "l"]:
        metrics["rouge_" + kind] = lambda out, ref, kind=kind: rouge(kind, out, ref)
    result = score_and_time(metrics, pairs, repeat, {})
    json.dump(result, sys.stdout)


main()
