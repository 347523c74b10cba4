# Runs a python grader's grade(sample, item) for many rows: one JSON request per stdin line, one JSON reply per
# stdout line. The first line carries the grader source. The grader's own prints go to stderr so they cannot
# corrupt the replies.
import json, math, numbers, sys, traceback

out = sys.stdout
sys.stdout = sys.stderr

def reply(obj):
    out.write(json.dumps(obj) + "\n")
    out.flush()

def main():
    first = sys.stdin.readline()
    if not first:
        return
    namespace = {"__name__": "grader"}
    try:
        exec(compile(json.loads(first)["source"], "grader.py", "exec"), namespace)
        grade = namespace.get("grade")
        if not callable(grade):
            raise NameError("the source does not define grade(sample, item)")
    except BaseException:
        reply({"load_error": traceback.format_exc(limit=3)})
        return
    reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            value = grade(request["sample"], request["item"])
        except BaseException:
            reply({"error": traceback.format_exc(limit=5)})
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            reply({"error": "grade returned %s (%r), not a float" % (type(value).__name__, value)[:500]})
        elif not math.isfinite(float(value)):
            reply({"error": "grade returned %r, not a finite float" % (value,)})
        else:
            reply({"reward": float(value)})

main()
