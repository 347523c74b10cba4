"""Shared by nltk_reference.py and published_algorithms.py: score every pair with every metric, timed."""
import time


def score_and_time(metrics, pairs, repeat, result):
    """Adds to result, per metric: its scores, and the best wall and CPU seconds of `repeat` timed rounds."""
    result.setdefault("seconds", {})
    result.setdefault("cpu_seconds", {})
    for name, metric in metrics.items():
        if repeat > 1:  # an untimed warm-up round (loads data such as WordNet, fills caches)
            [metric(out, ref) for out, ref in pairs]
        rounds, cpu_rounds = [], []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            scores = [float(metric(out, ref)) for out, ref in pairs]
            rounds.append(time.perf_counter() - started)
            cpu_rounds.append(time.process_time() - cpu_started)
        # The best round is the one least disturbed by other load on the machine; CPU time discounts the rest.
        result["seconds"][name] = min(rounds)
        result["cpu_seconds"][name] = min(cpu_rounds)
        result[name] = scores
    return result
