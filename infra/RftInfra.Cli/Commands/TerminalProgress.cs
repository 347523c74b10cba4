using RftInfra.Validation.Baseline;

namespace RftInfra.Cli.Commands;

/// <summary>
/// The one place `rft baseline` shows progress: a single rewritten line on stderr, only on a terminal (never in
/// CI logs or in JSON output). Small on purpose, so a shared progress display can replace it.
/// </summary>
internal sealed class TerminalProgress(IOContext io) : IProgress<BaselineProgress>
{
    private readonly object _gate = new();
    private bool _shown;

    public void Report(BaselineProgress value)
    {
        if (!io.IsTerminal)
        {
            return;
        }

        lock (_gate)
        {
            var graded = value.Graded > 0 ? $", graded {value.Graded}/{value.Total}" : "";
            io.Error.Write($"\rbaseline: answers {value.Answered}/{value.Total} ({value.Cached} from the cache){graded}   ");
            _shown = true;
        }
    }

    /// <summary>Ends the progress line so what follows starts on a fresh one.</summary>
    public void Done()
    {
        lock (_gate)
        {
            if (_shown)
            {
                io.Error.WriteLine();
                _shown = false;
            }
        }
    }
}
