namespace RftInfra.Progress;

/// <summary>
/// How far a long piece of work is, as the libraries report it through <see cref="IProgress{T}"/> (they have no
/// console): what is being done, how many units are done and, when known, how many there are. Only the CLI
/// shows it, and only on a terminal.
/// </summary>
/// <param name="Activity">What is being done, e.g. "grading rows of data/train.jsonl" (user text: escape it to print).</param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">All units, or null when not known in advance (a streamed file's rows).</param>
/// <param name="Unit">What a unit is, e.g. "rows".</param>
public readonly record struct WorkProgress(string Activity, long Done, long? Total, string Unit)
{
    public bool IsComplete => Total is { } total && Done >= total;
}
