using System.Globalization;
using RftInfra.Progress;
using RftInfra.Text;

namespace RftInfra.Cli;

/// <summary>
/// One status line on stderr for long work (grading rows through a model grader, streaming a large dataset),
/// fed by the libraries' <see cref="IProgress{T}"/> reports. Silent unless stderr is a terminal, so logs, pipes,
/// CI and `--format json` never see it; redrawn at most ten times a second, and once a second while waiting on
/// the service between reports (the elapsed time moves, so a slow grader model does not look like a hang), and
/// erased when the work ends.
/// </summary>
public sealed class ProgressDisplay : IProgress<WorkProgress>, IDisposable
{
    /// <summary>The least time between two redraws (the last report of a piece of work is always drawn).</summary>
    public static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private const int BarWidth = 20;
    private const int ActivityWidth = 48;

    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _lastDraw = long.MinValue;
    private int _drawnWidth;
    private long? _startedAt;
    private WorkProgress? _last;
    private ITimer? _ticker;

    public ProgressDisplay(TextWriter error, bool enabled, TimeProvider? time = null)
    {
        _error = error;
        IsEnabled = enabled;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>False when stderr is not a terminal: every report is dropped.</summary>
    public bool IsEnabled { get; }

    /// <summary>The display for <paramref name="io"/>: on only when its stderr is a terminal.</summary>
    public static ProgressDisplay For(IOContext io) => new(io.Error, io.IsErrorTerminal);

    public void Report(WorkProgress value)
    {
        if (!IsEnabled)
        {
            return;
        }

        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _startedAt ??= now;
            _last = value;
            _ticker ??= _time.CreateTimer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            if (!value.IsComplete && _lastDraw != long.MinValue && _time.GetElapsedTime(_lastDraw, now) < RedrawInterval)
            {
                return;
            }

            Draw(value, now);
        }
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_last is { IsComplete: false } last && _ticker is not null)
            {
                Draw(last, _time.GetTimestamp());
            }
        }
    }

    // Called under _lock.
    private void Draw(WorkProgress value, long now)
    {
        _lastDraw = now;
        var line = Render(value, _time.GetElapsedTime(_startedAt!.Value, now));
        // \r back to the start; pad over a longer previous line instead of relying on terminal escapes.
        _error.Write("\r" + line + new string(' ', Math.Max(0, _drawnWidth - line.Length)));
        _error.Flush();
        _drawnWidth = line.Length;
    }

    /// <summary>Erases the status line, so what is printed next starts on a clean line.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _ticker?.Dispose();
            _ticker = null;
            if (_drawnWidth > 0)
            {
                _error.Write("\r" + new string(' ', _drawnWidth) + "\r");
                _error.Flush();
                _drawnWidth = 0;
            }
        }
    }

    /// <summary>The status line: activity, a bar and count when the total is known, the elapsed time.</summary>
    public static string Render(WorkProgress value, TimeSpan elapsed)
    {
        var activity = TerminalText.Escape(value.Activity).Replace("\t", " ", StringComparison.Ordinal);
        if (activity.Length > ActivityWidth)
        {
            activity = "…" + activity[^(ActivityWidth - 1)..];
        }

        var seconds = ((long)elapsed.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s";
        var done = value.Done.ToString("N0", CultureInfo.InvariantCulture);
        if (value.Total is not { } total || total <= 0)
        {
            return $"{activity}: {done} {value.Unit}  {seconds}";
        }

        var share = Math.Clamp((double)value.Done / total, 0, 1);
        var filled = (int)Math.Floor(share * BarWidth);
        var bar = new string('█', filled) + new string('░', BarWidth - filled);
        return $"{activity} {bar} {done}/{total.ToString("N0", CultureInfo.InvariantCulture)} {value.Unit} " +
            $"({(share * 100).ToString("0", CultureInfo.InvariantCulture)} %)  {seconds}";
    }
}
